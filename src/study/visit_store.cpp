#include "study/visit_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/text_file.h"
#include "study/csv.h"
#include "study/safe_names.h"
#include "study/visit_json.h"

namespace antra {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPendingFolder = "automatic-pending";

// An exclusive lock on <visit folder>/.lock for the life of the object.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    fd_ = ::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FolderLock() {
    if (fd_ >= 0) {
      ::flock(fd_, LOCK_UN);
      ::close(fd_);
    }
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

Result<std::string> ReadText(const fs::path& path) {
  auto text = ReadTextFile(path);
  if (!text) return MakeError(text.error().code, "cannot read " + path.filename().string() + ": " + text.error().message);
  return text;
}

Result<VisitResult> LoadVisitFile(const fs::path& path) {
  auto text = ReadText(path);
  if (!text) return text.error();
  return ParseVisitJson(*text);
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

Status WriteOrRemoveKey(const fs::path& path, const std::optional<std::string>& png) {
  if (png) return WriteFileAtomically(path, *png);
  std::error_code ec;
  fs::remove(path, ec);
  return Status::Ok();
}

bool ParseVisitFolder(const std::string& name, int& number) {
  if (name.size() < 8 || name.rfind("visit-", 0) != 0) return false;
  number = 0;
  for (size_t i = 6; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    number = number * 10 + (name[i] - '0');
    if (number > 999) return false;
  }
  return true;
}

}  // namespace

const char* ToString(SaveOutcome outcome) {
  switch (outcome) {
    case SaveOutcome::kCreated: return "created";
    case SaveOutcome::kUpdated: return "updated";
    case SaveOutcome::kUnchanged: return "unchanged";
    case SaveOutcome::kStoredBeside: return "stored beside (needs review)";
  }
  return "unchanged";
}

std::string ResultsStore::VisitFolderName(int visit_number) {
  char name[32];
  std::snprintf(name, sizeof name, "visit-%02d", visit_number);
  return name;
}

Result<fs::path> ResultsStore::VisitDir(const std::string& subject_id, int visit_number) const {
  if (Status s = CheckSubjectId(subject_id); !s) return s.error();
  if (visit_number < 0 || visit_number > 999) return MakeError(ErrorCode::kInvalidArgument, "visit number out of range");
  return root_ / subject_id / VisitFolderName(visit_number);
}

Result<std::vector<VisitRef>> ResultsStore::ListVisits() const {
  std::vector<VisitRef> refs;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return MakeError(ErrorCode::kNotFound, "no results folder");
  for (const auto& subject : fs::directory_iterator(root_, ec)) {
    const std::string name = subject.path().filename().string();
    if (!subject.is_directory() || name == "private" || !IsSafeSubjectId(name)) continue;
    for (const auto& visit : fs::directory_iterator(subject.path(), ec)) {
      int number = 0;
      if (visit.is_directory() && ParseVisitFolder(visit.path().filename().string(), number) &&
          fs::exists(visit.path() / "visit.json")) {
        refs.push_back({name, number});
      }
    }
  }
  if (ec) return MakeError(ErrorCode::kIo, "cannot list results: " + ec.message());
  std::sort(refs.begin(), refs.end());
  return refs;
}

Result<VisitResult> ResultsStore::Load(const VisitRef& ref) const {
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  if (!dir) return dir.error();
  auto visit = LoadVisitFile(*dir / "visit.json");
  if (!visit) return visit.error();
  if (visit->subject_id != ref.subject_id || visit->visit_number != ref.visit_number) {
    return MakeError(ErrorCode::kCorrupt, "visit.json names another subject or visit than its folder");
  }
  return visit;
}

Result<std::vector<AuditEntry>> ResultsStore::LoadAudit(const VisitRef& ref) const {
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  if (!dir) return dir.error();
  std::vector<AuditEntry> entries;
  std::ifstream in(*dir / "audit.jsonl");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) return MakeError(ErrorCode::kCorrupt, "audit.jsonl line " + std::to_string(number) + " is not JSON");
    auto e = AuditFromJson(j);
    if (!e) return e.error();
    entries.push_back(std::move(*e));
  }
  return entries;
}

