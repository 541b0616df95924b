// End to end on phantoms: generate images with ground truth (tools/phantom),
// analyse them as `antra analyze` does, score them as `antra eval` does, and
// hold the scores above floors set just under what the pipeline measures
// today (BENCHMARKS.md), so that a change that loses accuracy fails here.
// The seed differs from the benchmark's and from the training sets'.

#include <cmath>
#include <fstream>
#include <optional>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "eval/evaluate.h"
#include "io/analysis_json.h"
#include "io/open_image.h"
#include "phantom/generator.h"
#include "phantom/random.h"
#include "pipeline/analyze_image.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace antra {
namespace {

// Floors: the values measured on these ten cases on 2026-11-24 after the
// candidate-search and judge changes of the pipeline branch (easy: recall
// 0.824, precision 1.0, MAE 0.54 mm, |AFC error| 1.4; medium: 0.870, 0.952,
// 0.43 mm; before them 0.765, 1.0, 0.57 mm, 1.8 and 0.717, 0.917, 0.42 mm)
// less a margin. They guard against regressions; the targets are in
// BENCHMARKS.md. Since the accepted outlines are measured at 65 % with the
// protrusion trim (2026-11-25): easy MAE 0.53 mm, medium 0.36 mm (the
// medium ceiling lowered from 0.6 mm). With the models retrained on
// poor-reserve stills too (2026-11-26, models/README.md): easy 0.824, 1.0,
// 0.57 mm, 1.2; medium 0.783, 1.0, 0.37 mm (4 fewer of 46 found, the mixed
// stills' price for fewer false follicles in sparse ovaries; the medium
// recall floor lowered from 0.78).
constexpr double EASY_RECALL_FLOOR = 0.74, EASY_PRECISION_FLOOR = 0.9, EASY_MAE_CEILING = 0.72, EASY_AFC_CEILING = 2.2;
constexpr double MEDIUM_RECALL_FLOOR = 0.74, MEDIUM_PRECISION_FLOOR = 0.85, MEDIUM_MAE_CEILING = 0.5;

struct Scores {
  eval::Tally easy, medium;
};

// One group of phantom stills to generate: `count` of a difficulty, with the
// difficulty's follicle count or exactly `follicles`.
struct StillGroup {
  phantom::Difficulty difficulty;
  int count = 5;
  std::optional<int> follicles;
};

// Generates the stills into dir/truth, analyses each as `antra analyze`
// does into dir/results, and scores them as `antra eval` does.
std::optional<eval::EvalRun> GenerateAnalyseAndScore(const test::TempDir& dir,
                                                           const std::vector<StillGroup>& groups) {
  const auto truth_dir = dir.path() / "truth", results_dir = dir.path() / "results";
  std::filesystem::create_directories(truth_dir);
  std::filesystem::create_directories(results_dir);
  int k = 0;
  for (const StillGroup& group : groups) {
    const auto difficulty = group.difficulty;
    for (int i = 0; i < group.count; ++i, ++k) {
      phantom::CaseSpec spec;
      spec.stem = std::string("e2e-") + phantom::ToString(difficulty) + "-" +
                  (group.follicles ? "f" + std::to_string(*group.follicles) + "-" : "") + std::to_string(i);
      spec.scene.difficulty = difficulty;
      spec.scene.follicle_count = group.follicles;
      spec.scene.seed = phantom::DeriveSeed(4242, spec.stem);
      spec.encoding = (k % 2 == 0) ? phantom::Encoding::kMonochrome2 : phantom::Encoding::kYbrFull422Jpeg;
      const auto generated = phantom::GenerateCase(spec);
      EXPECT_TRUE(phantom::WriteCase(generated, spec, truth_dir)) << spec.stem;
      auto source = OpenImage(truth_dir / (spec.stem + ".dcm"));
      EXPECT_TRUE(source) << spec.stem;
      if (!source) continue;
      pipeline::AnalyzeOptions options;
      auto analysis = pipeline::AnalyzeImage(**source, options);
      EXPECT_TRUE(analysis) << spec.stem;
      if (!analysis) continue;
      EXPECT_EQ(analysis->calibration.source(), CalibrationSource::kUltrasoundRegions);
      EXPECT_EQ(analysis->counts_source, "single-frame");
      EXPECT_TRUE(WriteFileAtomically(results_dir / (spec.stem + ".json"), AnalysisToJson(*analysis).dump()));
    }
  }
  auto run = eval::EvaluateDirectories(truth_dir, results_dir, {});
  EXPECT_TRUE(run);
  if (!run) return std::nullopt;
  EXPECT_TRUE(run->problems.empty());
  std::cout << eval::FormatTable(*run);
  return std::move(*run);
}

TEST(PhantomEndToEnd, EasyAndMediumStillsAreFoundAndMeasured) {
  test::TempDir dir("phantom-e2e");
  auto run = GenerateAnalyseAndScore(
      dir, {{phantom::Difficulty::kEasy, 5, std::nullopt}, {phantom::Difficulty::kMedium, 5, std::nullopt}});
  ASSERT_TRUE(run);
  Scores s;
  s.easy = run->groups["still/easy"];
  s.medium = run->groups["still/medium"];
  ASSERT_EQ(s.easy.cases, 5);
  ASSERT_EQ(s.medium.cases, 5);
  EXPECT_GE(s.easy.RecallAtLeast2().value_or(0), EASY_RECALL_FLOOR);
  EXPECT_GE(s.easy.Precision().value_or(0), EASY_PRECISION_FLOOR);
  EXPECT_LE(s.easy.MeanAbsoluteError().value_or(99), EASY_MAE_CEILING);
  EXPECT_GE(s.medium.RecallAtLeast2().value_or(0), MEDIUM_RECALL_FLOOR);
  EXPECT_GE(s.medium.Precision().value_or(0), MEDIUM_PRECISION_FLOOR);
  EXPECT_LE(s.medium.MeanAbsoluteError().value_or(99), MEDIUM_MAE_CEILING);
  EXPECT_LE(s.easy.MeanAbsoluteAfcError().value_or(99), EASY_AFC_CEILING);
}

// Poor-reserve ovaries, the trial's population: ovaries holding no follicle
// or one. A false detection there is a false AFC, and a lost lone follicle
// is the sign of growth the study looks for. Ceilings and floor: measured
// on these twenty cases on 2026-11-26 (POOR_MEASURED below) less a margin;
// the benchmark's poor-reserve stills are in BENCHMARKS.md.
// POOR_MEASURED: 9 true follicles, 7 found (recall 0.778), 7 false in 20
// frames (0.35 per frame), |AFC error| 0.30, with the models retrained on
// poor-reserve stills too (2026-11-26; before: 6 found, 10 false, 0.5).
constexpr double POOR_FP_PER_FRAME_CEILING = 0.5, POOR_AFC_CEILING = 0.45, POOR_RECALL_FLOOR = 0.6;

TEST(PhantomEndToEnd, PoorReserveOvariesGetFewFalseFollicles) {
  test::TempDir dir("phantom-e2e-poor");
  auto run = GenerateAnalyseAndScore(dir, {{phantom::Difficulty::kMedium, 10, 0}, {phantom::Difficulty::kMedium, 10, 1}});
  ASSERT_TRUE(run);
  const eval::Tally& medium = run->groups["still/medium"];
  ASSERT_EQ(medium.cases, 20);
  EXPECT_LE(medium.FalsePositivesPerFrame().value_or(99), POOR_FP_PER_FRAME_CEILING);
  EXPECT_LE(medium.MeanAbsoluteAfcError().value_or(99), POOR_AFC_CEILING);
  EXPECT_GE(medium.RecallAtLeast2().value_or(0), POOR_RECALL_FLOOR);
}

}  // namespace
}  // namespace antra

