#pragma once
// The review of one open image: its current state, undo/redo, and the log of
// every edit made in this session (the audit trail written at sign-off).

#include <functional>
#include <string>
#include <vector>

#include "core/calibration.h"
#include "core/dates.h"
#include "viewer/history.h"
#include "viewer/review_model.h"
#include "viewer/review_state.h"

namespace antra::viewer {

struct EditRecord {
  std::string time_utc;     // ISO 8601, e.g. 2026-11-24T10:15:03Z
  std::string action;       // "edit", "undo", "redo", "analysis"
  std::string description;  // e.g. "reject follicle #3"
};

// The review of one image on its own (no study visit).
class ReviewSession : public ReviewModel {
 public:
  using Clock = std::function<std::string()>;

  ReviewSession(ReviewState initial, Calibration calibration, Clock clock = UtcNowIso);

  const ReviewState& state() const override { return history_.current(); }
  const Calibration& calibration() const override { return calibration_; }

  // Records an edit; an edit that changes nothing is ignored.
  bool Commit(const std::string& description, ReviewState next) override;
  bool Undo() override;
  bool Redo() override;
  bool CanUndo() const override { return history_.CanUndo(); }
  bool CanRedo() const override { return history_.CanRedo(); }
  std::string UndoDescription() const override { return history_.UndoDescription(); }
  std::string RedoDescription() const override { return history_.RedoDescription(); }

  // The automatic analysis arrived: its follicles join the review (the
  // reader's calipers and added follicles are kept). Not undoable.
  void MergeAnalysis(const ReviewState& from_analysis, const std::string& note);
  // A new analysis the reader asked for (the ovary given): its follicles
  // replace the automatic ones still pending; the reader's decisions, added
  // follicles and calipers stay, and a new detection inside a follicle kept
  // on the same frame is not added again. The review takes the analysis's
  // ovary box (`from_analysis.ovary_box_px`). Not undoable; logged, and unsaved.
  void ReplaceAnalysis(const ReviewState& from_analysis, const std::string& note);
  // The analysis found a scale the file lacks (the burned-in depth ruler):
  // millimetres are recomputed with it. Not undoable; logged.
  void AdoptCalibration(Calibration calibration, const std::string& note);

  const std::vector<EditRecord>& edits() const { return edits_; }
  // Edits since the last save.
  bool dirty() const { return dirty_; }
  void MarkSaved() { dirty_ = false; }

 private:
  void Log(const std::string& action, const std::string& description);

  History<ReviewState> history_;
  Calibration calibration_;
  Clock clock_;
  std::vector<EditRecord> edits_;
  bool dirty_ = false;
};

bool SameReview(const ReviewState& a, const ReviewState& b);

}  // namespace antra::viewer
