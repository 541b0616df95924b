#pragma once
// Reviewing a study visit (antra-view --results RESULTS). The visit, its
// audited edits, sign-off and saving are the study library's (VisitEditor,
// ResultsStore: the same code `antra study`, `antra review` and the batch
// use); this file adds what a viewer needs around them:
//
//  * VisitSession: the open visit, who is reviewing and why, undo/redo of the
//    edits not yet saved (snapshots of the editor), saving, sign-off.
//  * VisitScanReview: one scan of the visit as the image viewport edits it (a
//    ReviewModel). It shows the ovary's follicles on its counting scan (or the
//    scan's own candidates elsewhere) and turns the reader's gestures into
//    VisitEditor calls: delete or reject -> DeleteFollicle, moved calipers ->
//    EditFollicle, two calipers -> AddFollicle, image side -> SetScanSide.

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "study/study_report.h"
#include "study/study_run.h"
#include "study/visit_edit.h"
#include "study/visit_store.h"
#include "viewer/history.h"
#include "viewer/review_model.h"

namespace antra::viewer {

std::string SideLetter(Side side);     // "L", "R", ""
Side SideFromLetter(const std::string& letter);

class VisitSession {
 public:
  using Clock = std::function<std::string()>;

  // Loads the visit, its audit trail and where its scans are (results/private/scan-paths.csv).
  static Result<std::unique_ptr<VisitSession>> Open(const std::filesystem::path& results_root, const VisitRef& ref,
                                                    Clock clock = UtcNowIso);

  const VisitRef& ref() const { return ref_; }
  const VisitResult& visit() const { return history_.current().visit(); }
  const std::vector<AuditEntry>& saved_audit() const { return saved_audit_; }
  const std::vector<AuditEntry>& unsaved_audit() const { return history_.current().audit(); }
  std::optional<std::filesystem::path> PathOf(const std::string& sop_instance_uid) const;
  bool pending_automatic() const { return pending_automatic_; }

  // Who edits (required for every edit and the sign-off) and why.
  std::string reviewer;
  std::string edit_reason = "reviewer correction in antra-view";
  // Why a signed-off visit is being changed: asked for, never defaulted.
  std::string reopen_reason;

  // What an edit still needs from the reader before it can be applied.
  enum class Missing { kNothing, kReviewer, kReopenReason };
  Missing MissingForEdit() const;

  // Applies `edit` to a copy of the editor; on success it becomes the current
  // state (one undo step). A signed-off visit is first reopened with
  // reopen_reason (audited).
  Status Apply(const std::string& description, const std::function<Status(VisitEditor&, const std::string& who,
                                                                          const std::string& reason)>& edit);
  bool Undo();
  bool Redo();
  bool CanUndo() const { return history_.CanUndo(); }
  bool CanRedo() const { return history_.CanRedo(); }
  std::string UndoDescription() const { return history_.UndoDescription(); }
  std::string RedoDescription() const { return history_.RedoDescription(); }
  bool dirty() const { return !unsaved_audit().empty(); }
  // Bumped by every change, so views of the visit know to refresh.
  int change_count() const { return change_count_; }

  // Writes the visit folder (visit.json, audit.jsonl, follicles.csv) through
  // ResultsStore::SaveReviewed, then reloads it: the saved edits leave the
  // undo history.
  Status Save();
  // Why the last save wrote no key image for an ovary (its counting scan
  // could not be reopened or drawn); empty when both were drawn.
  const std::vector<std::string>& key_image_notes() const { return key_image_notes_; }
  // Signs off (with the reviewer's name) and saves.
  Status SignOff();

 private:
  VisitSession(std::filesystem::path root, VisitRef ref, VisitResult visit, std::vector<AuditEntry> audit,
               std::map<std::string, std::filesystem::path> scan_paths, bool pending, Clock clock);
  Status Reload();

  std::filesystem::path root_;
  VisitRef ref_;
  History<VisitEditor> history_;
  std::vector<AuditEntry> saved_audit_;
  std::map<std::string, std::filesystem::path> scan_paths_;
  bool pending_automatic_ = false;
  Clock clock_;
  int change_count_ = 0;
  std::vector<std::string> key_image_notes_;
};

class VisitScanReview : public ReviewModel {
 public:
  VisitScanReview(VisitSession& session, std::string sop_instance_uid, Calibration calibration);

  const ReviewState& state() const override;
  const Calibration& calibration() const override { return calibration_; }
  bool Commit(const std::string& description, ReviewState next) override;
  bool Undo() override { return session_.Undo(); }
  bool Redo() override { return session_.Redo(); }
  bool CanUndo() const override { return session_.CanUndo(); }
  bool CanRedo() const override { return session_.CanRedo(); }
  std::string UndoDescription() const override { return session_.UndoDescription(); }
  std::string RedoDescription() const override { return session_.RedoDescription(); }
  bool per_follicle_sides() const override { return false; }

  const std::string& sop_instance_uid() const { return uid_; }
  Side side() const;
  // Whether this scan is the counting scan of its ovary (edits count).
  bool is_counting_scan() const;
  // The visit's follicle ID ("L3") behind a follicle of state().
  std::string VisitFollicleId(int follicle_id) const;

  // The reader's box around the ovary on this scan (`next`: the state with
  // the box, and on the counting scan the pending follicles outside it
  // rejected) together with the scan analysed with that box given: one visit
  // edit and one undo step. The analysis's follicles go through
  // VisitEditor::ApplyOvaryBoxAnalysis (new ones added on the counting scan,
  // none a reviewer deleted before). Without an analysis (no pipeline, or it
  // failed) the box and rejections only. Waits like Commit when the
  // reviewer's name or a reopen reason is missing.
  bool CommitOvaryBox(const std::string& description, ReviewState next, std::optional<ImageAnalysis> analysis);
  // How many follicles the last committed box analysis added.
  int box_follicles_added() const { return box_follicles_added_; }

  // An edit refused for want of the reviewer's name or a reopen reason waits
  // here; the viewer asks for what is missing, then retries it.
  bool has_pending_edit() const { return pending_.has_value(); }
  bool RetryPendingEdit();
  void DropPendingEdit() { pending_.reset(); }

 private:
  ReviewState Project() const;
  Status ApplyDifference(const ReviewState& now, const ReviewState& next, VisitEditor& editor, const std::string& who,
                         const std::string& reason) const;

  VisitSession& session_;
  std::string uid_;
  Calibration calibration_;
  std::vector<ManualCaliper> calipers_;  // the reader's own measurements: not part of the visit
  std::set<int> accepted_;               // ticked while reviewing; sign-off accepts them all
  mutable ReviewState cache_;
  mutable int cached_change_ = -1;
  mutable std::map<int, std::string> visit_ids_;
  struct PendingEdit {
    std::string description;
    ReviewState next;
    std::optional<ImageAnalysis> box_analysis;
  };
  bool CommitWithAnalysis(const std::string& description, ReviewState next, std::optional<ImageAnalysis> analysis);
  std::optional<PendingEdit> pending_;
  int local_changes_ = 0;
  int box_follicles_added_ = 0;
};

// The worklist of a results folder: every visit, unreviewed first.
struct WorklistVisit {
  std::string subject_id;
  VisitSummary summary;
};
Result<std::vector<WorklistVisit>> LoadWorklist(const std::filesystem::path& results_root);

}  // namespace antra::viewer
