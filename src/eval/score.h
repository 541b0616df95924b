#pragma once
// Scores Antra's results against phantom truth.
//
// Per frame, detected follicles are matched one-to-one to true cross-sections
// by the Hungarian method on centre distance (in mm); a pair may match only
// when the distance is at most max(1.5 mm, half the true mean diameter).
// True cross-sections count for recall when their mean diameter is >= 2 mm and
// at least half of the lumen is visible (kDefaultMinVisibleFraction); smaller
// or mostly hidden ones are "optional": finding them is no false positive,
// missing them is no miss. Every detection that matches nothing is a false
// positive.
//
// For a cine, unique follicles are matched one-to-one too: a detected unique
// follicle may match a true one when, in some frame where the true
// cross-section is visible, the detection's centre in that frame lies within
// the same tolerance. AFC error is |detected AFC - true AFC| with both AFCs
// counted from mean diameters (2 to 10 mm): frame 0 for a still, the unique
// follicles for a cine.

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/analysis.h"
#include "core/result.h"
#include "eval/truth.h"

namespace antra::eval {

struct ScoreOptions {
  // A frame listing more detections than this is scored on the first ones
  // only (with a warning): the matching's cost grows with their number.
  int max_detections_per_frame = 10000;
  double min_visible_fraction = kDefaultMinVisibleFraction;
  double min_tolerance_mm = 1.5;
  double tolerance_fraction_of_mean = 0.5;
  Status Check() const;
};

// Running sums for any group of cases; metrics are ratios of these.
struct Tally {
  int cases = 0;
  int missing_results = 0;      // results file absent or unreadable
  int frames = 0;
  int true_2plus = 0, found_2plus = 0;    // required cross-sections >= 2 mm
  int true_2to10 = 0, found_2to10 = 0;    // ... of 2 to 10 mm
  int detections = 0, matched_detections = 0;
  int size_pairs = 0;                      // matched, required, with a detected size
  double abs_error_sum = 0, error_sum = 0; // detected - true mean diameter, mm
  int unsized_matches = 0;                 // matched but uncalibrated (no mm)
  int afc_cases = 0;                       // cases with both AFCs known
  double afc_abs_error_sum = 0, afc_error_sum = 0;
  int afc_exact = 0, afc_max_abs_error = 0;
  int afc_unknown = 0;                     // results without sizes
  // Cine unique follicles.
  int sweeps = 0;
  int unique_true = 0, unique_found = 0;
  int unique_detected = 0, unique_detected_matched = 0;
  int unique_size_pairs = 0;
  double unique_abs_error_sum = 0;
  double unique_count_abs_error_sum = 0;   // |#detected >= 2 mm - #true >= 2 mm| per sweep
  // Where false positives fall (from the truth's scene description).
  int detections_outside_ovary = 0;        // any detection whose centre is outside the true ovary
  int frames_with_ovary = 0;
  int fp_in_ovary = 0, fp_on_lookalike = 0, fp_on_overlay = 0, fp_elsewhere = 0;

  void Add(const Tally& o);
  std::optional<double> RecallAtLeast2() const;
  std::optional<double> Recall2To10() const;
  std::optional<double> Precision() const;
  std::optional<double> FalsePositivesPerFrame() const;
  std::optional<double> MeanAbsoluteError() const;
  std::optional<double> Bias() const;
  std::optional<double> MeanAbsoluteAfcError() const;
  std::optional<double> MeanAfcError() const;
  std::optional<double> UniqueRecall() const;
  std::optional<double> UniquePrecision() const;
  std::optional<double> UniqueMeanAbsoluteError() const;
  std::optional<double> UniqueCountError() const;
  // Share of detections outside the true ovary (comparable with real scans,
  // where the expert ovary mask is known but follicles are not).
  std::optional<double> OutsideOvaryShare() const;
};

struct Miss {
  int frame = 0;
  int follicle_id = 0;
  cv::Point2d center_px;
  double mean_mm = 0;
};

// A true follicle matched to a detection that carries a size.
struct SizedMatch {
  int frame = 0;
  int follicle_id = 0;
  cv::Point2d center_px;  // the true centre
  double true_mean_mm = 0;
  double detected_mean_mm = 0;
};

struct FalsePositive {
  int frame = 0;
  cv::Point2d center_px;
  std::optional<double> mean_mm;
  // "ovary" (inside the true ovary), "lookalike:<kind>" (vessel, bowel-gas,
  // bowel-fluid, bladder), "overlay:<kind>" (text, calipers, ruler, grey bar)
  // or "background".
  std::string where;
};

struct CaseScore {
  std::string stem, kind, difficulty;
  bool results_found = false;
  std::string results_problem;  // why results were missing or unreadable
  std::vector<std::string> warnings;
  Tally tally;
  int true_afc = 0;
  std::optional<int> detected_afc;  // empty when the results carry no sizes
  std::vector<Miss> misses;
  std::vector<SizedMatch> sized_matches;  // the pairs behind the size error
  std::vector<FalsePositive> false_positives;
  std::vector<int> unique_missed;   // true unique follicle ids not found (cine)
};

// `results` empty: the results file is missing (every true follicle is missed).
CaseScore ScoreCase(const TruthCase& truth, const ImageAnalysis* results, const ScoreOptions& options);

// Group name of a case, e.g. "still/easy" or "cine/hard".
std::string GroupOf(const CaseScore& c);

}  // namespace antra::eval
