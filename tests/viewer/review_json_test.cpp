#include <gtest/gtest.h>

#include "support/test_support.h"
#include "viewer/review_json.h"
#include "viewer/viewer_fixtures.h"

namespace antra::viewer {
namespace {

ImageInfo InfoOf(const test::FixtureImage& fixture) {
  ImageInfo info;
  info.path = "/data/a.dcm";
  info.width = fixture.width;
  info.height = fixture.height;
  info.frame_count = fixture.frames;
  info.sop_instance_uid = fixture.sop_instance_uid;
  info.calibration = test::FixtureAnalysis(fixture).calibration;
  return info;
}

TEST(ReviewJson, RoundTripKeepsDecisionsAndRecomputesMillimetres) {
  const auto fixture = test::ThreeFollicles();
  const ImageInfo info = InfoOf(fixture);
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(fixture), "L");
  state = WithDecision(state, 1, Decision::kRejected);
  state = WithFollicleSide(state, 2, "R");
  state = WithCaliperAdded(state, 0, {{10, 10}, {60, 10}});
  auto json = ReviewToJson(info, info.calibration, state, {{"2026-11-24T10:00:00Z", "edit", "reject follicle #1"}});
  EXPECT_EQ(json["schema"], "antra-review/1");
  EXPECT_EQ(json["counts"]["total"]["afc"], 1);
  EXPECT_NEAR(json["calipers"][0]["length_mm"].get<double>(), 10.0, 1e-9);
  // Tampered millimetres are not believed: they come back from the calipers.
  json["follicles"][1]["mean_diameter_mm"] = 99.0;
  const auto loaded = ReviewFromJson(json, info, info.calibration);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const ReviewState& back = loaded->state;
  ASSERT_EQ(back.follicles.size(), 3u);
  EXPECT_EQ(back.follicles[0].decision, Decision::kRejected);
  EXPECT_EQ(back.follicles[1].side, "R");
  EXPECT_NEAR(*back.follicles[1].measurement.mean_mm, 4.0, 1e-9);
  EXPECT_EQ(back.image_side, "L");
  EXPECT_EQ(back.calipers.size(), 1u);
  EXPECT_EQ(back.next_id, state.next_id);
  ASSERT_EQ(loaded->edits.size(), 1u);
  EXPECT_EQ(loaded->edits[0].description, "reject follicle #1");
}

TEST(ReviewJson, RefusesAReviewOfAnotherImage) {
  const auto fixture = test::ThreeFollicles();
  ImageInfo info = InfoOf(fixture);
  const auto json = ReviewToJson(info, info.calibration, ReviewState{}, {});
  info.sop_instance_uid = "1.2.3";
  EXPECT_NE(ReviewFromJson(json, info, info.calibration).error().message.find("another image"), std::string::npos);
  info = InfoOf(fixture);
  info.width = 100;
  EXPECT_NE(ReviewFromJson(json, info, info.calibration).error().message.find("another size"), std::string::npos);
  EXPECT_FALSE(ReviewFromJson(nlohmann::json{{"schema", "antra-analysis/1"}}, info, info.calibration));
  EXPECT_FALSE(ReviewFromJson(nlohmann::json::array(), info, info.calibration));
}

TEST(ReviewJson, UncalibratedReviewHasNoCounts) {
  auto fixture = test::ThreeFollicles();
  fixture.mm_per_px.reset();
  const ImageInfo info = InfoOf(fixture);
  const auto json = ReviewToJson(info, info.calibration, ReviewFromAnalysis(test::FixtureAnalysis(fixture), ""), {});
  EXPECT_FALSE(json["calibrated"].get<bool>());
  EXPECT_TRUE(json["counts"].is_null());
  EXPECT_TRUE(json["follicles"][0]["mean_diameter_mm"].is_null());
}

TEST(ReviewJson, SavesAtomicallyWhereAsked) {
  test::TempDir dir("review-json");
  const auto fixture = test::ThreeFollicles();
  ImageInfo info = InfoOf(fixture);
  info.path = dir / "scan.dcm";
  EXPECT_EQ(DefaultReviewPath(info, {}), dir / "scan.dcm.review.json");
  EXPECT_EQ(DefaultReviewPath(info, "/reviews"), std::filesystem::path("/reviews") / (fixture.sop_instance_uid + ".review.json"));
  const auto path = DefaultReviewPath(info, {});
  ASSERT_TRUE(SaveReview(path, info, info.calibration, ReviewState{}, {}));
  EXPECT_TRUE(LoadReview(path, info, info.calibration));
  test::WriteBytes(path, "{not json");
  EXPECT_EQ(LoadReview(path, info, info.calibration).error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(LoadReview(dir / "missing.json", info, info.calibration).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace antra::viewer
