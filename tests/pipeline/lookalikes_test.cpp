#include "pipeline/lookalikes.h"

#include <cmath>

#include <gtest/gtest.h>

#include "pipeline/candidates.h"
#include "synthetic.h"

namespace antra::pipeline {
namespace {

CandidateFeatures Follicle() {
  CandidateFeatures f;
  f.diameter_mm = 6;
  f.solidity = 0.95;
  f.axis_ratio = 0.85;
  f.lumen = 15;
  f.ring = 110;
  f.tissue = 100;
  f.contrast = (110.0 - 15) / 110;
  f.darkness = 0.15;
  f.border_fraction = 0;
  f.posterior_ratio = 1.2;
  f.edge_rays = 1.0;
  return f;
}

TEST(Lookalikes, AClearFollicleIsAcceptedWithHighConfidence) {
  const Verdict v = JudgeCandidate(Follicle(), {});
  EXPECT_TRUE(v.accepted) << v.reason;
  EXPECT_GT(v.confidence, 0.8);
}

TEST(Lookalikes, EachLookAlikeIsRejectedForItsReason) {
  struct Case {
    const char* what;
    void (*change)(CandidateFeatures&);
    const char* reason;
  };
  const Case cases[] = {
      {"speckle hole", [](CandidateFeatures& f) { f.diameter_mm = 1.0; }, "too small (speckle)"},
      {"bladder", [](CandidateFeatures& f) { f.diameter_mm = 60; }, "too large (bladder, bowel or cyst)"},
      {"vessel", [](CandidateFeatures& f) { f.axis_ratio = 0.2; }, "elongated (vessel-like)"},
      {"bowel gap", [](CandidateFeatures& f) { f.solidity = 0.6; }, "irregular outline"},
      {"grey tissue", [](CandidateFeatures& f) { f.darkness = 0.7; }, "not dark enough for fluid"},
      {"no wall", [](CandidateFeatures& f) { f.contrast = 0.1; }, "no clear wall"},
      {"shadow", [](CandidateFeatures& f) { f.posterior_ratio = 0.5; }, "acoustic shadow (dark behind)"},
      {"fan edge", [](CandidateFeatures& f) { f.border_fraction = 0.5; }, "cut by the edge of the image area"},
  };
  for (const auto& c : cases) {
    CandidateFeatures f = Follicle();
    c.change(f);
    const Verdict v = JudgeCandidate(f, {});
    EXPECT_FALSE(v.accepted) << c.what;
    EXPECT_EQ(v.reason, c.reason) << c.what;
  }
}

TEST(Lookalikes, GrossTestsAreSizeAndImageEdge) {
  CandidateFeatures f = Follicle();
  EXPECT_FALSE(FailsGrossTests(f, {}));
  f.axis_ratio = 0.1;  // a classifier may still judge shape
  EXPECT_FALSE(FailsGrossTests(f, {}));
  f.border_fraction = 0.9;
  EXPECT_TRUE(FailsGrossTests(f, {}));
}

TEST(Lookalikes, OptionsCheck) {
  LookalikeOptions o;
  EXPECT_TRUE(o.Check());
  o.min_diameter_mm = 50;  // above the maximum
  EXPECT_FALSE(o.Check());
}

// A circle of radius r around c, as a refined outline (working pixels).
RefinedOutline Circle(cv::Point2d c, double r) {
  RefinedOutline o;
  o.center = c;
  for (int i = 0; i < 48; ++i) {
    const double a = 2 * CV_PI * i / 48;
    o.polygon.push_back(c + r * cv::Point2d(std::cos(a), std::sin(a)));
    o.radii.push_back(r);
  }
  o.edge_rays_fraction = 1;
  return o;
}

TEST(Lookalikes, SurroundDarknessSeparatesAFollicleFromPlainSpeckle) {
  // A 5 mm follicle at 0.2 mm per pixel with clutter in its lumen, and the
  // same circle drawn on plain speckle elsewhere.
  const cv::Mat luma = test::SpeckleFrame(test::EchoMap({300, 200}, {{{80, 100}, 12.5, 12.5}}, 0.2, 1.0), 21);
  const WorkingGrid grid = MakeWorkingGrid(luma.size(), PixelScale{0.2, 0.2}, luma.rows, {});
  const cv::Mat despeckled = Despeckle(luma, grid, {});
  const cv::Mat valid(luma.size(), CV_8UC1, cv::Scalar(255));
  const cv::Mat tissue = EstimateTissueLevel(despeckled, valid, grid, {});
  const CandidateFeatures follicle = DescribeCandidate(Circle({80, 100}, 12.5), despeckled, tissue, valid, grid, {});
  const CandidateFeatures speckle = DescribeCandidate(Circle({220, 100}, 12.5), despeckled, tissue, valid, grid, {});
  EXPECT_LT(follicle.surround_darkness, 0.75);
  EXPECT_NEAR(speckle.surround_darkness, 1.0, 0.2);
}

}  // namespace
}  // namespace antra::pipeline
