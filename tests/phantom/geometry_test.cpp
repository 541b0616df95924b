#include "phantom/geometry.h"

#include <cmath>

#include <gtest/gtest.h>

#include "phantom/probe.h"

namespace antra::phantom {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(PhantomGeometry, RotationsAreOrthonormal) {
  const Rotation r = Rotation::FromEuler(0.3, -1.1, 2.0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(r.axis[i].Norm(), 1.0, 1e-12);
    for (int j = i + 1; j < 3; ++j) EXPECT_NEAR(r.axis[i].Dot(r.axis[j]), 0.0, 1e-12);
  }
  const Vec3 v{1, 2, 3};
  const Vec3 back = r.ToBody(r.ToWorld(v));
  EXPECT_NEAR(back.x, 1, 1e-12);
  EXPECT_NEAR(back.y, 2, 1e-12);
  EXPECT_NEAR(back.z, 3, 1e-12);
  // A quarter turn about z takes x to y.
  const Vec3 y = Rotation::FromEuler(0, 0, kPi / 2).ToWorld({1, 0, 0});
  EXPECT_NEAR(y.y, 1.0, 1e-12);
}

TEST(PhantomGeometry, EllipsoidSectionThroughTheCentre) {
  Ellipsoid e;
  e.center = {5, 40, 0};
  e.semi_axes = {4, 3, 2};
  const auto s = e.Section(PlanePose{});
  ASSERT_TRUE(s.has_value());
  EXPECT_NEAR(s->center.x, 5, 1e-12);
  EXPECT_NEAR(s->center.y, 40, 1e-12);
  EXPECT_NEAR(s->semi_major, 4, 1e-12);
  EXPECT_NEAR(s->semi_minor, 3, 1e-12);
  // Off the centre by z = 1: each in-plane semi-axis shrinks by sqrt(1 - 1/4).
  PlanePose off;
  off.origin.z = 1;
  const auto t = e.Section(off);
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->semi_major, 4 * std::sqrt(0.75), 1e-12);
  // Past the tip: no section.
  off.origin.z = 2.1;
  EXPECT_FALSE(e.Section(off).has_value());
}

TEST(PhantomGeometry, TiltedSectionMatchesPointTests) {
  Ellipsoid e;
  e.center = {1, 30, 0.5};
  e.semi_axes = {5, 3, 4};
  e.rotation = Rotation::FromEuler(0.4, 0.7, -0.2);
  PlanePose pose;
  const Rotation tilt = Rotation::FromEuler(0.1, -0.05, 0.3);
  pose.u = tilt.ToWorld({1, 0, 0});
  pose.v = tilt.ToWorld({0, 1, 0});
  pose.origin = {0.2, -0.3, 0.4};
  const auto s = e.Section(pose);
  ASSERT_TRUE(s.has_value());
  // Points of the section's boundary lie on the ellipsoid's surface.
  for (const auto& p : s->Boundary(32)) EXPECT_NEAR(e.Value(pose.At(p.x, p.y)), 1.0, 1e-9);
  for (double x = -10; x <= 10; x += 0.37) {
    for (double y = 20; y <= 40; y += 0.41) {
      EXPECT_EQ(s->Contains(x, y), e.Contains(pose.At(x, y))) << x << "," << y;
    }
  }
}

TEST(PhantomGeometry, MeasuresAnEllipse) {
  Lumen2D l;
  Ellipsoid e;
  e.semi_axes = {5, 3, 3};
  e.rotation = Rotation::FromEuler(0, 0, 0.6);
  l.ellipse = *e.Section(PlanePose{});
  const LumenMeasurement m = MeasureConvexPolygon(l.Polygon(720));
  EXPECT_NEAR(m.long_length, 10.0, 1e-9);
  EXPECT_NEAR(m.short_length, 6.0, 1e-6);
  EXPECT_NEAR(m.area, kPi * 15, 0.01);
  EXPECT_NEAR(m.centroid.x, 0, 1e-9);
  // The short chord is perpendicular to the long one.
  const cv::Point2d a = m.long_b - m.long_a, b = m.short_b - m.short_a;
  EXPECT_NEAR(a.dot(b), 0.0, 1e-6);
}

