#pragma once
// Stages 4 and 5: dark candidates and the splitting of touching ones.
//
// Follicle fluid is anechoic: darker than the tissue around it by a factor
// that depends little on gain and depth. The tissue level is estimated over a
// wide window (a high percentile of coarse cells, so follicles and vessels
// do not pull it down), and a pixel is dark when it is below a fraction of it.
// Hysteresis: a candidate needs a clearly dark core (core_ratio) and extends
// while it stays fairly dark (extent_ratio); speckle holes have no core.
//
// Follicles are often pressed together. A component holding several cores is
// flooded from them in order of brightness; two regions stay apart when the
// brightest point of the best path between them (the septum) is clearly above
// both lumens. A component whose shape still has a neck is split again on its
// distance transform (h-maxima). All sizes are millimetres on the working grid.

#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "pipeline/working_frame.h"

namespace antra::pipeline {

struct BackgroundOptions {
  double cell_mm = 4.0;        // coarse cell size for the tissue-level estimate
  double window_mm = 36.0;     // the estimate's reach (wider than the largest follicle searched)
  double percentile = 0.65;    // of the cell means in the window: tissue, not fluid
  int min_tissue_level = 22;   // where tissue is darker than this, nothing is visible: no candidates
  Status Check() const;
};

// CV_32FC1 tissue level at each working pixel (0 where unknown).
cv::Mat EstimateTissueLevel(const cv::Mat& despeckled, const cv::Mat& valid, const WorkingGrid& grid,
                            const BackgroundOptions& options);

struct CandidateOptions {
  double core_ratio = 0.38;       // a core is darker than this fraction of the tissue level
  double extent_ratio = 0.58;     // a candidate extends while darker than this fraction
  double open_mm = 0.25;          // opening of the core mask (speckle)
  double min_core_mm = 0.9;       // cores smaller than this (area-equivalent) are speckle holes
  double min_diameter_mm = 1.4;   // candidates smaller than this (area-equivalent) are dropped
  double max_diameter_mm = 45.0;  // larger dark areas are bladder, bowel or cysts beyond scope
  // Small follicles: blur leaves them too little dark core for the
  // thresholds, but they still stand out as dark blobs against their
  // surroundings. A difference-of-Gaussians search over these diameters finds
  // them; a blob counts when its response reaches blob_contrast of the tissue
  // level. 0 for blob_contrast turns the search off.
  double blob_min_mm = 1.5;
  double blob_max_mm = 6.0;
  double blob_contrast = 0.08;
  // A blob's centre (blurred at its own scale) must be darker than this
  // fraction of the tissue level: in cluttered images small lumens are only
  // somewhat darker than stroma, so this gate is looser than extent_ratio.
  double blob_max_darkness = 0.85;
  Status Check() const;
};

struct SplitOptions {
  // Two touching regions stay apart when their septum rises above the darker
  // lumen by at least this fraction of the way to the tissue level.
  double septum_contrast = 0.12;
  // A region less solid than this is split again on its distance transform ...
  double neck_solidity = 0.93;
  // ... at distance-transform maxima standing this high above the saddle.
  double neck_depth_mm = 0.3;
  Status Check() const;
};

struct Candidate {
  int label = 0;                   // value in CandidateMap::labels
  cv::Rect box;                    // working pixels
  double area_px = 0;              // working pixels
  cv::Point2d centroid;            // working pixels
  std::vector<cv::Point> contour;  // outer contour, working pixels
  double lumen_level = 0;          // median despeckled value inside
};

struct CandidateMap {
  cv::Mat labels;  // CV_32SC1, working size; 0 = no candidate
  std::vector<Candidate> candidates;
};

// `valid`: CV_8UC1 working-size mask of pixels that may belong to a candidate.
CandidateMap FindDarkCandidates(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                                const WorkingGrid& grid, const CandidateOptions& candidate_options,
                                const SplitOptions& split_options);

// Exposed for tests: flood `allowed` pixels from the seeds in `labels` (CV_32S,
// >0 = seed) in increasing order of `level` (CV_8U). Returns, for each pair of
// labels that met, the lowest level at which they met (the saddle).
struct Saddle {
  int a = 0, b = 0;
  int level = 0;
};
std::vector<Saddle> FloodFromSeeds(const cv::Mat& level, const cv::Mat& allowed, cv::Mat& labels);

}  // namespace antra::pipeline
