#pragma once
// Ground truth for one generated image (a still or a cine sweep), as written by
// the phantom generator (tools/phantom) beside each image as <stem>.truth.json
// and read by the scorer. JSON form: eval/truth_json.h, documented in
// docs/schemas/truth.schema.json and docs/phantom.md.
//
// Every size here was measured on the physical lumen geometry the generator
// rendered (the ellipsoid cut by the frame plane, flattened where follicles
// press against each other), never on pixels.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/types.hpp>

#include "core/analysis.h"

namespace antra::eval {

inline constexpr const char* kTruthSchema = "antra-phantom-truth/1";

// The truth's own visibility rule: a cross-section counts (for recall and for
// the true AFC) when at least this share of its lumen lies inside the fan and
// outside acoustic shadows. Smaller shares are listed but not required.
inline constexpr double kDefaultMinVisibleFraction = 0.5;

// One follicle as cut by one frame's plane.
struct TruthCrossSection {
  int follicle_id = 0;             // the same id in every frame of a sweep
  cv::Point2d center_px;           // centroid of the lumen, full-image pixels
  double long_mm = 0;              // longest chord of the lumen
  double short_mm = 0;             // longest chord perpendicular to it
  double mean_mm = 0;              // (long + short) / 2
  double area_mm2 = 0;
  Caliper long_axis_px, short_axis_px;  // where those chords lie, in pixels
  double visible_fraction = 1;     // lumen share inside the fan and out of shadow
  std::vector<int> touching;       // ids of follicles it is flattened against
  std::vector<cv::Point2d> contour_px;  // lumen outline (closed polygon)
};

struct TruthOvarySection {
  cv::Point2d center_px;
  double long_mm = 0, short_mm = 0;
  std::vector<cv::Point2d> contour_px;
};

struct TruthFrame {
  int index = 0;
  std::vector<TruthCrossSection> follicles;  // mean diameter >= 1.5 mm only
  std::optional<TruthOvarySection> ovary;    // empty when the plane misses it
  SizeCounts counts;                         // visible cross-sections by bin
};

// A follicle counted once across a sweep, sized where its visible
// cross-section is largest.
struct TruthUniqueFollicle {
  struct Appearance {
    int frame = 0;
    cv::Point2d center_px;
  };
  int id = 0;
  bool visible = false;       // some frame shows it with enough visible lumen
  int best_frame = -1;        // frame of the largest visible cross-section
  double long_mm = 0, short_mm = 0, mean_mm = 0;  // at best_frame
  std::vector<Appearance> frames;  // every frame listing it (any visibility)
};

struct TruthCase {
  std::string schema = kTruthSchema;
  std::string generator_version;
  std::string stem;            // file name without extension
  std::string image_file;      // the image beside this truth (file name only)
  std::string kind = "still";  // "still" or "cine"
  std::string difficulty;      // "easy", "medium", "hard"
  std::uint64_t seed = 0;
  int width = 0, height = 0, frame_count = 1;
  double mm_per_px_x = 0, mm_per_px_y = 0;
  std::vector<TruthFrame> frames;
  std::vector<TruthUniqueFollicle> unique_follicles;  // cine only
  SizeCounts counts;           // still: frame 0; cine: unique follicles
  // Generator details for debugging false positives (probe, ovary in 3D,
  // look-alikes, overlays, imaging parameters); the scorer does not read them.
  nlohmann::json scene = nlohmann::json::object();
};

// Mean of two diameters, the size every count uses.
inline double MeanDiameter(double long_mm, double short_mm) { return 0.5 * (long_mm + short_mm); }

}  // namespace antra::eval
