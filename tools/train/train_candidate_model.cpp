// antra-train-candidates: trains the candidate judge (candidate_model.h) on
// phantom images with ground truth, and writes it for models/.
//
//   antra-train-candidates --phantom DIR --out models/candidates-rtrees.yml.gz
//                          [--half K] [--params FILE] [--trees 60] [--depth 10]
//   antra-train-candidates --context --phantom DIR2 --out models/candidates-context-rtrees.yml.gz
//
// With --context it trains the second, context judge instead: the images go
// through the pipeline with the first judge named by --params (or the
// default) and its ContextJudgeRows are the training rows. Use images the
// first judge was not trained on, so that its probabilities are as unseen
// images get them.
//
// DIR holds antra-phantom output (<stem>.dcm + <stem>.truth.json), generated
// with seeds other than the benchmark's. Each image goes through the pipeline
// with no candidate model (the ovary model named by --params, or the default,
// provides the ovary probability); every candidate that passes the gross tests
// is labelled 1 when it is the nearest candidate to a visible true follicle
// (mean diameter >= 1.5 mm) and within max(1.5 mm, half its mean diameter) of
// its centre, as the scorer (antra eval) matches, else 0. With --half K only
// the images at even (K = 0) or odd (K = 1) positions in name order are used,
// so that the ovary model can be trained on the other half. Sweeps (cine
// files) add every --sweep-every'th frame, each labelled with its own truth.
// --seed changes the forest's random draws and --ignore holds a feature
// constant, so that what a feature adds can be told apart from what
// retraining alone moves.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/ml.hpp>

#include "io/open_image.h"
#include "phantom_truth.h"
#include "pipeline/forest.h"
#include "pipeline/pipeline.h"
#include "pipeline/presets.h"

namespace fs = std::filesystem;
using namespace antra;

namespace {

// True follicles from 1.5 mm: the smallest the judge is taught to accept.
constexpr double kMinTruthMm = 1.5;

}  // namespace

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  CLI::App app{"Train the candidate judge on phantom images with ground truth"};
  std::string phantom_dir, out, params;
  int half = -1, trees = 60, depth = 10, min_samples = 10;
  unsigned long long seed = 20261124;
  int sweep_every = 4;
  std::vector<std::string> ignored;
  bool context = false;
  app.add_flag("--context", context, "Train the context judge on the first judge's output (see the file's comment)");
  app.add_option("--phantom", phantom_dir, "antra-phantom output folder (stills)")->required();
  app.add_option("--out", out, "Model file to write (.yml.gz)")->required();
  app.add_option("--half", half, "Use only even (0) or odd (1) positions in name order");
  app.add_option("--params", params, "Pipeline options JSON (for example, which ovary model)");
  app.add_option("--trees", trees, "Trees");
  app.add_option("--depth", depth, "Maximum depth");
  app.add_option("--min-samples", min_samples, "Minimum samples per leaf");
  app.add_option("--sweep-every", sweep_every, "From multi-frame files (sweeps), use every Nth frame")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "Random seed of the forest (training is deterministic for a given seed)");
  app.add_option("--ignore", ignored,
                 "Feature the forest may not use (held constant in training; repeatable), to measure what a feature adds");
  CLI11_PARSE(app, argc, argv);

  pipeline::PipelineOptions options;
  if (!params.empty()) {
    auto loaded = pipeline::LoadPreset(params);
    if (!loaded) {
      std::cerr << "antra-train-candidates: " << loaded.error().message << "\n";
      return 2;
    }
    options = *loaded;
  }
  if (context) {
    options.candidate_model.context_model = "";  // the first judge's view is the input
    if (options.candidate_model.model.empty()) {
      std::cerr << "antra-train-candidates: --context needs a first judge (candidate_model.model)\n";
      return 2;
    }
  } else {
    options.candidate_model.model = "";  // describe every candidate; decide nothing
    options.candidate_model.context_model = "";
  }
  auto frame_pipeline = pipeline::FramePipeline::Create(options);
  if (!frame_pipeline) {
    std::cerr << "antra-train-candidates: " << frame_pipeline.error().message << "\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(phantom_dir)) {
    if (e.path().extension() == ".dcm") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  cv::Mat rows, responses;
  int images = 0, truths = 0, found = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (half >= 0 && int(i % 2) != half) continue;
    fs::path truth_path = files[i];
    truth_path.replace_extension(".truth.json");
    if (!fs::exists(truth_path)) continue;
    auto source = OpenImage(files[i]);
    if (!source) continue;
    const int frame_count = std::max(1, (*source)->info().frame_count);
    for (int k = 0; k < frame_count; k += sweep_every) {
      double mm_per_px = 0;
      const auto truth = train::ReadTruthFollicles(truth_path, kMinTruthMm, mm_per_px, size_t(k));
      auto frame = (*source)->ReadFrame(k);
      if (!frame) continue;
      pipeline::FrameTrace trace;
      (void)frame_pipeline->Analyze(*frame, (*source)->info().calibration, &trace);
      // Labels: the candidate matched to a true follicle, as the scorer matches.
      std::vector<cv::Point2d> centres;
      for (const auto& j : trace.judged) centres.push_back(j.center_px);
      const std::vector<int> match = train::MatchToTruth(truth, centres, mm_per_px);
      std::vector<float> label(trace.judged.size(), 0.f);
      for (const int c : match) {
        if (c >= 0) label[size_t(c)] = 1.f, ++found;
      }
      for (size_t c = 0; c < trace.judged.size(); ++c) {
        rows.push_back(context ? trace.judged[c].context_vector : trace.judged[c].vector);
        responses.push_back(label[c]);
      }
      ++images;
      truths += int(truth.size());
    }
  }
  if (rows.empty()) {
    std::cerr << "antra-train-candidates: no candidates\n";
    return 1;
  }
  const auto& names = context ? pipeline::ContextJudgeFeatureNames() : pipeline::CandidateFeatureNames();
  for (const auto& name : ignored) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      std::cerr << "antra-train-candidates: --ignore " << name << ": no such feature\n";
      return 2;
    }
    // A constant column is never split on, so the trained forest's output
    // does not depend on it.
    rows.col(int(it - names.begin())).setTo(0);
  }
  auto forest = cv::ml::RTrees::create();
  forest->setMaxDepth(depth);
  forest->setMinSampleCount(min_samples);
  forest->setRegressionAccuracy(0.0f);
  forest->setUseSurrogates(false);
  forest->setActiveVarCount(0);
  forest->setCalculateVarImportance(true);
  forest->setTermCriteria({cv::TermCriteria::MAX_ITER, trees, 0});
  cv::theRNG().state = seed;
  forest->train(cv::ml::TrainData::create(rows, cv::ml::ROW_SAMPLE, responses));
  forest->save(out);
  if (const auto written = pipeline::WriteCompiledForestFile(out, {""}); !written) {
    std::cerr << "antra-train-candidates: " << written.error().message << "\n";
    return 1;
  }
  std::cout << "trained on " << images << " frames: " << rows.rows << " candidates, " << cv::sum(responses)[0]
            << " follicles; candidates reach " << found << " of " << truths << " true follicles (>= 1.5 mm)\n";
  std::cout << "variable importance:\n";
  const cv::Mat importance = forest->getVarImportance();
  for (int k = 0; k < int(importance.total()); ++k) {
    std::cout << "  " << std::setw(16) << names[size_t(k)] << " " << std::fixed << std::setprecision(4)
              << importance.at<float>(k) << "\n";
  }
  std::cout << "wrote " << out << " and " << pipeline::CompiledForestPath(out) << "\n";
  return 0;
}
