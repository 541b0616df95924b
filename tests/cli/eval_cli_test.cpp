// `antra eval` as a user runs it: table, summary line, JSON report, and the
// exit codes (0 all scored, 1 some results missing or unreadable, 2 usage).

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "eval/truth_json.h"
#include "io/analysis_json.h"
#include "support/test_support.h"

namespace antra {
namespace {

int RunAntra(const std::string& args, const std::filesystem::path& out) {
  const auto antra = test::BinaryDir() / "src" / "cli" / "antra";
  const std::string command = antra.string() + " " + args + " > " + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void WriteCase(const std::filesystem::path& truth_dir, const std::filesystem::path& results_dir,
               const std::string& stem, bool with_results) {
  eval::TruthCase t;
  t.stem = stem;
  t.kind = "still";
  t.difficulty = "medium";
  t.width = 640;
  t.height = 480;
  t.mm_per_px_x = t.mm_per_px_y = 0.25;
  eval::TruthFrame f;
  eval::TruthCrossSection c;
  c.follicle_id = 1;
  c.center_px = {320, 240};
  c.long_mm = c.short_mm = c.mean_mm = 6;
  f.follicles.push_back(c);
  f.counts.Add(6);
  t.counts = f.counts;
  t.frames.push_back(f);
  test::WriteBytes(truth_dir / (stem + ".truth.json"), eval::TruthToJson(t).dump());
  if (!with_results) return;
  ImageAnalysis a;
  a.width = 640;
  a.height = 480;
  a.frame_count = 1;
  FrameAnalysis fa;
  Follicle d;
  d.center_px = {321, 240};
  d.long_mm = d.short_mm = d.mean_mm = 6.5;
  fa.follicles.push_back(d);
  a.frames.push_back(fa);
  test::WriteBytes(results_dir / (stem + ".json"), AnalysisToJson(a).dump());
}

TEST(EvalCommand, ScoresAndWritesJson) {
  test::TempDir dir("eval-cli");
  std::filesystem::create_directories(dir / "truth");
  std::filesystem::create_directories(dir / "results");
  WriteCase(dir / "truth", dir / "results", "one", true);
  const auto out = dir / "out.txt";
  const auto report = dir / "report.json";
  EXPECT_EQ(RunAntra("eval " + (dir / "truth").string() + " " + (dir / "results").string() + " --json " + report.string(), out), 0);
  const std::string text = test::ReadBytes(out);
  EXPECT_NE(text.find("still/medium"), std::string::npos) << text;
  EXPECT_NE(text.find("antra eval: 1 cases, 1 frames; recall>=2mm 1.000"), std::string::npos) << text;
  EXPECT_NE(text.find("MAE 0.50 mm, bias 0.50 mm"), std::string::npos) << text;
  auto json = eval::ReadJsonFile(report);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ((*json)["overall"]["recall_2mm_plus"], 1.0);
}

TEST(EvalCommand, MissingResultsAreReportedAndExitOne) {
  test::TempDir dir("eval-cli-missing");
  std::filesystem::create_directories(dir / "truth");
  std::filesystem::create_directories(dir / "results");
  WriteCase(dir / "truth", dir / "results", "found", true);
  WriteCase(dir / "truth", dir / "results", "lost", false);
  const auto out = dir / "out.txt";
  EXPECT_EQ(RunAntra("eval --quiet " + (dir / "truth").string() + " " + (dir / "results").string(), out), 1);
  const std::string text = test::ReadBytes(out);
  EXPECT_NE(text.find("antra: error: " + (dir / "results" / "lost.json").string() +
                      ": no results file (scored as all misses)"), std::string::npos) << text;
  EXPECT_NE(text.find("recall>=2mm 0.500"), std::string::npos) << text;
}

TEST(EvalCommand, UsageErrorsExitTwo) {
  test::TempDir dir("eval-cli-usage");
  const auto out = dir / "out.txt";
  EXPECT_EQ(RunAntra("eval " + (dir / "absent").string() + " " + dir.path().string(), out), 2);
  EXPECT_NE(test::ReadBytes(out).find("truth folder not found"), std::string::npos);
  EXPECT_EQ(RunAntra("eval " + dir.path().string(), out), 2);  // one folder only
  EXPECT_EQ(RunAntra("eval " + dir.path().string() + " " + dir.path().string() + " --min-visible 2", out), 2);
}

}  // namespace
}  // namespace antra