bool ResultsStore::HasPendingAutomatic(const VisitRef& ref) const {
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  return dir && fs::exists(*dir / kPendingFolder / "visit.json");
}

bool ResultsStore::HasKeyImages(const VisitRef& ref) const {
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  return dir && (fs::exists(*dir / "key-left.png") || fs::exists(*dir / "key-right.png"));
}

Result<VisitResult> ResultsStore::LoadPendingAutomatic(const VisitRef& ref) const {
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  if (!dir) return dir.error();
  return LoadVisitFile(*dir / kPendingFolder / "visit.json");
}

Status ResultsStore::AppendAudit(const fs::path& dir, const std::vector<AuditEntry>& entries) const {
  if (entries.empty()) return Status::Ok();
  std::string text;
  if (fs::exists(dir / "audit.jsonl")) {
    auto old = ReadText(dir / "audit.jsonl");
    if (!old) return old.error();
    text = std::move(*old);
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
  }
  // Append-only in content, atomic on disk: the old lines are rewritten
  // byte for byte with the new ones after them.
  for (const auto& e : entries) text += AuditToJson(e).dump() + "\n";
  return WriteFileAtomically(dir / "audit.jsonl", text);
}

Status ResultsStore::WriteVisitFiles(const fs::path& dir, const VisitResult& visit, const KeyImages* keys) const {
  // visit.json last: it is the commit point. A run killed part-way leaves the
  // old visit.json (or none) beside some new derived files, and the next run,
  // seeing an old fingerprint, writes everything again.
  if (Status s = WriteFileAtomically(dir / "follicles.csv", FolliclesCsv(visit)); !s) return s;
  if (keys) {
    if (Status s = WriteOrRemoveKey(dir / "key-left.png", keys->left_png); !s) return s;
    if (Status s = WriteOrRemoveKey(dir / "key-right.png", keys->right_png); !s) return s;
  }
  return WriteFileAtomically(dir / "visit.json", VisitJsonText(visit));
}

