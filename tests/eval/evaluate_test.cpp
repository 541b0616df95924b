#include "eval/evaluate.h"

#include <gtest/gtest.h>

#include "eval/truth_json.h"
#include "io/analysis_json.h"
#include "support/test_support.h"

namespace antra::eval {
namespace {

TruthCase Still(const std::string& stem, const std::string& difficulty, int follicles) {
  TruthCase t;
  t.stem = stem;
  t.image_file = stem + ".dcm";
  t.kind = "still";
  t.difficulty = difficulty;
  t.width = 800;
  t.height = 600;
  t.mm_per_px_x = t.mm_per_px_y = 0.2;
  TruthFrame f;
  for (int k = 0; k < follicles; ++k) {
    TruthCrossSection c;
    c.follicle_id = k + 1;
    c.center_px = {100.0 + 50 * k, 200};
    c.long_mm = c.short_mm = c.mean_mm = 5;
    f.follicles.push_back(c);
    f.counts.Add(5);
  }
  t.counts = f.counts;
  t.frames.push_back(f);
  return t;
}

// Results finding the first `found` follicles of a Still().
nlohmann::json Found(const TruthCase& t, int found) {
  ImageAnalysis a;
  a.width = t.width;
  a.height = t.height;
  a.frame_count = 1;
  a.calibration = Calibration::Global(CalibrationSource::kUser, {0.2, 0.2}, 1.0, "test");
  FrameAnalysis f;
  for (int k = 0; k < found; ++k) {
    Follicle d;
    d.center_px = t.frames[0].follicles[static_cast<size_t>(k)].center_px;
    d.long_mm = d.short_mm = d.mean_mm = 5;
    f.follicles.push_back(d);
  }
  a.frames.push_back(f);
  return AnalysisToJson(a);
}

TEST(Evaluate, ScoresAFolderAndReportsMissingAndBrokenResults) {
  test::TempDir dir("evaluate");
  const auto truth_dir = dir / "truth";
  const auto results_dir = dir / "results";
  std::filesystem::create_directories(truth_dir);
  std::filesystem::create_directories(results_dir);
  const auto a = Still("a", "easy", 4), b = Still("b", "hard", 2), c = Still("c", "hard", 3);
  for (const auto& t : {a, b, c}) test::WriteBytes(truth_dir / (t.stem + ".truth.json"), TruthToJson(t).dump());
  test::WriteBytes(truth_dir / "notes.txt", "ignored");
  test::WriteBytes(results_dir / "a.json", Found(a, 4).dump());
  test::WriteBytes(results_dir / "b.json", "{\"schema\": \"something else\"}");
  // c has no results at all.

  auto run = EvaluateDirectories(truth_dir, results_dir, ScoreOptions{});
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->cases.size(), 3u);
  ASSERT_EQ(run->problems.size(), 2u);
  EXPECT_EQ(run->problems[0].file.filename(), "b.json");
  EXPECT_EQ(run->problems[1].file.filename(), "c.json");
  EXPECT_NE(run->problems[1].reason.find("scored as all misses"), std::string::npos);
  EXPECT_EQ(run->overall.true_2plus, 9);
  EXPECT_EQ(run->overall.found_2plus, 4);
  EXPECT_EQ(run->overall.missing_results, 2);
  EXPECT_EQ(run->groups.at("still/easy").found_2plus, 4);
  EXPECT_EQ(run->groups.at("still/hard").found_2plus, 0);
  EXPECT_DOUBLE_EQ(*run->groups.at("still/easy").RecallAtLeast2(), 1.0);

  const std::string table = FormatTable(*run);
  EXPECT_NE(table.find("still/easy"), std::string::npos);
  EXPECT_NE(table.find("overall"), std::string::npos);
  const std::string line = SummaryLine(*run);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("recall>=2mm 0.444"), std::string::npos) << line;
  EXPECT_NE(line.find("2 without results"), std::string::npos);

  const auto json = RunToJson(*run, ScoreOptions{});
  EXPECT_EQ(json["schema"], "antra-eval/1");
  EXPECT_EQ(json["cases"].size(), 3u);
  EXPECT_EQ(json["groups"]["still/hard"]["missing_results"], 2);
  EXPECT_EQ(json["cases"][2]["misses"].size(), 3u);
  // Every found follicle of a is listed with its true and detected size (5 mm).
  const auto& sized = json["cases"][0]["sized_matches"];
  ASSERT_EQ(sized.size(), 4u);
  EXPECT_DOUBLE_EQ(sized[0]["detected_mean_diameter_mm"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(sized[0]["true_mean_diameter_mm"].get<double>(), a.frames[0].follicles[0].mean_mm);
}

TEST(Evaluate, RecursiveFindsStudyTruthInSubfoldersAndFlagsRepeatedStems) {
  antra::test::TempDir dir("evaluate-recursive");
  const auto truth_dir = dir / "study";
  std::filesystem::create_directories(truth_dir / "P001" / "V1");
  std::filesystem::create_directories(truth_dir / "P001" / "V2");
  std::filesystem::create_directories(dir / "results");
  const auto v1 = Still("P001-V1-L", "easy", 2), v2 = Still("P001-V2-L", "easy", 3);
  test::WriteBytes(truth_dir / "P001" / "V1" / "P001-V1-L.truth.json", TruthToJson(v1).dump());
  test::WriteBytes(truth_dir / "P001" / "V2" / "P001-V2-L.truth.json", TruthToJson(v2).dump());
  test::WriteBytes(truth_dir / "P001" / "V2" / "copy" , "");
  std::filesystem::create_directories(truth_dir / "P001" / "V2" / "again");
  test::WriteBytes(truth_dir / "P001" / "V2" / "again" / "P001-V2-L.truth.json", TruthToJson(v2).dump());
  test::WriteBytes(dir / "results" / "P001-V1-L.json", Found(v1, 2).dump());
  test::WriteBytes(dir / "results" / "P001-V2-L.json", Found(v2, 3).dump());

  auto flat = EvaluateDirectories(truth_dir, dir / "results", ScoreOptions{});
  EXPECT_FALSE(flat.ok());  // nothing at the top level
  auto run = EvaluateDirectories(truth_dir, dir / "results", ScoreOptions{}, DefaultInputLimits(), true);
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->cases.size(), 2u);
  EXPECT_DOUBLE_EQ(*run->overall.RecallAtLeast2(), 1.0);
  ASSERT_EQ(run->problems.size(), 1u);
  EXPECT_NE(run->problems[0].reason.find("scored once"), std::string::npos);
}

TEST(Evaluate, FailsClearlyWithoutTruth) {
  test::TempDir dir("evaluate-empty");
  EXPECT_EQ(EvaluateDirectories(dir / "absent", dir.path(), ScoreOptions{}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(EvaluateDirectories(dir.path(), dir.path(), ScoreOptions{}).error().code, ErrorCode::kNotFound);
  ScoreOptions bad;
  bad.min_visible_fraction = -1;
  EXPECT_EQ(EvaluateDirectories(dir.path(), dir.path(), bad).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace antra::eval
