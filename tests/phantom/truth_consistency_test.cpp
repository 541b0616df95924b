// The generator's truth agrees with its pixels: diameters as asked within a
// pixel, flattened follicles described as rendered, centres where the lumen
// is, dark interiors with brighter tissue around, cine cross-sections as the
// geometry predicts, and visibility at the fan edge and under shadows.

#include <cmath>

#include <gtest/gtest.h>

#include "phantom/generator.h"
#include "phantom/physics.h"
#include "phantom/truth_builder.h"
#include "test_scene.h"

namespace antra::phantom {
namespace {

using scenes::CleanScene;
using scenes::ExtentAlong;
using scenes::Follicle;
using scenes::LumenMask;

constexpr double kPi = 3.14159265358979323846;

const eval::TruthCrossSection* Find(const eval::TruthFrame& f, int id) {
  for (const auto& c : f.follicles) {
    if (c.follicle_id == id) return &c;
  }
  return nullptr;
}

struct Rendered {
  RenderedFrame frame;
  eval::TruthFrame truth;
  double mm_per_px;
};

Rendered RenderStill(const Scene& scene, std::uint64_t seed = 3) {
  FrameRenderer renderer(scene, seed);
  Rendered r;
  r.frame = renderer.Render(PlanePose{});
  r.truth = MeasureFrame(scene, PlanePose{}, 0, r.frame);
  r.mm_per_px = scene.probe.mm_per_px;
  return r;
}

TEST(TruthConsistency, DiametersMatchWhatWasAskedWithinAPixel) {
  Scene s = CleanScene();
  // Axis-aligned, and one turned 30 degrees in the image plane.
  s.follicles.push_back(Follicle(1, {-8, 50, 0}, {4.0, 3.0, 3.5}));
  s.follicles.push_back(Follicle(2, {9, 48, 0}, {3.0, 2.0, 2.5}, Rotation::FromEuler(0, 0, kPi / 6)));
  const Rendered r = RenderStill(s);
  const double px = r.mm_per_px;

  const auto* a = Find(r.truth, 1);
  ASSERT_NE(a, nullptr);
  EXPECT_NEAR(a->long_mm, 8.0, 1e-3);
  EXPECT_NEAR(a->short_mm, 6.0, 1e-3);
  EXPECT_NEAR(a->mean_mm, 7.0, 1e-3);
  EXPECT_NEAR(a->area_mm2, kPi * 4 * 3, 0.05);
  const cv::Mat mask_a = LumenMask(r.frame, 1);
  EXPECT_NEAR(ExtentAlong(mask_a, {1, 0}) * px, 8.0, px);
  EXPECT_NEAR(ExtentAlong(mask_a, {0, 1}) * px, 6.0, px);

  const auto* b = Find(r.truth, 2);
  ASSERT_NE(b, nullptr);
  EXPECT_NEAR(b->long_mm, 6.0, 1e-3);
  EXPECT_NEAR(b->short_mm, 4.0, 1e-3);
  const cv::Point2d along(std::cos(kPi / 6), std::sin(kPi / 6));
  const cv::Point2d across(-along.y, along.x);
  const cv::Mat mask_b = LumenMask(r.frame, 2);
  EXPECT_NEAR(ExtentAlong(mask_b, along) * px, 6.0, px);
  EXPECT_NEAR(ExtentAlong(mask_b, across) * px, 4.0, px);
  // The long caliper lies along the axis that was asked for.
  const cv::Point2d d = b->long_axis_px.b - b->long_axis_px.a;
  EXPECT_NEAR(std::abs(d.dot(along)) / std::hypot(d.x, d.y), 1.0, 1e-4);  // within a degree
  EXPECT_NEAR(b->long_axis_px.LengthPx() * px, 6.0, 1e-3);
}

TEST(TruthConsistency, CentresAndOutlinesMatchTheRenderedLumen) {
  Scene s = CleanScene();
  s.follicles.push_back(Follicle(1, {0, 45, 0.8}, {3.5, 2.5, 3.0}, Rotation::FromEuler(0.3, 0.2, 1.0)));
  const Rendered r = RenderStill(s);
  const auto* c = Find(r.truth, 1);
  ASSERT_NE(c, nullptr);
  const cv::Mat mask = LumenMask(r.frame, 1);
  const cv::Moments m = cv::moments(mask, true);
  ASSERT_GT(m.m00, 0);
  EXPECT_NEAR(m.m10 / m.m00, c->center_px.x, 0.5);
  EXPECT_NEAR(m.m01 / m.m00, c->center_px.y, 0.5);
  // Area of the rendered lumen against the truth (pixel rounding at the rim).
  const double area_px = c->area_mm2 / (r.mm_per_px * r.mm_per_px);
  EXPECT_NEAR(m.m00, area_px, 0.05 * area_px + 3);
  // The listed outline covers the rendered lumen.
  std::vector<cv::Point> outline;
  for (const auto& p : c->contour_px) outline.emplace_back(cvRound(p.x), cvRound(p.y));
  cv::Mat drawn = cv::Mat::zeros(mask.size(), CV_8U);
  cv::fillPoly(drawn, std::vector<std::vector<cv::Point>>{outline}, cv::Scalar(255));
  const double overlap = cv::countNonZero(drawn & mask);
  const double either = cv::countNonZero(drawn | mask);
  EXPECT_GT(overlap / either, 0.9);
}

TEST(TruthConsistency, FlattenedFollicleTruthDescribesTheFlattenedLumen) {
  Scene s = CleanScene();
  // Two balls of radius 4 with centres 7 mm apart: they press on each other.
  s.follicles.push_back(Follicle(1, {-3.5, 50, 0}, {4, 4, 4}));
  s.follicles.push_back(Follicle(2, {3.5, 50, 0}, {4, 4, 4}));
  FlattenTouchingFollicles(s.follicles, 0.5);
  ASSERT_EQ(s.follicles[0].touching, std::vector<int>{2});
  const Rendered r = RenderStill(s);
  const auto* a = Find(r.truth, 1);
  ASSERT_NE(a, nullptr);
  // The septum's mid-plane is halfway (radical plane of equal balls), so each
  // lumen is the disc cut 3.25 mm from its centre: 8 mm tall, 7.25 mm wide.
  EXPECT_NEAR(a->long_mm, 8.0, 1e-3);
  EXPECT_NEAR(a->short_mm, 7.25, 1e-3);
  EXPECT_EQ(a->touching, std::vector<int>{2});
  const double px = r.mm_per_px;
  const cv::Mat mask_a = LumenMask(r.frame, 1), mask_b = LumenMask(r.frame, 2);
  EXPECT_NEAR(ExtentAlong(mask_a, {0, 1}) * px, 8.0, px);
  EXPECT_NEAR(ExtentAlong(mask_a, {1, 0}) * px, 7.25, px);
  // A septum of tissue separates them: no lumen pixel of one touches the other.
  cv::Mat grown;
  cv::dilate(mask_a, grown, cv::Mat::ones(3, 3, CV_8U));
  EXPECT_EQ(cv::countNonZero(grown & mask_b), 0);
}

TEST(TruthConsistency, InteriorsAreDarkWithBrighterTissueAround) {
  int checked = 0, darker = 0;
  double ratio_sum = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    CaseSpec spec = scenes::StillSpec("dark", seed);
    spec.scene.difficulty = seed % 2 ? Difficulty::kEasy : Difficulty::kMedium;
    const GeneratedCase g = GenerateCase(spec);
    const RenderedFrame& r = g.rendered.front();
    cv::Mat any_lumen = r.labels >= kLabelFollicleBase;
    cv::dilate(any_lumen, any_lumen, cv::Mat::ones(5, 5, CV_8U));
    for (const auto& c : g.truth.frames.front().follicles) {
      if (c.mean_mm < 4 || c.visible_fraction < 1) continue;
      cv::Mat inside;
      cv::erode(LumenMask(r, c.follicle_id), inside, cv::Mat::ones(5, 5, CV_8U));
      if (cv::countNonZero(inside) < 10) continue;
      // A ring 1.5 to 3 mm outside the lumen, off other lumens and the fan edge.
      const int near = static_cast<int>(std::ceil(1.5 / g.truth.mm_per_px_x));
      const int far = static_cast<int>(std::ceil(3.0 / g.truth.mm_per_px_x));
      cv::Mat outer, inner;
      cv::dilate(LumenMask(r, c.follicle_id), outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * far + 1, 2 * far + 1}));
      cv::dilate(LumenMask(r, c.follicle_id), inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * near + 1, 2 * near + 1}));
      const cv::Mat ring = outer & ~inner & ~any_lumen & r.fan;
      if (cv::countNonZero(ring) < 20) continue;
      const double in = cv::mean(r.gray, inside)[0];
      const double around = cv::mean(r.gray, ring)[0];
      ++checked;
      if (in < around) ++darker;
      ratio_sum += in / std::max(1.0, around);
    }
  }
  ASSERT_GE(checked, 15) << "too few follicles to judge";
  EXPECT_GE(darker, checked * 95 / 100) << darker << " of " << checked << " darker than their surroundings";
  EXPECT_LT(ratio_sum / checked, 0.6);
}

