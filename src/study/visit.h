#pragma once
// One participant's visit: every scan imported for it, and per ovary the
// status, the counting scan, the follicles (two diameters each, and how each
// was found), the ovary diameters and volume, and the review state. This is
// the in-memory form of results/<subject>/visit-<nn>/visit.json
// (study/visit_json.h, docs/schemas/visit.schema.json).
//
// Derived numbers (counts, AFC, largest follicle, volume) are computed from
// the follicle list on demand, never stored separately, so an edit can never
// leave them out of step.

#include <optional>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/image.h"
#include "core/dates.h"
#include "study/laterality.h"

namespace antra {

inline constexpr const char* kVisitSchema = "antra-visit/1";
// Prolate ellipsoid factor for ovarian volume from three diameters (pi / 6).
inline constexpr double kEllipsoidFactor = 0.523;

struct VisitFollicle {
  std::string id;                // "L1", "R4", ...: stable within the visit
  std::string sop_instance_uid;  // image it was measured on
  int frame = 0;                 // frame of that image
  double long_mm = 0;            // longest inner chord
  double short_mm = 0;           // longest chord perpendicular to it
  cv::Point2d center_px;
  Caliper long_axis, short_axis;  // pixels in that frame
  double confidence = 0;
  FollicleOrigin origin = FollicleOrigin::kAutomatic;

  double mean_mm() const { return (long_mm + short_mm) / 2.0; }
  SizeBin bin() const { return BinOf(mean_mm()); }
  bool counted_in_afc() const { return mean_mm() >= kAfcMinMm && mean_mm() <= kAfcMaxMm; }
};

// Scan notes that a reviewer's choice of side removes.
inline constexpr const char* kLateralityUnknownNote = "laterality unknown: a reviewer must assign it";
inline constexpr const char* kNotOvaryNote = "not an ovary scan (series description): listed, not counted";

enum class ScanKind { kSweep, kStill };
const char* ToString(ScanKind kind);

struct ScanEntry {
  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string file_sha256;
  std::string study_date;          // ISO
  std::string series_description;  // printable, identity removed
  int width = 0, height = 0, frame_count = 1;
  Side side = Side::kUnknown;
  SideSource side_source = SideSource::kNone;
  bool calibrated = false;
  std::string calibration;         // source ("ultrasound-regions", ...) or why not
  bool analysed = false;           // an analysis was available
  std::string software_version;    // of the analysis
  std::string parameters_hash;     // of the pipeline options used
  bool ovary_found = false;
  std::optional<double> ovary_long_mm, ovary_short_mm;
  std::vector<VisitFollicle> follicles;  // candidates in mm (unique follicles for a sweep)
  int duplicate_imports = 0;       // further files with the same SOP Instance UID
  std::vector<std::string> notes;
  // Where a reviewer boxed the ovary on this scan (image pixels); the
  // follicles left outside it were deleted by their own audited edits.
  std::optional<cv::Rect> ovary_box_px;

  ScanKind kind() const { return frame_count > 1 ? ScanKind::kSweep : ScanKind::kStill; }
  bool usable_for_counting() const { return analysed && calibrated; }
  int afc_candidates() const;  // follicles of 2 to 10 mm
};

enum class OvaryStatus { kMeasured, kNotVisualised, kNotScanned };
const char* ToString(OvaryStatus status);  // "measured", "not-visualised", "not-scanned"
std::optional<OvaryStatus> OvaryStatusFromString(std::string_view text);

enum class CountingBasis { kNone, kLongestSweep, kStillWithMostFollicles, kReviewer };
const char* ToString(CountingBasis basis);  // "none", "longest-sweep", "still-with-most-follicles", "reviewer"
std::optional<CountingBasis> CountingBasisFromString(std::string_view text);

struct OvaryResult {
  Side side = Side::kUnknown;
  OvaryStatus status = OvaryStatus::kNotScanned;
  bool status_by_reviewer = false;
  std::string counting_scan;  // SOP Instance UID, empty when none
  CountingBasis basis = CountingBasis::kNone;
  bool counting_scan_is_still = false;
  bool counting_scan_calibrated = false;
  std::vector<VisitFollicle> follicles;
  int next_follicle_number = 1;
  std::optional<double> length_mm, width_mm, height_mm;  // ovary diameters
  std::string diameters_source;                          // "automatic", "reviewer" or ""
  std::vector<std::string> notes;

