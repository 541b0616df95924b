#include "viewer/review_session.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace antra::viewer {

namespace {

bool SameCaliper(const Caliper& a, const Caliper& b) { return a.a == b.a && a.b == b.b; }

bool SameFollicle(const ReviewedFollicle& a, const ReviewedFollicle& b) {
  return a.id == b.id && a.frame == b.frame && a.decision == b.decision && a.side == b.side &&
         SameCaliper(a.measurement.long_axis, b.measurement.long_axis) &&
         SameCaliper(a.measurement.short_axis, b.measurement.short_axis);
}

}  // namespace

bool SameReview(const ReviewState& a, const ReviewState& b) {
  if (a.image_side != b.image_side || a.calipers != b.calipers || a.follicles.size() != b.follicles.size()) {
    return false;
  }
  for (size_t i = 0; i < a.follicles.size(); ++i) {
    if (!SameFollicle(a.follicles[i], b.follicles[i])) return false;
  }
  return true;
}

ReviewSession::ReviewSession(ReviewState initial, Calibration calibration, Clock clock)
    : history_(std::move(initial)), calibration_(std::move(calibration)), clock_(std::move(clock)) {}

bool ReviewSession::Commit(const std::string& description, ReviewState next) {
  if (SameReview(next, state())) return true;
  history_.Commit(description, std::move(next));
  Log("edit", description);
  return true;
}

bool ReviewSession::Undo() {
  auto description = history_.Undo();
  if (description) Log("undo", *description);
  return description.has_value();
}

bool ReviewSession::Redo() {
  auto description = history_.Redo();
  if (description) Log("redo", *description);
  return description.has_value();
}

void ReviewSession::MergeAnalysis(const ReviewState& from_analysis, const std::string& note) {
  ReviewState merged = from_analysis;
  const ReviewState& now = state();
  // Renumber the detections after what the reader already has, so ids stay unique.
  const int offset = now.next_id - 1;
  for (auto& f : merged.follicles) f.id += offset;
  merged.next_id = from_analysis.next_id + offset;
  if (!now.image_side.empty()) merged.image_side = now.image_side;
  merged.calipers = now.calipers;
  merged.ovary_box_px = now.ovary_box_px;
  for (const auto& f : now.follicles) merged.follicles.push_back(f);
  history_.Reset(std::move(merged));
  edits_.push_back({clock_(), "analysis", note});
}

void ReviewSession::ReplaceAnalysis(const ReviewState& from_analysis, const std::string& note) {
  const ReviewState& now = state();
  ReviewState merged;
  merged.image_side = now.image_side;
  merged.calipers = now.calipers;
  merged.next_id = now.next_id;
  merged.ovary_box_px = from_analysis.ovary_box_px;  // the box this analysis was given
  for (const auto& f : now.follicles) {
    const bool automatic_undecided = f.source_id >= 0 && f.decision == Decision::kPending;
    if (!automatic_undecided) merged.follicles.push_back(f);
  }
  const std::size_t kept = merged.follicles.size();
  for (ReviewedFollicle f : from_analysis.follicles) {
    const bool already_there = std::any_of(merged.follicles.begin(), merged.follicles.begin() + std::ptrdiff_t(kept),
                                           [&](const ReviewedFollicle& k) {
                                             return k.frame == f.frame && k.measurement.contour_px.size() >= 3 &&
                                                    cv::pointPolygonTest(k.measurement.contour_px,
                                                                         cv::Point2f(f.measurement.center_px),
                                                                         false) >= 0;
                                           });
    if (already_there) continue;
    f.id = merged.next_id++;
    merged.follicles.push_back(std::move(f));
  }
  history_.Reset(std::move(merged));
  edits_.push_back({clock_(), "analysis", note});
  dirty_ = true;
}

void ReviewSession::AdoptCalibration(Calibration calibration, const std::string& note) {
  calibration_ = std::move(calibration);
  ReviewState remeasured = state();
  for (auto& f : remeasured.follicles) Remeasure(f.measurement, calibration_);
  history_.Reset(std::move(remeasured));
  edits_.push_back({clock_(), "calibration", note});
}

void ReviewSession::Log(const std::string& action, const std::string& description) {
  edits_.push_back({clock_(), action, description});
  dirty_ = true;
}

}  // namespace antra::viewer
