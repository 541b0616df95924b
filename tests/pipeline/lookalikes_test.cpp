#include "pipeline/lookalikes.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace antra::pipeline