TEST(PhantomGeometry, MeasuresAHalfEllipse) {
  // Semi-axes 5 (x) and 3 (y), keep x <= 0. The longest chord runs from a
  // corner of the cut, (0, -3), to the curved side: d^2 = 34 - 16 s^2 + 18 s
  // with s = sin t, largest at s = 9/16, d = 6.25.
  Lumen2D l;
  Ellipsoid e;
  e.semi_axes = {5, 3, 3};
  l.ellipse = *e.Section(PlanePose{});
  l.cuts.push_back({1, 0, 0});
  const auto poly = l.Polygon(720);
  for (const auto& p : poly) EXPECT_LE(p.x, 1e-12);
  const LumenMeasurement m = MeasureConvexPolygon(poly);
  EXPECT_LE(m.long_length, 6.25 + 1e-9);
  EXPECT_GE(m.long_length, 0.99 * 6.25);
  EXPECT_GT(m.short_length, 4.0);
  EXPECT_LT(m.short_length, m.long_length);
  const cv::Point2d a = m.long_b - m.long_a, b = m.short_b - m.short_a;
  EXPECT_NEAR(a.dot(b), 0.0, 1e-6);
  EXPECT_NEAR(m.area, kPi * 15 / 2, 0.01);
  EXPECT_NEAR(m.centroid.x, -4 * 5 / (3 * kPi), 1e-3);
}

TEST(PhantomGeometry, MeasuresAFlattenedDiscAlongItsFlatSide) {
  // A disc of radius 4 cut 3.25 from its centre: every diameter clear of the
  // cut is a longest chord. The convention picks the one along the flat side
  // (8 mm) and measures across it (4 + 3.25 mm), as sonographers do.
  Lumen2D l;
  Ellipsoid e;
  e.semi_axes = {4, 4, 4};
  l.ellipse = *e.Section(PlanePose{});
  l.cuts.push_back({1, 0, 3.25});
  const LumenMeasurement m = MeasureConvexPolygon(l.Polygon(720));
  EXPECT_NEAR(m.long_length, 8.0, 1e-9);
  EXPECT_NEAR(m.short_length, 7.25, 1e-3);  // the chosen chord is within a degree of vertical
  EXPECT_NEAR(std::abs(m.long_b.x - m.long_a.x), 0.0, 0.15);  // vertical, within the 1-degree bin
}

TEST(PhantomGeometry, ClippingAwayEverythingLeavesNothing) {
  Lumen2D l;
  Ellipsoid e;
  e.semi_axes = {2, 2, 2};
  l.ellipse = *e.Section(PlanePose{});
  l.cuts.push_back({1, 0, -3});  // x <= -3: outside the circle
  EXPECT_TRUE(l.Polygon().empty());
  EXPECT_THROW(MeasureConvexPolygon({}), std::invalid_argument);
}

TEST(PhantomGeometry, HalfSpaceSections) {
  HalfSpace h{{0, 0, 1}, 2.0};  // z <= 2
  PlanePose pose;
  EXPECT_EQ(SectionOf(h, pose).kind, PlaneCut::kAlways);
  pose.origin.z = 3;
  EXPECT_EQ(SectionOf(h, pose).kind, PlaneCut::kNever);
  HalfSpace side{{1, 0, 0}, 1.0};  // x <= 1
  const PlaneCut c = SectionOf(side, PlanePose{});
  ASSERT_EQ(c.kind, PlaneCut::kHalfPlane);
  EXPECT_TRUE(c.half_plane.Contains(0.9, 5));
  EXPECT_FALSE(c.half_plane.Contains(1.1, 5));
}

TEST(PhantomProbe, LayoutKeepsTheSectorOnScreenAndCalibrated) {
  const ProbeGeometry p = LayoutProbe(10, 70, 150, 35, 800, 600, 1.0);
  EXPECT_GT(p.mm_per_px, 0);
  // The probe face's centre and the deepest point are on screen.
  const cv::Point2d face = p.ToPixel(0, 10);
  const cv::Point2d deep = p.ToPixel(0, 80);
  EXPECT_GE(face.y, 0);
  EXPECT_LT(deep.y, 600);
  EXPECT_NEAR(deep.y - face.y, 70 / p.mm_per_px, 1e-9);
  const cv::Rect box = p.FanBox();
  EXPECT_GE(box.x, 0);
  EXPECT_LE(box.x + box.width, 800);
  EXPECT_LE(box.y + box.height, 600);
  EXPECT_TRUE(p.InFan(0, 50));
  EXPECT_FALSE(p.InFan(0, 5));   // inside the probe
  EXPECT_FALSE(p.InFan(70, 5));  // outside the sector
  // Zoom crops the sides: a finer scale, the same depth on screen.
  const ProbeGeometry z = LayoutProbe(10, 70, 150, 35, 800, 600, 2.0);
  EXPECT_LT(z.mm_per_px, p.mm_per_px);
  EXPECT_LT(z.ToPixel(0, 80).y, 600);
}

}  // namespace
}  // namespace antra::phantom
