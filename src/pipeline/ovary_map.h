#pragma once
// Stage 8a: how likely each part of the frame is to be ovary. The ovary is a
// hypoechoic, finely textured oval holding the follicles; look-alike dark
// spots lie in bowel, near the probe, in the far field and around vessels.
// Whether a place is ovary depends on its surroundings at several scales, so
// the frame is cut into coarse cells (2 mm) and each cell is described by
// gain-independent features: mean grey level at 2 to 26 mm scales relative to
// the frame's tissue level, texture, the share of fluid-dark pixels and of
// accepted candidates around it, and its place in the image area. A random
// forest (OpenCV RTrees) trained on expert ovary masks turns them into a
// probability. The model, the command and the data that produced it are in
// models/ (see models/README.md).

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "pipeline/forest.h"
#include "pipeline/working_frame.h"

namespace cv::ml {
class StatModel;
}

namespace antra::pipeline {

inline constexpr int kOvaryFeatureCount = 28;
inline constexpr int kOvaryContextFeatureCount = kOvaryFeatureCount + 10;
const std::vector<std::string>& OvaryFeatureNames();  // both stages' features

struct OvaryMapOptions {
  std::string model = "ovary-rtrees.yml.gz";  // in models/ (or an absolute path); "" = no map
  double cell_mm = 2.0;
  double dark_ratio = 0.4;      // a pixel darker than this fraction of the tissue level is fluid-dark
  double region_threshold = 0.3;   // cells above this probability ...
  double region_relative = 0.7;    // ... and above this fraction of the frame's highest form ovary regions
  double accept_probability = 0.4;  // a candidate in the chosen ovary, or with at least this ...
  double keep_elsewhere_probability = 1.0;  // ... or elsewhere with at least this, is kept (1 = never)
  double smooth_cells = 1.0;    // Gaussian smoothing of the probability map (cells)
  double candidate_weight = 0.2;  // a region's score: sum of p^2 over it, plus this x each candidate's confidence
  Status Check() const;
};

// Per-cell features of one frame.
struct OvaryCells {
  cv::Size grid;          // cells across, down
  int cell_px = 0;        // working pixels per cell side
  cv::Mat features;       // CV_32F, one row per cell (row-major over grid), kOvaryFeatureCount columns
  cv::Mat usable;         // CV_8U grid-size: the cell lies mostly inside the image area
};

// `candidates`: CV_8U working-size mask of accepted candidates' lumens.
OvaryCells DescribeOvaryCells(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                              const cv::Mat& candidates, const WorkingGrid& grid, const OvaryMapOptions& options);

// Second-stage ("auto-context") features: the cell's own features plus the
// first stage's probability at the cell, around it at three scales, and
// relative to the frame's highest. Lets the second forest prefer one coherent
// oval over scattered ovary-like cells.
cv::Mat ContextFeatures(const OvaryCells& cells, const cv::Mat& first_stage_probability);

// Probability per cell from one forest's predictions (CV_32F grid-size, 0 on unusable cells).
cv::Mat ToProbabilityGrid(const OvaryCells& cells, const cv::Mat& predictions);

// A trained two-stage cell classifier (two RTrees regressors in one file,
// nodes "stage1" and "stage2"). Loaded files are cached by path.
class OvaryModel {
 public:
  static Result<std::shared_ptr<const OvaryModel>> Load(const std::string& path);
  // Probability of ovary per cell, CV_32F grid-size (0 on unusable cells).
  cv::Mat Predict(const OvaryCells& cells) const;

 private:
  std::optional<LazyForest> stage1_, stage2_;  // OpenCV's, parsed only when needed (forest.h)
  std::optional<CompiledForest> compiled1_, compiled2_;  // the same forests, evaluated faster (forest.h)
};

}  // namespace antra::pipeline