  // Empty unless the ovary is measured on a calibrated counting scan.
  std::optional<SizeCounts> Counts() const;
  std::optional<int> Afc() const;
  std::optional<double> LargestFollicleMm() const;
  // 0.523 x L x W x H in ml, when all three diameters are known.
  std::optional<double> VolumeMl() const;
  bool afc_from_single_frame() const { return Afc().has_value() && counting_scan_is_still; }
  const VisitFollicle* FindFollicle(const std::string& id) const;
};

enum class ReviewStatus { kUnreviewed, kSignedOff };
const char* ToString(ReviewStatus status);  // "unreviewed", "signed-off"

struct ReviewState {
  ReviewStatus status = ReviewStatus::kUnreviewed;
  std::string reviewer;   // who signed off
  std::string signed_at;  // ISO 8601 UTC
};

struct VisitResult {
  std::string subject_id;
  int visit_number = 0;
  std::string baseline_date;  // ISO
  int interval_days = 14;
  std::string software_version;  // of Antra that built the visit
  std::string automatic_fingerprint;  // of the automatic result this visit started from
  int revision = 0;                   // bumped by every save
  bool reviewer_changes = false;      // a reviewer edited it (automatic runs then keep away)
  std::vector<ScanEntry> scans;       // sorted by study date, then SOP Instance UID
  OvaryResult left, right;
  ReviewState review;
  std::vector<std::string> notes;

  OvaryResult& ovary(Side side);
  const OvaryResult& ovary(Side side) const;
  const ScanEntry* FindScan(const std::string& sop_instance_uid) const;
  ScanEntry* FindScan(const std::string& sop_instance_uid);

  std::string TargetDate() const;  // baseline + n x interval, ISO
  std::vector<std::string> ScanDates() const;  // distinct, sorted
  // Both ovaries' AFC added; empty unless both have one (a missing ovary
  // would make the total look lower than it is).
  std::optional<int> TotalAfc() const;
  std::optional<double> LargestFollicleMm() const;
  // True when every counting scan is calibrated (false also when none).
  bool Calibrated() const;
  bool signed_off() const { return review.status == ReviewStatus::kSignedOff; }
  std::string FolderName() const;  // "visit-01"
};

// ---- Building the automatic result ------------------------------------------

struct ScanInput {
  ImageInfo info;              // PatientIdentity is passed separately, never stored
  PatientIdentity identity;    // only to remove it from free text
  std::string file_sha256;
  SideDecision side;
  std::optional<ImageAnalysis> analysis;  // empty when the pipeline did not run or failed
  int duplicate_imports = 0;
};

struct VisitBuildInput {
  std::string subject_id;
  int visit_number = 0;
  Date baseline = Date::FromDays(0);
  int interval_days = 14;
  std::string software_version;
  std::vector<ScanInput> scans;
};

// The automatic visit: scans listed, counting scan chosen per ovary (longest
// calibrated, analysed sweep; else the still with the most follicles, marked
// "AFC from a single frame"), follicles adopted from it, statuses and ovary
// diameters filled, fingerprint set, revision 0, unreviewed.
VisitResult BuildAutomaticVisit(const VisitBuildInput& input);

// The scan the automatic rule would count for a side, or null.
const ScanEntry* ChooseCountingScan(const std::vector<ScanEntry>& scans, Side side);

// Makes `scan` the counting scan of `ovary`: its candidate follicles become the
// ovary's follicles with fresh IDs, the automatic ovary diameters are taken
// from it (a reviewer's diameters are kept).
void AdoptCountingScan(OvaryResult& ovary, const ScanEntry& scan, CountingBasis basis);

// An analysis' candidate follicles for its scan, as the automatic visit takes
// them (the unique follicles of a linked sweep at their best frames, else the
// frame with the most measured follicles), each with every frame and centre
// where the analysis saw it (one entry for a still).
struct CandidateFollicle {
  VisitFollicle follicle;
  std::vector<std::pair<int, cv::Point2d>> seen;
};
std::vector<CandidateFollicle> CandidateFollicles(const ImageAnalysis& analysis, const std::string& sop_instance_uid,
                                                  std::vector<std::string>& notes);

// Fills the automatic status of an ovary from its scans and counting scan.
void DecideAutomaticStatus(OvaryResult& ovary, const std::vector<ScanEntry>& scans);

}  // namespace antra
