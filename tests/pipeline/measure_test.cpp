#include "pipeline/measure.h"

#include <cmath>

#include <gtest/gtest.h>

namespace antra::pipeline {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<cv::Point2d> Ellipse(cv::Point2d c, double a, double b, double angle_deg, int n = 360) {
  std::vector<cv::Point2d> out;
  const double t = angle_deg * kPi / 180;
  for (int i = 0; i < n; ++i) {
    const double s = 2 * kPi * i / n;
    const double x = a * std::cos(s), y = b * std::sin(s);
    out.emplace_back(c.x + x * std::cos(t) - y * std::sin(t), c.y + x * std::sin(t) + y * std::cos(t));
  }
  return out;
}

Calibration Scale(double sx, double sy) {
  return Calibration::Global(CalibrationSource::kUser, {sx, sy}, 1.0, "test");
}

TEST(Measure, CircleHasEqualDiameters) {
  const auto m = MeasureOutline(Ellipse({100, 100}, 25, 25, 0), Scale(0.2, 0.2));
  ASSERT_TRUE(m.long_mm && m.short_mm && m.mean_mm && m.area_mm2 && m.area_equivalent_diameter_mm);
  EXPECT_NEAR(*m.long_mm, 10.0, 0.02);
  EXPECT_NEAR(*m.short_mm, 10.0, 0.05);
  EXPECT_NEAR(*m.mean_mm, 10.0, 0.05);
  EXPECT_NEAR(*m.area_equivalent_diameter_mm, 10.0, 0.02);
  EXPECT_NEAR(m.center_px.x, 100, 1e-6);
}

TEST(Measure, RotatedEllipseAxes) {
  const auto m = MeasureOutline(Ellipse({200, 150}, 40, 20, 30), Scale(0.1, 0.1));
  EXPECT_NEAR(*m.long_mm, 8.0, 0.02);
  EXPECT_NEAR(*m.short_mm, 4.0, 0.03);
  // The calipers are perpendicular.
  const cv::Point2d u = m.long_axis.b - m.long_axis.a, v = m.short_axis.b - m.short_axis.a;
  EXPECT_NEAR(u.dot(v) / (cv::norm(u) * cv::norm(v)), 0.0, 0.01);
}

TEST(Measure, AnisotropicPixelsAreMeasuredInMillimetres) {
  // A 10 mm circle in mm, on pixels 0.3 mm wide and 0.2 mm tall: an ellipse in pixels.
  const auto m = MeasureOutline(Ellipse({200, 200}, 5.0 / 0.3, 5.0 / 0.2, 0), Scale(0.3, 0.2));
  EXPECT_NEAR(*m.long_mm, 10.0, 0.05);
  EXPECT_NEAR(*m.short_mm, 10.0, 0.05);
  EXPECT_NEAR(*m.area_mm2, kPi * 25, 0.3);
}

TEST(Measure, UncalibratedGivesPixelsOnly) {
  const auto m = MeasureOutline(Ellipse({50, 50}, 20, 10, 0), Calibration::Uncalibrated("test"));
  EXPECT_FALSE(m.long_mm);
  EXPECT_FALSE(m.mean_mm);
  EXPECT_FALSE(m.area_mm2);
  EXPECT_NEAR(m.long_axis.LengthPx(), 40, 0.1);
  EXPECT_NEAR(m.short_axis.LengthPx(), 20, 0.2);
  EXPECT_GT(m.area_px, 0);
}

TEST(Measure, PerpendicularChordIsTheWidestInsideNotTheProjection) {
  // An L shape: the longest chord is the diagonal; the perpendicular chord must
  // stay inside the polygon.
  const std::vector<cv::Point2d> l{{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 10}, {0, 10}};
  const Chord axis = LongestChord(l);
  const Chord across = LongestPerpendicularChord(l, axis, 0.01);
  EXPECT_NEAR(axis.Length(), std::hypot(10, 10), 0.01);
  EXPECT_LT(across.Length(), 3.0);
}

TEST(Measure, RegionCalibrationUsesTheRegionUnderTheFollicle) {
  UltrasoundRegion left, right;
  for (auto* r : {&left, &right}) {
    r->spatial_format = 1;
    r->data_type = 1;
    r->units_x = r->units_y = 3;
    r->min_y0 = 0;
    r->max_y1 = 299;
  }
  left.min_x0 = 0, left.max_x1 = 199, left.physical_delta_x = left.physical_delta_y = 0.01;
  right.min_x0 = 200, right.max_x1 = 399, right.physical_delta_x = right.physical_delta_y = 0.02;
  std::vector<UltrasoundRegion> regions{left, right};
  ValidateRegions(regions, 400, 300);
  const auto calibration = Calibration::FromRegions(regions, "two panes");
  EXPECT_NEAR(*MeasureOutline(Ellipse({100, 150}, 20, 20, 0), calibration).long_mm, 4.0, 0.01);
  EXPECT_NEAR(*MeasureOutline(Ellipse({300, 150}, 20, 20, 0), calibration).long_mm, 8.0, 0.01);
}

}  // namespace
}  // namespace antra::pipeline
