// antra-train-ovary: trains the ovary map's two-stage cell classifier
// (ovary_map.h) on images with expert ovary masks, and writes it for models/.
//
//   antra-train-ovary --images DIR --out models/ovary-rtrees.yml.gz
//                     [--folds N --fold K [--evaluate]] [--trees 40] [--depth 10]
//                     [--ignore FEATURE]...
//
// DIR holds images/NAME.JPG (or .png) and ovary-masks/NAME.PNG (value > 0
// inside the ovary), like ../shared/real-samples/mmotu-normal-ovary. Each image
// goes through the pipeline (ruler scale, candidates, look-alike tests) with
// no ovary model; every usable 2 mm cell becomes a sample labelled 1 when most
// of it lies inside the mask.
//
// Stage 1 is a random forest on the cell features. Stage 2 sees the same
// features plus stage 1's probability around the cell; it is trained on
// stage-1 probabilities that are out-of-sample (each half of the training
// images is predicted by a stage 1 trained on the other half), so that it
// learns how far stage 1 can be trusted on unseen images.
//
// --folds N --fold K leaves out the images whose position in name order is K
// modulo N; --evaluate then reads --out and reports, on exactly those images
// (and on every --phantom still, for a development set never trained on),
// the cell ROC AUC and how often the most probable cell lies in the ovary.

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <fstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

#include "io/open_image.h"
#include "phantom_truth.h"
#include "pipeline/analyze_image.h"
#include "pipeline/forest.h"
#include "pipeline/pipeline.h"

namespace fs = std::filesystem;
using namespace antra;

namespace {

struct ImageCells {
  std::string name;
  pipeline::OvaryCells cells;
  cv::Mat labels;  // grid-size CV_32F, 1 inside the ovary
};

// Share of each cell inside the mask, on the pipeline's cell grid.
cv::Mat CellLabels(const cv::Mat& mask_full, const pipeline::FrameTrace& trace) {
  const auto& cells = trace.ovary_cells;
  cv::Mat inside = pipeline::ToWorking(mask_full > 0, trace.grid);
  cv::Mat padded, share;
  cv::copyMakeBorder(inside, padded, 0, cells.grid.height * cells.cell_px - inside.rows, 0,
                     cells.grid.width * cells.cell_px - inside.cols, cv::BORDER_CONSTANT, 0);
  padded.convertTo(padded, CV_32F, 1.0 / 255.0);
  cv::resize(padded, share, cells.grid, 0, 0, cv::INTER_AREA);
  cv::Mat labels;
  cv::threshold(share, labels, 0.5, 1.0, cv::THRESH_BINARY);
  return labels;
}

// The ovary mask of a phantom frame, drawn from its truth (empty ovary: all 0).
cv::Mat PhantomMask(const fs::path& image) {
  fs::path truth_path = image;
  truth_path.replace_extension(".truth.json");
  std::ifstream in(truth_path);
  if (!in) return {};
  const auto j = nlohmann::json::parse(in);
  cv::Mat mask = cv::Mat::zeros(j.at("image").at("height").get<int>(), j.at("image").at("width").get<int>(), CV_8UC1);
  const std::vector<cv::Point> contour = train::TruthOvaryOutline(j);
  if (!contour.empty()) cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{contour}, 255);
  return mask;
}

// Real images: DIR/images + DIR/ovary-masks; phantom: <stem>.dcm + <stem>.truth.json.
std::vector<ImageCells> LoadImages(const fs::path& dir, const std::vector<fs::path>& files,
                                   const pipeline::AnalyzeOptions& options, const pipeline::FramePipeline& frame_pipeline,
                                   bool phantom = false) {
  std::vector<ImageCells> out;
  for (const auto& file : files) {
    cv::Mat mask = phantom ? PhantomMask(file)
                           : cv::imread((dir / "ovary-masks" / (file.stem().string() + ".PNG")).string(),
                                        cv::IMREAD_GRAYSCALE);
    auto source = OpenImage(file);
    if (mask.empty() || !source) continue;
    auto frame = (*source)->ReadFrame(0);
    if (!frame) continue;
    const Calibration calibration = pipeline::ResolveCalibration((*source)->info(), *frame, options);
    pipeline::FrameTrace trace;
    (void)frame_pipeline.Analyze(*frame, calibration, &trace);
    if (trace.ovary_cells.features.empty()) continue;
    if (mask.size() != frame->luma.size()) cv::resize(mask, mask, frame->luma.size(), 0, 0, cv::INTER_NEAREST);
    ImageCells image;
    image.name = file.filename().string();
    image.labels = CellLabels(mask, trace);
    image.cells = std::move(trace.ovary_cells);
    out.push_back(std::move(image));
  }
  return out;
}

struct Settings {
  int trees = 40, depth = 10, min_samples = 20;
  double negative_share = 0.4;  // of outside-the-ovary cells kept for training
};