TEST(TruthConsistency, TissueBehindAFollicleIsBrighter) {
  // Posterior enhancement: fluid attenuates less than tissue.
  Scene s = CleanScene(5);
  s.follicles.push_back(Follicle(1, {0, 38, 0}, {6, 6, 6}));
  s.ovary.texture_contrast = 0;  // smooth stroma: the comparison sees attenuation only
  s.ovary.medulla_boost = 0;
  s.ovary.shape.semi_axes = {40, 28, 30};  // both bands inside the stroma
  s.tissue.bright_scatterers = 0;
  const Rendered r = RenderStill(s);
  const auto& p = s.probe;
  // Mean grey over pixels at radius 50-60 mm within an angle range (same
  // depth, so the same TGC): straight behind the follicle, and to its side.
  auto band = [&](double t0, double t1) {
    cv::Mat mask = cv::Mat::zeros(r.frame.gray.size(), CV_8U);
    for (int y = 0; y < mask.rows; ++y) {
      for (int x = 0; x < mask.cols; ++x) {
        const cv::Point2d mm = p.ToMm(x, y);
        const double rr = std::hypot(mm.x, mm.y), t = std::atan2(mm.x, mm.y);
        if (rr >= 50 && rr <= 60 && t >= t0 && t <= t1) mask.at<std::uint8_t>(y, x) = 255;
      }
    }
    return cv::mean(r.frame.gray, mask)[0];
  };
  const double behind = band(-0.06, 0.06);
  const double beside = band(0.3, 0.42);
  EXPECT_GT(behind, beside + 10) << behind << " vs " << beside;
}

