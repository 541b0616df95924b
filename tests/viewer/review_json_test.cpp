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

// The box the reader drew around the ovary is part of the review: reopening
// the image draws it again and analyses with it.
TEST(ReviewJson, KeepsTheOvaryBoxAndRefusesOneOutsideTheImage) {
  const auto fixture = test::ThreeFollicles();
  const ImageInfo info = InfoOf(fixture);
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(fixture), "L");
  EXPECT_FALSE(ReviewToJson(info, info.calibration, state, {}).contains("ovary_box_px"));
  const auto without = ReviewFromJson(ReviewToJson(info, info.calibration, state, {}), info, info.calibration);
  ASSERT_TRUE(without) << without.error().message;
  EXPECT_FALSE(without->state.ovary_box_px);

  state.ovary_box_px = cv::Rect(100, 150, 120, 100);
  auto json = ReviewToJson(info, info.calibration, state, {});
  EXPECT_EQ(json["ovary_box_px"], nlohmann::json::parse("[100, 150, 120, 100]"));
  const auto loaded = ReviewFromJson(json, info, info.calibration);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->state.ovary_box_px, cv::Rect(100, 150, 120, 100));

  // A whole-image box is inside; anything past an edge, empty, not four whole
  // numbers, or big enough to overflow a sum is refused with a reason.
  json["ovary_box_px"] = {0, 0, info.width, info.height};
  EXPECT_TRUE(ReviewFromJson(json, info, info.calibration));
  for (const char* bad : {"[0, 0, 641, 10]", "[-1, 0, 10, 10]", "[10, 10, 0, 10]", "[1, 2, 3]", "[1.5, 2, 3, 4]",
                          "\"box\"", "[9223372036854775807, 0, 9223372036854775807, 10]",
                          "[0, 0, 18446744073709551615, 10]"}) {
    json["ovary_box_px"] = nlohmann::json::parse(bad);
    const auto refused = ReviewFromJson(json, info, info.calibration);
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("ovary_box_px"), std::string::npos) << refused.error().message;
  }
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
