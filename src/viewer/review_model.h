#pragma once
// What the image viewport edits. The reader's gestures (interaction.h) and the
// review shortcuts produce a new ReviewState and Commit() it; the model
// decides what that means: for a single image, a new step in its undo history
// (ReviewSession); for a scan of a study visit, audited edits of the visit
// through the study library (VisitScanReview). The overlay and the tools do
// not know which.

#include <string>

#include "core/calibration.h"
#include "viewer/review_state.h"

namespace antra::viewer {

class ReviewModel {
 public:
  virtual ~ReviewModel() = default;
  virtual const ReviewState& state() const = 0;
  virtual const Calibration& calibration() const = 0;
  // Applies an edit; returns false (and says why in last_error()) when the
  // model refused it, e.g. a signed-off visit waiting for a reason.
  virtual bool Commit(const std::string& description, ReviewState next) = 0;
  virtual bool Undo() = 0;
  virtual bool Redo() = 0;
  virtual bool CanUndo() const = 0;
  virtual bool CanRedo() const = 0;
  virtual std::string UndoDescription() const = 0;
  virtual std::string RedoDescription() const = 0;
  // Whether follicles may carry their own side (a visit assigns whole scans).
  virtual bool per_follicle_sides() const { return true; }
  virtual const std::string& last_error() const { return last_error_; }

 protected:
  std::string last_error_;
};

}  // namespace antra::viewer