TEST(TruthConsistency, CineCrossSectionsFollowTheEllipsoid) {
  Scene s = CleanScene();
  s.follicles.push_back(Follicle(1, {0, 50, 0}, {4, 4, 4}));
  std::vector<PlanePose> poses;
  for (int k = -6; k <= 6; ++k) {
    PlanePose pose;
    pose.origin.z = k;
    poses.push_back(pose);
  }
  CaseSpec spec = scenes::StillSpec("sweep");
  spec.frames = static_cast<int>(poses.size());
  const GeneratedCase g = RenderCase(s, spec, poses);
  ASSERT_EQ(g.truth.kind, "cine");
  for (const auto& f : g.truth.frames) {
    const double z = f.index - 6.0;
    const double expected = std::abs(z) < 4 ? 2 * std::sqrt(16 - z * z) : 0.0;
    const auto* c = Find(f, 1);
    if (expected < kMinListedMeanMm) {
      EXPECT_EQ(c, nullptr) << "frame " << f.index;
      continue;
    }
    ASSERT_NE(c, nullptr) << "frame " << f.index;
    EXPECT_NEAR(c->mean_mm, expected, 1e-3) << "frame " << f.index;
  }
  ASSERT_EQ(g.truth.unique_follicles.size(), 1u);
  EXPECT_EQ(g.truth.unique_follicles[0].best_frame, 6);
  EXPECT_NEAR(g.truth.unique_follicles[0].mean_mm, 8.0, 1e-3);
  EXPECT_EQ(g.truth.counts.afc(), 1);
}

