#pragma once
// What the reader has done to one image: manual calipers, and the follicles
// under review (detections from the analysis plus the ones the reader added),
// each with a decision and an ovary side. Plain data, copied whole into the
// undo history; every change goes through the pure functions below so that
// the preview while dragging and the committed edit are computed the same way.

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/analysis.h"
#include "core/calibration.h"

namespace antra::viewer {

// A measurement the reader made with two clicks (not a follicle).
struct ManualCaliper {
  int id = 0;
  int frame = 0;
  Caliper line;
  bool operator==(const ManualCaliper& o) const {
    return id == o.id && frame == o.frame && line.a == o.line.a && line.b == o.line.b;
  }
};

enum class Decision { kPending, kAccepted, kRejected };
const char* ToString(Decision decision);

struct ReviewedFollicle {
  int id = 0;         // unique within the review, shown to the reader as #id
  int source_id = -1; // the follicle (or cine follicle) id in the analysis; -1 when added by the reader
  int frame = 0;      // frame it is measured on (the largest cross-section for a cine follicle)
  FollicleMeasurement measurement;
  Decision decision = Decision::kPending;
  std::string side;   // "L", "R", or "" to follow the image's side
};

struct ReviewState {
  std::string image_side;  // ovary of the whole image: "L", "R" or "" (unknown)
  std::vector<ManualCaliper> calipers;
  std::vector<ReviewedFollicle> follicles;
  int next_id = 1;
  // The box the reader drew around the ovary (full-image pixels), when the
  // follicles under review come from the analysis with that ovary given.
  std::optional<cv::Rect> ovary_box_px;

  const ReviewedFollicle* FindFollicle(int id) const;
  ReviewedFollicle* FindFollicle(int id);
  const ManualCaliper* FindCaliper(int id) const;
};

// The follicles of an analysis, ready for review: the unique cine follicles at
// their best frame for a cine sweep (counted once), otherwise every follicle
// of every frame. The side starts as the image's laterality.
ReviewState ReviewFromAnalysis(const ImageAnalysis& analysis, const std::string& laterality);

// Millimetres from the calipers: long, short, mean (MD) and area, through the
// image calibration (region-aware). Empty when uncalibrated or when a caliper
// spans two regions.
void Remeasure(FollicleMeasurement& m, const Calibration& calibration);

// A follicle from two calipers placed by the reader, like on a scanner: the
// longer one becomes the long axis. The outline is the ellipse they span.
FollicleMeasurement MeasurementFromCalipers(const Caliper& first, const Caliper& second,
                                            const Calibration& calibration);

// Points of an ellipse with the two calipers as axes (for outlines of added
// or edited follicles, whose original outline no longer matches).
std::vector<cv::Point> EllipseFromCalipers(const Caliper& long_axis, const Caliper& short_axis);

// A grabbable point: a caliper end or one of a follicle's four caliper ends.
struct HandleRef {
  enum class Kind { kCaliper, kFollicle };
  Kind kind = Kind::kCaliper;
  int id = 0;
  int point = 0;  // caliper: 0 = a, 1 = b; follicle: 0,1 = long a,b; 2,3 = short a,b
  bool operator==(const HandleRef&) const = default;
};

cv::Point2d HandlePosition(const ReviewState& state, const HandleRef& handle);
// The handle nearest `image_point` on `frame` within `radius_px` image pixels.
std::optional<HandleRef> HitTestHandle(const ReviewState& state, int frame, cv::Point2d image_point, double radius_px);
// The follicle on `frame` whose outline contains the point (smallest first).
std::optional<int> HitTestFollicle(const ReviewState& state, int frame, cv::Point2d image_point);

// Pure edits: each returns the new state.
ReviewState WithHandleMoved(const ReviewState& state, const HandleRef& handle, cv::Point2d to,
                            const Calibration& calibration);
ReviewState WithCaliperAdded(const ReviewState& state, int frame, const Caliper& line, int* new_id = nullptr);
ReviewState WithFollicleAdded(const ReviewState& state, int frame, const Caliper& first, const Caliper& second,
                              const Calibration& calibration, int* new_id = nullptr);
ReviewState WithDecision(const ReviewState& state, int follicle_id, Decision decision);
ReviewState WithFollicleSide(const ReviewState& state, int follicle_id, const std::string& side);
ReviewState WithImageSide(const ReviewState& state, const std::string& side);
ReviewState WithFollicleDeleted(const ReviewState& state, int follicle_id);
// The reader's box around the ovary, kept in the state, with the follicles
// still pending whose centre lies outside it rejected; accepted ones stay.
// `rejected`: how many.
ReviewState WithPendingOutsideRejected(const ReviewState& state, const cv::Rect& box, int* rejected = nullptr);
ReviewState WithCaliperDeleted(const ReviewState& state, int caliper_id);

// The side a follicle counts for: its own, else the image's.
std::string EffectiveSide(const ReviewState& state, const ReviewedFollicle& follicle);

// Live antral follicle count of the review: every follicle not rejected,
// binned by mean diameter, per ovary. Follicles without millimetres (an
// uncalibrated image, or a caliper across two panes) cannot be binned and are
// counted apart.
struct ReviewCounts {
  SizeCounts left, right, unassigned;
  int pending = 0;        // not yet accepted or rejected
  int rejected = 0;
  int without_mm = 0;     // not binned: no millimetres
  SizeCounts total() const;
};
ReviewCounts CountReview(const ReviewState& state);

}  // namespace antra::viewer
