#include "eval/truth_json.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace antra::eval {
namespace {

TruthCase Example() {
  TruthCase t;
  t.generator_version = "0.1.0";
  t.stem = "sweep-01";
  t.image_file = "sweep-01.dcm";
  t.kind = "cine";
  t.difficulty = "hard";
  t.seed = 1234567890123ull;
  t.width = 640;
  t.height = 480;
  t.frame_count = 2;
  t.mm_per_px_x = t.mm_per_px_y = 0.191804;
  for (int k = 0; k < 2; ++k) {
    TruthFrame f;
    f.index = k;
    TruthCrossSection c;
    c.follicle_id = 3;
    c.center_px = {100.25 + k, 200.5};
    c.long_mm = 6.123;
    c.short_mm = 4.877;
    c.mean_mm = 5.5;
    c.area_mm2 = 23.4;
    c.long_axis_px = {{90, 200}, {110, 201}};
    c.short_axis_px = {{100, 190}, {100, 211}};
    c.visible_fraction = 0.75;
    c.touching = {4};
    c.contour_px = {{90, 200}, {100, 190}, {110, 200}, {100, 211}};
    f.follicles.push_back(c);
    f.counts.Add(5.5);
    if (k == 0) f.ovary = TruthOvarySection{{120, 210}, 31.5, 20.25, {{80, 210}, {120, 180}, {160, 210}}};
    t.frames.push_back(f);
  }
  TruthUniqueFollicle u;
  u.id = 3;
  u.visible = true;
  u.best_frame = 1;
  u.long_mm = 6.123;
  u.short_mm = 4.877;
  u.mean_mm = 5.5;
  u.frames = {{0, {100.25, 200.5}}, {1, {101.25, 200.5}}};
  TruthUniqueFollicle hidden;
  hidden.id = 9;
  hidden.frames = {{1, {600, 20}}};
  t.unique_follicles = {u, hidden};
  t.counts.Add(5.5);
  t.scene = {{"probe", {{"radius_mm", 10}}}};
  return t;
}

TEST(TruthJson, RoundTripsEveryField) {
  const TruthCase t = Example();
  auto back = TruthFromJson(TruthToJson(t));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->stem, t.stem);
  EXPECT_EQ(back->image_file, t.image_file);
  EXPECT_EQ(back->kind, "cine");
  EXPECT_EQ(back->difficulty, "hard");
  EXPECT_EQ(back->seed, t.seed);
  EXPECT_EQ(back->width, 640);
  EXPECT_EQ(back->frame_count, 2);
  EXPECT_DOUBLE_EQ(back->mm_per_px_x, 0.191804);
  ASSERT_EQ(back->frames.size(), 2u);
  const auto& c = back->frames[1].follicles.at(0);
  EXPECT_EQ(c.follicle_id, 3);
  EXPECT_EQ(c.center_px, cv::Point2d(101.25, 200.5));
  EXPECT_DOUBLE_EQ(c.long_mm, 6.123);
  EXPECT_DOUBLE_EQ(c.short_mm, 4.877);
  EXPECT_DOUBLE_EQ(c.mean_mm, 5.5);
  EXPECT_DOUBLE_EQ(c.visible_fraction, 0.75);
  EXPECT_EQ(c.touching, std::vector<int>{4});
  EXPECT_EQ(c.contour_px.size(), 4u);
  EXPECT_EQ(c.short_axis_px.b, cv::Point2d(100, 211));
  ASSERT_TRUE(back->frames[0].ovary.has_value());
  EXPECT_DOUBLE_EQ(back->frames[0].ovary->long_mm, 31.5);
  EXPECT_FALSE(back->frames[1].ovary.has_value());
  EXPECT_EQ(back->frames[0].counts.afc(), 1);
  ASSERT_EQ(back->unique_follicles.size(), 2u);
  EXPECT_EQ(back->unique_follicles[0].best_frame, 1);
  EXPECT_DOUBLE_EQ(back->unique_follicles[0].mean_mm, 5.5);
  EXPECT_FALSE(back->unique_follicles[1].visible);
  EXPECT_EQ(back->counts.afc(), 1);
  EXPECT_EQ(back->scene["probe"]["radius_mm"], 10);
}

TEST(TruthJson, WritesTheDocumentedShape) {
  const auto j = TruthToJson(Example());
  EXPECT_EQ(j["schema"], "antra-phantom-truth/1");
  EXPECT_EQ(j["calibration"]["mm_per_pixel"]["x"], 0.191804);
  const auto& f = j["frames"][0]["follicles"][0];
  EXPECT_EQ(f["bin"], "2-to-under-6");
  EXPECT_EQ(f["diameters_mm"].size(), 2u);
  EXPECT_TRUE(j["follicles"][1]["mean_diameter_mm"].is_null());
  EXPECT_EQ(j["counts"]["afc"], 1);
}

TEST(TruthJson, RejectsOtherSchemasAndBrokenFiles) {
  auto j = TruthToJson(Example());
  j["schema"] = "antra-analysis/1";
  EXPECT_EQ(TruthFromJson(j).error().code, ErrorCode::kCorrupt);
  j["schema"] = "antra-phantom-truth/2";
  EXPECT_EQ(TruthFromJson(j).error().code, ErrorCode::kUnsupported);
  j = TruthToJson(Example());
  j["calibration"]["mm_per_pixel"]["x"] = 0;
  EXPECT_FALSE(TruthFromJson(j).ok());
  j = TruthToJson(Example());
  j["frames"][0].erase("follicles");
  const auto r = TruthFromJson(j);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);  // one line
}

TEST(TruthJson, ReadsFilesWithClearErrors) {
  test::TempDir dir("truth-json");
  EXPECT_EQ(ReadTruthFile(dir / "absent.truth.json").error().code, ErrorCode::kNotFound);
  test::WriteBytes(dir / "empty.truth.json", "");
  EXPECT_EQ(ReadTruthFile(dir / "empty.truth.json").error().code, ErrorCode::kEmptyFile);
  test::WriteBytes(dir / "bad.truth.json", "{not json");
  EXPECT_EQ(ReadTruthFile(dir / "bad.truth.json").error().code, ErrorCode::kCorrupt);
  InputLimits small;
  small.max_text_file_bytes = 10;
  test::WriteBytes(dir / "big.truth.json", std::string(100, ' '));
  EXPECT_EQ(ReadTruthFile(dir / "big.truth.json", small).error().code, ErrorCode::kLimitExceeded);
  test::WriteBytes(dir / "good.truth.json", TruthToJson(Example()).dump());
  EXPECT_TRUE(ReadTruthFile(dir / "good.truth.json").ok());
  EXPECT_EQ(ReadTruthFile(dir.path()).error().code, ErrorCode::kNotARegularFile);
}

}  // namespace
}  // namespace antra::eval