TEST(TruthConsistency, VisibilityCountsTheFanEdge) {
  Scene s = CleanScene();
  // Centre on the sector's edge: half the lumen is imaged.
  const double half = s.probe.HalfAngle();
  const double r = 35;
  const Vec3 edge{r * std::sin(half), r * std::cos(half), 0};
  s.ovary.shape.center = edge;
  s.follicles.push_back(Follicle(1, edge, {3, 3, 3}));
  s.probe = LayoutProbe(10, 70, 150, 40, 800, 600, 1.0);  // whole fan on screen
  const Rendered rendered = RenderStill(s);
  const auto* at_edge = Find(rendered.truth, 1);
  ASSERT_NE(at_edge, nullptr);
  EXPECT_NEAR(at_edge->visible_fraction, 0.5, 0.06);
}

TEST(TruthConsistency, VisibilityCountsAcousticShadows) {
  Scene s = CleanScene();
  s.ovary.shape.semi_axes = {30, 15, 18};
  s.follicles.push_back(Follicle(1, {0, 45, 0}, {3, 3, 3}));
  s.follicles.push_back(Follicle(2, {18.7, 46.4, 0}, {3, 3, 3}));  // 22 degrees off: clear of the shadow
  // A gas-filled bowel loop between the probe and follicle 1, above the ovary.
  BowelLoop gas;
  gas.a = {-2, 24, 0};
  gas.b = {2, 24, 0};
  gas.radius_mm = 4;
  gas.wall_mm = 1;
  s.bowel.push_back(gas);
  const Rendered rendered = RenderStill(s);
  const auto* shadowed = Find(rendered.truth, 1);
  ASSERT_NE(shadowed, nullptr);
  EXPECT_LT(shadowed->visible_fraction, 0.05);
  const auto* clear = Find(rendered.truth, 2);
  ASSERT_NE(clear, nullptr);
  EXPECT_GT(clear->visible_fraction, 0.99);
  EXPECT_EQ(rendered.truth.counts.afc(), 1);
  // The shadow is dark in the pixels too.
  const double in_shadow = cv::mean(rendered.frame.gray, LumenMask(rendered.frame, 1))[0];
  const cv::Mat stroma = rendered.frame.labels == kLabelStroma;
  EXPECT_LT(in_shadow, 0.5 * cv::mean(rendered.frame.gray, stroma & ~rendered.frame.shadow)[0]);
}

TEST(TruthConsistency, OnlyCrossSectionsOfAtLeastOnePointFiveMillimetresAreListed) {
  Scene s = CleanScene();
  s.follicles.push_back(Follicle(1, {-6, 50, 0}, {0.7, 0.7, 0.7}));  // 1.4 mm
  s.follicles.push_back(Follicle(2, {6, 50, 0}, {0.8, 0.8, 0.8}));   // 1.6 mm
  const Rendered r = RenderStill(s);
  EXPECT_EQ(Find(r.truth, 1), nullptr);
  ASSERT_NE(Find(r.truth, 2), nullptr);
  EXPECT_EQ(r.truth.counts.under_2, 1);
  EXPECT_EQ(r.truth.counts.afc(), 0);
}

}  // namespace
}  // namespace antra::phantom
