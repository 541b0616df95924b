// antra-train-ovary: trains the ovary map's cell classifier (ovary_map.h) on
// images with expert ovary masks, and writes it for models/.
//
//   antra-train-ovary --images DIR --out models/ovary-rtrees.yml.gz
//                     [--folds N --fold K] [--trees 60] [--depth 10]
//
// DIR holds images/NNN.JPG and ovary-masks/NNN.PNG (value > 0 inside the
// ovary), like ../shared/real-samples/mmotu-normal-ovary. Each image goes
// through the pipeline (ruler scale, candidates, look-alike tests) with no
// ovary model; every usable 2 mm cell becomes a sample labelled 1 when most of
// it lies inside the mask. With --folds N --fold K, images whose position in
// name order is K modulo N are left out (for cross-validation: evaluate the
// model on exactly those with antra-real-eval --only).

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "pipeline/pipeline.h"

namespace fs = std::filesystem;
using namespace antra;

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  CLI::App app{"Train the ovary map's cell classifier on expert ovary masks"};
  std::string images_dir, out;
  int folds = 1, fold = -1, trees = 60, depth = 10, min_samples = 10;
  bool evaluate = false;
  app.add_option("--images", images_dir, "Folder with images/ and ovary-masks/")->required();
  app.add_option("--out", out, "Model file to write (.yml.gz)")->required();
  app.add_option("--folds", folds, "Split the images into this many folds");
  app.add_option("--fold", fold, "Leave this fold out (0-based)");
  app.add_option("--trees", trees, "Number of trees");
  app.add_option("--depth", depth, "Maximum tree depth");
  app.add_option("--min-samples", min_samples, "Minimum samples per leaf");
  app.add_flag("--evaluate", evaluate,
               "Do not train: read --out and report how well it finds the ovary on the left-out fold");
  CLI11_PARSE(app, argc, argv);
  cv::Ptr<cv::ml::RTrees> trained;
  if (evaluate) {
    trained = cv::Algorithm::load<cv::ml::RTrees>(out);
    if (!trained || !trained->isTrained()) {
      std::cerr << "antra-train-ovary: cannot read " << out << "\n";
      return 2;
    }
  }
  struct Scored {
    float p;
    bool inside;
  };
  std::vector<Scored> scored;
  int argmax_inside = 0, evaluated = 0;

  pipeline::AnalyzeOptions options;
  options.pipeline.ovary_map.model = "";  // features only
  auto frame_pipeline = pipeline::FramePipeline::Create(options.pipeline);
  if (!frame_pipeline) {
    std::cerr << "antra-train-ovary: " << frame_pipeline.error().message << "\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(images_dir) / "images")) files.push_back(e.path());
  std::sort(files.begin(), files.end());

  cv::Mat samples, responses;
  int used_images = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const bool left_out = folds > 1 && int(i % size_t(folds)) == fold;
    if (left_out != evaluate) continue;
    const fs::path mask_path = fs::path(images_dir) / "ovary-masks" / (files[i].stem().string() + ".PNG");
    cv::Mat mask = cv::imread(mask_path.string(), cv::IMREAD_GRAYSCALE);
    auto source = OpenImage(files[i]);
    if (mask.empty() || !source) continue;
    auto frame = (*source)->ReadFrame(0);
    if (!frame) continue;
    const Calibration calibration = pipeline::ResolveCalibration((*source)->info(), *frame, options);
    pipeline::FrameTrace trace;
    (void)frame_pipeline->Analyze(*frame, calibration, &trace);
    const auto& cells = trace.ovary_cells;
    if (cells.features.empty()) continue;
    // The mask on the cell grid: share of each cell inside the ovary.
    if (mask.size() != frame->luma.size()) cv::resize(mask, mask, frame->luma.size(), 0, 0, cv::INTER_NEAREST);
    cv::Mat inside = pipeline::ToWorking((mask > 0), trace.grid);
    cv::Mat padded;
    cv::copyMakeBorder(inside, padded, 0, cells.grid.height * cells.cell_px - inside.rows, 0,
                       cells.grid.width * cells.cell_px - inside.cols, cv::BORDER_CONSTANT, 0);
    cv::Mat share;
    padded.convertTo(padded, CV_32F, 1.0 / 255.0);
    cv::resize(padded, share, cells.grid, 0, 0, cv::INTER_AREA);
    if (evaluate) {
      cv::Mat predicted;
      trained->predict(cells.features, predicted);
      float best = -1;
      bool best_inside = false;
      for (int y = 0; y < cells.grid.height; ++y) {
        for (int x = 0; x < cells.grid.width; ++x) {
          if (!cells.usable.at<uchar>(y, x)) continue;
          const float p = predicted.at<float>(y * cells.grid.width + x);
          const bool in = share.at<float>(y, x) >= 0.5f;
          scored.push_back({p, in});
          if (p > best) best = p, best_inside = in;
        }
      }
      ++evaluated;
      if (best_inside) ++argmax_inside;
      continue;
    }
    for (int y = 0; y < cells.grid.height; ++y) {
      for (int x = 0; x < cells.grid.width; ++x) {
        if (!cells.usable.at<uchar>(y, x)) continue;
        samples.push_back(cells.features.row(y * cells.grid.width + x));
        responses.push_back(share.at<float>(y, x) >= 0.5f ? 1.0f : 0.0f);
      }
    }
    ++used_images;
  }
  if (evaluate) {
    // Cell-level ROC AUC (rank statistic) and how often the most probable cell is ovary.
    std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.p < b.p; });
    double rank_sum = 0, positives = 0;
    for (size_t r = 0; r < scored.size(); ++r) {
      if (scored[r].inside) rank_sum += double(r + 1), ++positives;
    }
    const double negatives = double(scored.size()) - positives;
    const double auc = (rank_sum - positives * (positives + 1) / 2) / std::max(1.0, positives * negatives);
    std::cout << "evaluated " << evaluated << " images, " << scored.size() << " cells: AUC " << std::fixed
              << std::setprecision(3) << auc << ", most probable cell inside the ovary in " << argmax_inside << "/"
              << evaluated << " images\n";
    return 0;
  }
  if (samples.empty()) {
    std::cerr << "antra-train-ovary: no training samples\n";
    return 1;
  }
  auto forest = cv::ml::RTrees::create();
  forest->setMaxDepth(depth);
  forest->setMinSampleCount(min_samples);
  forest->setRegressionAccuracy(0.0f);
  forest->setUseSurrogates(false);
  forest->setActiveVarCount(0);  // sqrt(features)
  forest->setCalculateVarImportance(true);
  forest->setTermCriteria({cv::TermCriteria::MAX_ITER, trees, 0});
  cv::theRNG().state = 20261124;  // reproducible
  forest->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, responses));
  forest->save(out);
  const double positives = cv::sum(responses)[0];
  std::cout << "trained on " << used_images << " images, " << samples.rows << " cells (" << positives
            << " inside the ovary)\nvariable importance:\n";
  const cv::Mat importance = forest->getVarImportance();
  const auto& names = pipeline::OvaryFeatureNames();
  for (int k = 0; k < importance.rows * importance.cols; ++k) {
    std::cout << "  " << std::setw(18) << names[size_t(k)] << " " << std::fixed << std::setprecision(4)
              << importance.at<float>(k) << "\n";
  }
  std::cout << "wrote " << out << "\n";
  return 0;
}