namespace antra {
namespace {

// The committed sample_images/ (phantom scans with truth), analysed as the
// main job analyses them. Floors: measured 2026-11-24 (stills: recall 0.537,
// precision 0.967, MAE 0.38 mm; easy: recall 0.933; cine frames: recall
// 0.852, precision 0.958) less a margin. After the pipeline branch's
// candidate and judge changes: stills recall 0.593, precision 0.889 (4 false
// detections in 9 stills against 1: lower, still above the floor), MAE 0.38
// mm; cine frames recall 0.852, precision 1.0; the recall floor is raised.
// With the measured outlines of 2026-11-25 the stills' MAE is 0.32 mm (the
// ceiling lowered from 0.55 mm). With the models retrained on poor-reserve
// stills too (2026-11-26): stills recall 0.556, precision 0.882 (the
// precision floor lowered from 0.88), MAE 0.33 mm; cine frames unchanged.
TEST(SampleImages, AnalysedAgainstTheirTruth) {
  const auto samples = test::SourceDir() / "sample_images";
  if (!std::filesystem::is_directory(samples)) GTEST_SKIP() << "sample_images/ absent";
  test::TempDir dir("sample-images");
  int analysed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(samples)) {
    if (entry.path().extension() != ".dcm") continue;
    auto source = OpenImage(entry.path());
    ASSERT_TRUE(source) << entry.path();
    auto analysis = pipeline::AnalyzeImage(**source, {});
    ASSERT_TRUE(analysis) << entry.path();
    ASSERT_TRUE(WriteFileAtomically(dir / (entry.path().stem().string() + ".json"), AnalysisToJson(*analysis).dump()));
    ++analysed;
  }
  ASSERT_GE(analysed, 10);
  auto run = eval::EvaluateDirectories(samples, dir.path(), {});
  ASSERT_TRUE(run);
  std::cout << eval::FormatTable(*run);
  EXPECT_GE(run->stills.RecallAtLeast2().value_or(0), 0.53);
  EXPECT_GE(run->stills.Precision().value_or(0), 0.85);
  EXPECT_LE(run->stills.MeanAbsoluteError().value_or(99), 0.45);
  EXPECT_GE(run->groups["still/easy"].RecallAtLeast2().value_or(0), 0.85);
  EXPECT_GE(run->cines.RecallAtLeast2().value_or(0), 0.75);
  EXPECT_GE(run->cines.Precision().value_or(0), 0.9);
}

}  // namespace
}  // namespace antra

