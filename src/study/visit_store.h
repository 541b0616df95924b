#pragma once
// The results folder: one folder per visit, results/<subject>/visit-<nn>/,
// holding visit.json, audit.jsonl (append-only), follicles.csv and the key
// images key-left.png / key-right.png. Every file is written atomically
// (temporary file, fsync, rename), and each save holds a lock on the visit
// folder so the batch and the viewer never interleave.
//
// The sign-off rule lives here, not in any command: an automatic run never
// overwrites a visit that a reviewer has signed off or edited. Its new result
// goes beside it, to visit-<nn>/automatic-pending/, and is flagged in the
// audit trail for the reviewer.
//
// Nothing here ever holds a PatientName, PatientID or birth date; those live
// only in results/private/.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "study/visit.h"
#include "study/visit_edit.h"

namespace antra {

struct KeyImages {
  std::optional<std::string> left_png;   // PNG bytes, already masked (study/key_image.h)
  std::optional<std::string> right_png;
};

enum class SaveOutcome {
  kCreated,          // first result for this visit
  kUpdated,          // automatic result replaced an unreviewed automatic one
  kUnchanged,        // same automatic result as before: nothing written
  kStoredBeside,     // visit is signed off or edited: new result in automatic-pending/
};
const char* ToString(SaveOutcome outcome);

struct VisitRef {
  std::string subject_id;
  int visit_number = 0;
  auto operator<=>(const VisitRef&) const = default;
};

class ResultsStore {
 public:
  explicit ResultsStore(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path PrivateDir() const { return root_ / "private"; }
  // Refuses unsafe subject IDs and visit numbers outside 0..999.
  Result<std::filesystem::path> VisitDir(const std::string& subject_id, int visit_number) const;
  static std::string VisitFolderName(int visit_number);

  // Every visit folder with a visit.json, sorted by subject then visit.
  Result<std::vector<VisitRef>> ListVisits() const;
  Result<VisitResult> Load(const VisitRef& ref) const;
  Result<std::vector<AuditEntry>> LoadAudit(const VisitRef& ref) const;
  bool HasPendingAutomatic(const VisitRef& ref) const;
  // Whether the visit folder holds a key image (the run that made it drew them).
  bool HasKeyImages(const VisitRef& ref) const;
  Result<VisitResult> LoadPendingAutomatic(const VisitRef& ref) const;

  // Stores an automatic result (see the rule above). `who` names the run in
  // the audit trail, e.g. "antra 0.1.0 batch".
  Result<SaveOutcome> SaveAutomatic(VisitResult visit, const KeyImages& keys, const std::string& who);

  // Stores a reviewer's edits: appends the editor's audit entries, then
  // writes the visit. Refuses when the visit on disk is not the revision the
  // edits started from (someone else saved in between). Key images are
  // replaced when given, kept otherwise.
  Status SaveReviewed(const VisitEditor& editor, const KeyImages* keys = nullptr);

  // Replaces an unsigned visit with its pending automatic result (the
  // reviewer's edits are dropped, with an audit entry), or drops the pending
  // result. Both need a name and a reason.
  Status AdoptPendingAutomatic(const VisitRef& ref, const std::string& who, const std::string& reason);
  Status DiscardPendingAutomatic(const VisitRef& ref, const std::string& who, const std::string& reason);

 private:
  Status WriteVisitFiles(const std::filesystem::path& dir, const VisitResult& visit, const KeyImages* keys) const;
  Status AppendAudit(const std::filesystem::path& dir, const std::vector<AuditEntry>& entries) const;
  // An automatic run's entry, unless the trail already ends with it (a rerun
  // after a crash between the trail and visit.json).
  Status AppendAutomaticAudit(const std::filesystem::path& dir, const AuditEntry& entry) const;

  std::filesystem::path root_;
};

// follicles.csv for one visit (one row per follicle of both ovaries).
std::string FolliclesCsv(const VisitResult& visit);

}  // namespace antra