// Rows (features) and responses of the usable cells; negatives subsampled
// deterministically (every k-th) to keep training quick and balanced.
void AddRows(const ImageCells& image, const cv::Mat& features, const Settings& settings, cv::Mat& rows,
             cv::Mat& responses) {
  const int keep_every = std::max(1, int(std::lround(1.0 / settings.negative_share)));
  int negative = 0;
  for (int y = 0; y < image.cells.grid.height; ++y) {
    for (int x = 0; x < image.cells.grid.width; ++x) {
      if (!image.cells.usable.at<uchar>(y, x)) continue;
      const float label = image.labels.at<float>(y, x);
      if (label < 0.5f && (negative++ % keep_every) != 0) continue;
      rows.push_back(features.row(y * image.cells.grid.width + x));
      responses.push_back(label);
    }
  }
}

cv::Ptr<cv::ml::RTrees> TrainForest(const cv::Mat& rows, const cv::Mat& responses, const Settings& s) {
  auto forest = cv::ml::RTrees::create();
  forest->setMaxDepth(s.depth);
  forest->setMinSampleCount(s.min_samples);
  forest->setRegressionAccuracy(0.0f);
  forest->setUseSurrogates(false);
  forest->setActiveVarCount(0);  // sqrt(features)
  forest->setCalculateVarImportance(true);
  forest->setTermCriteria({cv::TermCriteria::MAX_ITER, s.trees, 0});
  cv::theRNG().state = 20261124;  // reproducible
  forest->train(cv::ml::TrainData::create(rows, cv::ml::ROW_SAMPLE, responses));
  return forest;
}

cv::Ptr<cv::ml::RTrees> TrainStage1(const std::vector<const ImageCells*>& images, const Settings& s) {
  cv::Mat rows, responses;
  for (const auto* image : images) AddRows(*image, image->cells.features, s, rows, responses);
  return TrainForest(rows, responses, s);
}

cv::Mat PredictGrid(const cv::Ptr<cv::ml::RTrees>& forest, const pipeline::OvaryCells& cells, const cv::Mat& features) {
  cv::Mat predictions;
  forest->predict(features, predictions);
  return pipeline::ToProbabilityGrid(cells, predictions);
}

void PrintImportance(const cv::Ptr<cv::ml::RTrees>& forest, const char* title) {
  std::cout << title << " variable importance:\n";
  const cv::Mat importance = forest->getVarImportance();
  const auto& names = pipeline::OvaryFeatureNames();
  for (int k = 0; k < int(importance.total()); ++k) {
    std::cout << "  " << std::setw(18) << names[size_t(k)] << " " << std::fixed << std::setprecision(4)
              << importance.at<float>(k) << "\n";
  }
}