namespace antra {
namespace {

pipeline::AnalyzeOptions WithContextJudge() {
  pipeline::AnalyzeOptions options;
  options.pipeline.candidate_model.context_model = "candidates-context-rtrees.yml.gz";
  return options;
}

// The context judge (preset context-judge) decides on stills: its model is
// loaded, its rows reach the trace, and its probability is the one used.
TEST(ContextJudge, DecidesOnStills) {
  const auto still = test::SourceDir() / "sample_images" / "medium-01.dcm";
  if (!std::filesystem::exists(still)) GTEST_SKIP() << "sample_images/ absent";
  auto source = OpenImage(still);
  ASSERT_TRUE(source);
  auto frame = (*source)->ReadFrame(0);
  ASSERT_TRUE(frame);
  auto created = pipeline::FramePipeline::Create(WithContextJudge().pipeline);
  ASSERT_TRUE(created) << created.error().message;
  pipeline::FrameTrace trace;
  (void)created->Analyze(*frame, (*source)->info().calibration, &trace);
  ASSERT_FALSE(trace.judged.empty());
  int changed = 0;
  for (const auto& j : trace.judged) {
    ASSERT_EQ(j.context_vector.cols, pipeline::kContextJudgeFeatureCount);
    changed += std::abs(j.probability - j.first_probability) > 1e-6;
  }
  EXPECT_GT(changed, 0);
}

// A linked sweep keeps the first judge (FrameOptionsForLinkedSweeps): the
// linker's rules were chosen on its probabilities, and the context judge
// made more false unique follicles on the development sweeps.
TEST(ContextJudge, LinkedSweepsKeepTheFirstJudge) {
  const auto cine = test::SourceDir() / "sample_images" / "cine-01.dcm";
  if (!std::filesystem::exists(cine)) GTEST_SKIP() << "sample_images/ absent";
  auto analyse = [&](const pipeline::AnalyzeOptions& options) {
    auto source = OpenImage(cine);
    EXPECT_TRUE(source);
    auto analysis = pipeline::AnalyzeImage(**source, options);
    EXPECT_TRUE(analysis);
    nlohmann::json j = AnalysisToJson(*analysis);
    j.erase("parameters_hash");  // names the options given, which differ
    return j;
  };
  const nlohmann::json with_context = analyse(WithContextJudge());
  ASSERT_FALSE(with_context["follicles"].empty());
  EXPECT_EQ(with_context, analyse({}));
}

}  // namespace
}  // namespace antra
