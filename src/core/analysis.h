#pragma once
// What the pipeline finds in an image: plain data shared by the pipeline (which
// fills it), the cine linker, the study model, exports and the viewer. JSON
// form: io/analysis_json.h, documented in docs/schemas/analysis.schema.json.
//
// Millimetre fields are empty (std::nullopt) when the frame is uncalibrated:
// pixel sizes are always present, millimetres only when they are known.

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/calibration.h"

namespace antra {

// AFC size classes by mean diameter (mm). Follicles under 2 mm are not counted.
inline constexpr double kAfcMinMm = 2.0;
inline constexpr double kAfcSplitMm = 6.0;
inline constexpr double kAfcMaxMm = 10.0;

enum class SizeBin { kUnder2, k2ToUnder6, k6To10, kOver10 };
SizeBin BinOf(double mean_diameter_mm);
const char* ToString(SizeBin bin);

struct SizeCounts {
  int under_2 = 0;      // seen, too small to count
  int from_2_to_6 = 0;  // 2 <= d < 6
  int from_6_to_10 = 0; // 6 <= d <= 10
  int over_10 = 0;      // d > 10
  int afc() const { return from_2_to_6 + from_6_to_10; }
  void Add(double mean_diameter_mm);
  bool operator==(const SizeCounts&) const = default;
};

// A caliper: a segment between two points in full-image pixel coordinates.
struct Caliper {
  cv::Point2d a, b;
  double LengthPx() const;
};

enum class FollicleOrigin { kAutomatic, kEdited, kAdded };
const char* ToString(FollicleOrigin origin);

struct FollicleMeasurement {
  cv::Point2d center_px;            // x = column, full-image pixels
  std::vector<cv::Point> contour_px;  // inner edge of the wall, closed polygon
  Caliper long_axis;                // longest chord of the lumen
  Caliper short_axis;               // longest chord perpendicular to it
  double area_px = 0;
  // Millimetres (empty when uncalibrated).
  std::optional<double> long_mm, short_mm;
  std::optional<double> mean_mm;    // (long + short) / 2, what scanners print as MD
  std::optional<double> area_mm2;
  std::optional<double> area_equivalent_diameter_mm;  // 2 sqrt(area / pi)
  double confidence = 0;            // 0..1
  FollicleOrigin origin = FollicleOrigin::kAutomatic;
};

struct Follicle : FollicleMeasurement {
  int id = 0;  // unique within its frame (or within the image for cine follicles)
};

struct OvaryMeasurement {
  std::vector<cv::Point> contour_px;
  cv::Point2d center_px;
  Caliper long_axis, short_axis;
  std::optional<double> long_mm, short_mm;
  double confidence = 0;
  // "estimated" by the pipeline, or "given" (outlined by a reader or taken
  // from a mask: then only follicles inside it are reported).
  std::string source = "estimated";
};

struct FrameAnalysis {
  int index = 0;
  std::vector<Follicle> follicles;
  std::optional<SizeCounts> counts;       // empty when uncalibrated
  std::optional<OvaryMeasurement> ovary;  // empty when no ovary was found
  std::vector<std::string> notes;         // e.g. "uncalibrated: no mm sizes, no AFC"
};

// A follicle counted once across a cine sweep (issue: cine linking).
struct CineFollicle {
  struct Appearance {
    int frame = 0;
    cv::Point2d center_px;
    int follicle_id = 0;  // the Follicle::id of this cross-section in that frame
  };
  int id = 0;
  std::vector<Appearance> appearances;
  int best_frame = 0;                  // where its cross-section is largest
  FollicleMeasurement at_best_frame;   // sizes there
};

// The full result for one image file.
struct ImageAnalysis {
  std::string schema = "antra-analysis/1";
  std::string software_version;
  std::string path;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  int width = 0, height = 0, frame_count = 0;
  Calibration calibration = Calibration::Uncalibrated("not analysed");
  std::vector<FrameAnalysis> frames;
  std::vector<CineFollicle> cine_follicles;  // filled for multi-frame files
  std::optional<SizeCounts> counts;          // image-level: unique follicles for cine, else frame 0
  std::string counts_source;                 // "unique-follicles", "single-frame" or "" (uncalibrated)
  std::string parameters_hash;               // of the pipeline options used
  std::vector<std::string> notes;
};

}  // namespace antra