int Evaluate(const std::string& model_path, const std::vector<ImageCells>& images) {
  auto model = pipeline::OvaryModel::Load(model_path);
  if (!model) {
    std::cerr << "antra-train-ovary: " << model.error().message << "\n";
    return 2;
  }
  struct Scored {
    float p;
    bool inside;
  };
  std::vector<Scored> scored;
  int argmax_inside = 0;
  for (const auto& image : images) {
    const cv::Mat p = (*model)->Predict(image.cells);
    cv::Point best;
    cv::minMaxLoc(p, nullptr, nullptr, nullptr, &best, image.cells.usable);
    if (image.labels.at<float>(best) > 0.5f) ++argmax_inside;
    for (int y = 0; y < p.rows; ++y) {
      for (int x = 0; x < p.cols; ++x) {
        if (image.cells.usable.at<uchar>(y, x)) scored.push_back({p.at<float>(y, x), image.labels.at<float>(y, x) > 0.5f});
      }
    }
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.p < b.p; });
  double rank_sum = 0, positives = 0;
  for (size_t r = 0; r < scored.size(); ++r) {
    if (scored[r].inside) rank_sum += double(r + 1), ++positives;
  }
  const double negatives = double(scored.size()) - positives;
  const double auc = (rank_sum - positives * (positives + 1) / 2) / std::max(1.0, positives * negatives);
  std::cout << "evaluated " << images.size() << " images, " << scored.size() << " cells: AUC " << std::fixed
            << std::setprecision(3) << auc << ", most probable cell inside the ovary in " << argmax_inside << "/"
            << images.size() << " images\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  CLI::App app{"Train the ovary map's two-stage cell classifier on expert ovary masks"};
  std::string images_dir, out;
  int folds = 1, fold = -1;
  bool evaluate = false;
  Settings settings;
  app.add_option("--images", images_dir, "Folder with images/ and ovary-masks/ (optional with --phantom)");
  app.add_option("--out", out, "Model file to write (.yml.gz), or to read with --evaluate")->required();
  app.add_option("--folds", folds, "Split the images into this many folds");
  app.add_option("--fold", fold, "Leave this fold out (0-based)");
  app.add_option("--trees", settings.trees, "Trees per forest");
  app.add_option("--depth", settings.depth, "Maximum tree depth");
  app.add_option("--min-samples", settings.min_samples, "Minimum samples per leaf");
  std::string phantom_dir;
  int phantom_half = -1;
  app.add_option("--phantom", phantom_dir, "Also train on these phantom stills (antra-phantom output, truth ovaries)");
  app.add_option("--phantom-half", phantom_half, "Use only even (0) or odd (1) phantom images in name order");
  std::vector<std::string> ignored;
  app.add_option("--ignore", ignored,
                 "Hold this cell feature constant in training (repeatable), so the map cannot use it: to measure "
                 "what a feature adds, compare with and without it");
  app.add_flag("--evaluate", evaluate,
               "Do not train: report how well --out finds the ovary on the left-out fold (and on --phantom)");
  CLI11_PARSE(app, argc, argv);
  std::vector<int> ignored_columns;
  const auto& names = pipeline::OvaryFeatureNames();
  for (const auto& name : ignored) {
    const auto it = std::find(names.begin(), names.begin() + pipeline::kOvaryFeatureCount, name);
    if (it == names.begin() + pipeline::kOvaryFeatureCount) {
      std::cerr << "antra-train-ovary: --ignore " << name << ": no such cell feature\n";
      return 2;
    }
    ignored_columns.push_back(int(it - names.begin()));
  }

  pipeline::AnalyzeOptions options;
  options.pipeline.ovary_map.model = "";  // features only
  options.pipeline.candidate_model.model = "";
  options.pipeline.candidate_model.context_model = "";
  auto frame_pipeline = pipeline::FramePipeline::Create(options.pipeline);
  if (!frame_pipeline) {
    std::cerr << "antra-train-ovary: " << frame_pipeline.error().message << "\n";
    return 2;
  }
  if (images_dir.empty() && phantom_dir.empty()) {
    std::cerr << "antra-train-ovary: give --images and/or --phantom\n";
    return 2;
  }
  std::vector<fs::path> all;
  if (!images_dir.empty()) {
    for (const auto& e : fs::directory_iterator(fs::path(images_dir) / "images")) all.push_back(e.path());
  }
  std::sort(all.begin(), all.end());
  std::vector<fs::path> files;
  for (size_t i = 0; i < all.size(); ++i) {
    const bool left_out = folds > 1 && int(i % size_t(folds)) == fold;
    if (left_out == evaluate) files.push_back(all[i]);
  }
  std::vector<ImageCells> images = LoadImages(images_dir, files, options, *frame_pipeline);
  if (!phantom_dir.empty()) {  // training images, or with --evaluate the images scored
    std::vector<fs::path> phantom;
    for (const auto& e : fs::directory_iterator(phantom_dir)) {
      if (e.path().extension() == ".dcm") phantom.push_back(e.path());
    }
    std::sort(phantom.begin(), phantom.end());
    std::vector<fs::path> chosen;
    for (size_t i = 0; i < phantom.size(); ++i) {
      if (phantom_half < 0 || int(i % 2) == phantom_half) chosen.push_back(phantom[i]);
    }
    auto more = LoadImages(phantom_dir, chosen, options, *frame_pipeline, true);
    std::cout << "phantom images: " << more.size() << "\n";
    for (auto& m : more) images.push_back(std::move(m));
  }
  if (images.empty()) {
    std::cerr << "antra-train-ovary: no usable images\n";
    return 1;
  }
  if (evaluate) return Evaluate(out, images);
  // A constant column is never split on (stage 2 copies the cell features).
  for (int column : ignored_columns) {
    for (auto& image : images) image.cells.features.col(column).setTo(0);
  }

  // Stage 1 on everything; out-of-sample stage-1 maps from two halves for stage 2.
  std::vector<const ImageCells*> everything, half[2];
  for (size_t i = 0; i < images.size(); ++i) {
    everything.push_back(&images[i]);
    half[i % 2].push_back(&images[i]);
  }
  const auto stage1 = TrainStage1(everything, settings);
  cv::Mat rows, responses;
  for (int h = 0; h < 2; ++h) {
    const auto other = TrainStage1(half[1 - h], settings);
    for (const auto* image : half[h]) {
      const cv::Mat p1 = PredictGrid(other, image->cells, image->cells.features);
      AddRows(*image, pipeline::ContextFeatures(image->cells, p1), settings, rows, responses);
    }
  }
  const auto stage2 = TrainForest(rows, responses, settings);
  auto storage = cv::makePtr<cv::FileStorage>(out, cv::FileStorage::WRITE);
  stage1->write(storage, "stage1");
  stage2->write(storage, "stage2");
  storage->release();
  if (const auto written = pipeline::WriteCompiledForestFile(out, {"stage1", "stage2"}); !written) {
    std::cerr << "antra-train-ovary: " << written.error().message << "\n";
    return 1;
  }
  std::cout << "trained on " << images.size() << " images, " << rows.rows << " cells per stage (after subsampling)\n";
  PrintImportance(stage1, "stage 1");
  PrintImportance(stage2, "stage 2");
  std::cout << "wrote " << out << " and " << pipeline::CompiledForestPath(out) << "\n";
  return 0;
}