namespace {

// True when the last line of the trail already records this automatic
// transition (same action, target, before, after and revision): the save that
// wrote it was interrupted before visit.json, and the rerun must not record it
// twice.
bool TrailEndsWith(const fs::path& dir, const AuditEntry& entry) {
  auto text = ReadText(dir / "audit.jsonl");
  if (!text) return false;
  std::string_view t = *text;
  while (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  const size_t start = t.rfind('\n');
  auto last = nlohmann::json::parse(t.substr(start == std::string_view::npos ? 0 : start + 1), nullptr, false);
  if (last.is_discarded()) return false;
  auto e = AuditFromJson(last);
  return e && e->action == entry.action && e->target == entry.target && e->before == entry.before &&
         e->after == entry.after && e->revision == entry.revision;
}

}  // namespace

Status ResultsStore::AppendAutomaticAudit(const fs::path& dir, const AuditEntry& entry) const {
  if (TrailEndsWith(dir, entry)) return Status::Ok();
  return AppendAudit(dir, {entry});
}

Result<SaveOutcome> ResultsStore::SaveAutomatic(VisitResult visit, const KeyImages& keys, const std::string& who) {
  auto dir = VisitDir(visit.subject_id, visit.visit_number);
  if (!dir) return dir.error();
  FolderLock lock(*dir);
  if (!lock.ok()) return MakeError(ErrorCode::kIo, "cannot lock " + dir->string());
  visit.review = ReviewState{};
  visit.reviewer_changes = false;
  if (visit.automatic_fingerprint.empty()) visit.automatic_fingerprint = AutomaticFingerprint(visit);
  const fs::path visit_file = *dir / "visit.json";

  if (!fs::exists(visit_file)) {
    visit.revision = 1;
    AuditEntry created{UtcNowIso(), who, "create", "visit", nullptr,
                       {{"automatic_fingerprint", visit.automatic_fingerprint}}, "automatic run", visit.revision};
    if (Status s = AppendAutomaticAudit(*dir, created); !s) return s.error();
    if (Status s = WriteVisitFiles(*dir, visit, &keys); !s) return s.error();
    return SaveOutcome::kCreated;
  }

  auto existing = LoadVisitFile(visit_file);
  if (!existing) return MakeError(existing.error().code, "existing " + existing.error().message + " (left untouched)");

  if (existing->signed_off() || existing->reviewer_changes) {
    if (existing->automatic_fingerprint == visit.automatic_fingerprint) return SaveOutcome::kUnchanged;
    const fs::path pending = *dir / kPendingFolder;
    if (auto old = LoadVisitFile(pending / "visit.json"); old && old->automatic_fingerprint == visit.automatic_fingerprint) {
      return SaveOutcome::kUnchanged;
    }
    visit.revision = 0;
    AuditEntry flagged{UtcNowIso(), who, "automatic-result-pending", "visit",
                       {{"automatic_fingerprint", existing->automatic_fingerprint}},
                       {{"automatic_fingerprint", visit.automatic_fingerprint}},
                       std::string("new automatic result stored in ") + kPendingFolder + "/ beside a " +
                           (existing->signed_off() ? "signed-off" : "reviewer-edited") + " visit; needs review",
                       existing->revision};
    // Trail first, as everywhere: a crash in between leaves an entry without
    // the files, which the rerun completes (and does not record twice).
    if (Status s = AppendAutomaticAudit(*dir, flagged); !s) return s.error();
    if (Status s = WriteVisitFiles(pending, visit, &keys); !s) return s.error();
    return SaveOutcome::kStoredBeside;
  }

  if (existing->automatic_fingerprint == visit.automatic_fingerprint) {
    // Same result; restore derived files a crash or a person may have removed.
    if (!fs::exists(*dir / "follicles.csv")) {
      if (Status s = WriteFileAtomically(*dir / "follicles.csv", FolliclesCsv(*existing)); !s) return s.error();
    }
    // A pending result beside an unreviewed visit is what an update or an
    // adoption killed before its last step left behind.
    std::error_code ec;
    fs::remove_all(*dir / kPendingFolder, ec);
    return SaveOutcome::kUnchanged;
  }
  visit.revision = existing->revision + 1;
  AuditEntry updated{UtcNowIso(), who, "automatic-update", "visit",
                     {{"automatic_fingerprint", existing->automatic_fingerprint}},
                     {{"automatic_fingerprint", visit.automatic_fingerprint}}, "automatic run with new inputs or software",
                     visit.revision};
  if (Status s = AppendAutomaticAudit(*dir, updated); !s) return s.error();
  if (Status s = WriteVisitFiles(*dir, visit, &keys); !s) return s.error();
  std::error_code ec;
  fs::remove_all(*dir / kPendingFolder, ec);
  return SaveOutcome::kUpdated;
}

Status ResultsStore::SaveReviewed(const VisitEditor& editor, const KeyImages* keys) {
  const VisitResult& visit = editor.visit();
  if (editor.audit().empty()) return Status::Ok();
  auto dir = VisitDir(visit.subject_id, visit.visit_number);
  if (!dir) return dir.error();
  FolderLock lock(*dir);
  if (!lock.ok()) return MakeError(ErrorCode::kIo, "cannot lock " + dir->string());
  auto on_disk = LoadVisitFile(*dir / "visit.json");
  if (!on_disk) return on_disk.error();
  const int started_from = visit.revision - static_cast<int>(editor.audit().size());
  if (on_disk->revision != started_from) {
    return MakeError(ErrorCode::kInvalidArgument, "visit was saved by someone else since it was opened (revision " +
                                                      std::to_string(on_disk->revision) + ", edits start from " +
                                                      std::to_string(started_from) + "); reload it");
  }
  // Trail first: a crash between the two leaves an entry whose revision is
  // ahead of visit.json, which is visible, never a silent change.
  if (Status s = AppendAudit(*dir, editor.audit()); !s) return s;
  return WriteVisitFiles(*dir, visit, keys);
}

Status ResultsStore::AdoptPendingAutomatic(const VisitRef& ref, const std::string& who, const std::string& reason) {
  if (who.empty() || reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "adopting needs a name and a reason");
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  if (!dir) return dir.error();
  FolderLock lock(*dir);
  auto current = LoadVisitFile(*dir / "visit.json");
  if (!current) return current.error();
  if (current->signed_off()) return MakeError(ErrorCode::kInvalidArgument, "visit is signed off; reopen it first");
  const fs::path pending = *dir / kPendingFolder;
  auto incoming = LoadVisitFile(pending / "visit.json");
  if (!incoming) return MakeError(ErrorCode::kNotFound, "no pending automatic result");
  incoming->revision = current->revision + 1;
  incoming->review = ReviewState{};
  incoming->reviewer_changes = false;
  AuditEntry e{UtcNowIso(), who, "adopt-automatic-result", "visit",
               {{"automatic_fingerprint", current->automatic_fingerprint}},
               {{"automatic_fingerprint", incoming->automatic_fingerprint}}, reason, incoming->revision};
  if (Status s = AppendAudit(*dir, {e}); !s) return s;
  KeyImages keys;
  if (auto l = ReadText(pending / "key-left.png")) keys.left_png = *l;
  if (auto r = ReadText(pending / "key-right.png")) keys.right_png = *r;
  if (Status s = WriteVisitFiles(*dir, *incoming, &keys); !s) return s;
  std::error_code ec;
  fs::remove_all(pending, ec);
  return Status::Ok();
}

Status ResultsStore::DiscardPendingAutomatic(const VisitRef& ref, const std::string& who, const std::string& reason) {
  if (who.empty() || reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "discarding needs a name and a reason");
  auto dir = VisitDir(ref.subject_id, ref.visit_number);
  if (!dir) return dir.error();
  FolderLock lock(*dir);
  auto current = LoadVisitFile(*dir / "visit.json");
  if (!current) return current.error();
  auto pending = LoadVisitFile(*dir / kPendingFolder / "visit.json");
  if (!pending) return MakeError(ErrorCode::kNotFound, "no pending automatic result");
  AuditEntry e{UtcNowIso(), who, "discard-automatic-result", "visit",
               {{"automatic_fingerprint", pending->automatic_fingerprint}}, nullptr, reason, current->revision};
  if (Status s = AppendAudit(*dir, {e}); !s) return s;
  std::error_code ec;
  fs::remove_all(*dir / kPendingFolder, ec);
  return Status::Ok();
}

std::string FolliclesCsv(const VisitResult& visit) {
  std::string text = CsvLine({"subject_id", "visit", "side", "follicle_id", "long_mm", "short_mm", "mean_mm", "bin",
                              "counted_in_afc", "origin", "sop_instance_uid", "frame", "review_status"});
  for (Side side : {Side::kLeft, Side::kRight}) {
    const OvaryResult& ovary = visit.ovary(side);
    for (const auto& f : ovary.follicles) {
      text += CsvLine({CsvField(visit.subject_id), std::to_string(visit.visit_number), ToString(side), CsvField(f.id),
                       Number(f.long_mm), Number(f.short_mm), Number(f.mean_mm()), ToString(f.bin()),
                       f.counted_in_afc() ? "yes" : "no", ToString(f.origin), CsvField(f.sop_instance_uid),
                       std::to_string(f.frame), ToString(visit.review.status)});
    }
  }
  return text;
}

}  // namespace antra
