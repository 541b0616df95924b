#include "viewer/visit_review.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "study/study_index.h"

namespace antra::viewer {

std::string SideLetter(Side side) {
  switch (side) {
    case Side::kLeft: return "L";
    case Side::kRight: return "R";
    case Side::kUnknown: return "";
    case Side::kNotOvary: return "";  // the image's review state knows only ovaries
  }
  return "";
}

Side SideFromLetter(const std::string& letter) {
  if (letter == "L") return Side::kLeft;
  if (letter == "R") return Side::kRight;
  return Side::kUnknown;
}

// ---- VisitSession -----------------------------------------------------------

Result<std::unique_ptr<VisitSession>> VisitSession::Open(const std::filesystem::path& root, const VisitRef& ref,
                                                         Clock clock) {
  ResultsStore store(root);
  auto visit = store.Load(ref);
  if (!visit) return visit.error();
  auto audit = store.LoadAudit(ref);
  if (!audit) return audit.error();
  // Without scan-paths.csv the visit can still be reviewed as numbers; the
  // images just cannot be shown.
  auto paths = LoadScanPaths(root);
  std::map<std::string, std::filesystem::path> scan_paths = paths ? std::move(paths).value()
                                                                   : std::map<std::string, std::filesystem::path>{};
  return std::unique_ptr<VisitSession>(new VisitSession(root, ref, std::move(visit).value(), std::move(audit).value(),
                                                        std::move(scan_paths), store.HasPendingAutomatic(ref),
                                                        std::move(clock)));
}

VisitSession::VisitSession(std::filesystem::path root, VisitRef ref, VisitResult visit, std::vector<AuditEntry> audit,
                           std::map<std::string, std::filesystem::path> scan_paths, bool pending, Clock clock)
    : root_(std::move(root)),
      ref_(std::move(ref)),
      history_(VisitEditor(std::move(visit), clock)),
      saved_audit_(std::move(audit)),
      scan_paths_(std::move(scan_paths)),
      pending_automatic_(pending),
      clock_(std::move(clock)) {}

std::optional<std::filesystem::path> VisitSession::PathOf(const std::string& uid) const {
  auto it = scan_paths_.find(uid);
  if (it == scan_paths_.end()) return std::nullopt;
  return it->second;
}

VisitSession::Missing VisitSession::MissingForEdit() const {
  if (reviewer.empty()) return Missing::kReviewer;
  if (visit().signed_off() && reopen_reason.empty()) return Missing::kReopenReason;
  return Missing::kNothing;
}

Status VisitSession::Apply(const std::string& description,
                           const std::function<Status(VisitEditor&, const std::string&, const std::string&)>& edit) {
  switch (MissingForEdit()) {
    case Missing::kReviewer: return MakeError(ErrorCode::kInvalidArgument, "enter your name as reviewer first");
    case Missing::kReopenReason:
      return MakeError(ErrorCode::kInvalidArgument, "the visit is signed off: give a reason to change it");
    case Missing::kNothing: break;
  }
  VisitEditor editor = history_.current();
  if (editor.visit().signed_off()) {
    if (Status s = editor.Reopen(reviewer, reopen_reason); !s) return s;
  }
  const std::string& reason = reopen_reason.empty() ? edit_reason : reopen_reason;
  const size_t before = editor.audit().size();
  if (Status s = edit(editor, reviewer, reason); !s) return s;
  if (editor.audit().size() == before) return Status::Ok();  // nothing changed
  history_.Commit(description, std::move(editor));
  ++change_count_;
  return Status::Ok();
}

bool VisitSession::Undo() {
  const bool done = history_.Undo().has_value();
  change_count_ += done;
  return done;
}

bool VisitSession::Redo() {
  const bool done = history_.Redo().has_value();
  change_count_ += done;
  return done;
}

Status VisitSession::Reload() {
  ResultsStore store(root_);
  auto visit = store.Load(ref_);
  if (!visit) return visit.error();
  auto audit = store.LoadAudit(ref_);
  if (!audit) return audit.error();
  history_.Reset(VisitEditor(std::move(visit).value(), clock_));
  saved_audit_ = std::move(audit).value();
  pending_automatic_ = store.HasPendingAutomatic(ref_);
  ++change_count_;
  return Status::Ok();
}

Status VisitSession::Save() {
  if (!dirty()) return Status::Ok();
  // The key images are drawn again from the reviewed visit.
  key_image_notes_.clear();
  ResultsStore store(root_);
  const ScanPathLookup path_of = [this](const std::string& uid) { return PathOf(uid); };
  if (Status s = SaveReviewedVisit(store, history_.current(), path_of, key_image_notes_); !s) return s;
  return Reload();
}

Status VisitSession::SignOff() {
  if (reviewer.empty()) return MakeError(ErrorCode::kInvalidArgument, "enter your name as reviewer to sign off");
  VisitEditor editor = history_.current();
  if (Status s = editor.SignOff(reviewer, reopen_reason); !s) return s;
  history_.Commit("sign off", std::move(editor));
  ++change_count_;
  return Save();
}

// ---- VisitScanReview ---------------------------------------------------------

namespace {

constexpr int kFirstCaliperId = 10000;  // the reader's calipers, apart from follicle numbers

int NumberOf(const std::string& visit_id) {
  int n = 0;
  for (char c : visit_id) {
    if (c >= '0' && c <= '9') n = n * 10 + (c - '0');
  }
  return n;
}

bool SameCalipers(const FollicleMeasurement& a, const FollicleMeasurement& b) {
  return a.long_axis.a == b.long_axis.a && a.long_axis.b == b.long_axis.b && a.short_axis.a == b.short_axis.a &&
         a.short_axis.b == b.short_axis.b;
}

FollicleMeasurement FromVisit(const VisitFollicle& f, const Calibration& calibration) {
  FollicleMeasurement m;
  m.center_px = f.center_px;
  m.long_axis = f.long_axis;
  m.short_axis = f.short_axis;
  if (m.long_axis.LengthPx() > 0 && m.short_axis.LengthPx() > 0) {
    m.contour_px = EllipseFromCalipers(m.long_axis, m.short_axis);
    m.area_px = std::numbers::pi * m.long_axis.LengthPx() * m.short_axis.LengthPx() / 4;
  }
  // The visit's millimetres are what was counted: shown as they are.
  m.long_mm = f.long_mm;
  m.short_mm = f.short_mm;
  m.mean_mm = f.mean_mm();
  m.area_mm2 = m.area_px > 0 ? calibration.AreaMm2(m.area_px, m.center_px) : std::nullopt;
  m.confidence = f.confidence;
  m.origin = f.origin;
  return m;
}

FollicleInput ToInput(const std::string& uid, const ReviewedFollicle& f) {
  FollicleInput in;
  in.sop_instance_uid = uid;
  in.frame = f.frame;
  in.long_mm = f.measurement.long_mm.value_or(0);
  in.short_mm = f.measurement.short_mm.value_or(0);
  in.long_axis = f.measurement.long_axis;
  in.short_axis = f.measurement.short_axis;
  in.center_px = f.measurement.center_px;
  return in;
}

bool VisitPartDiffers(const ReviewState& a, const ReviewState& b) {
  if (a.image_side != b.image_side || a.ovary_box_px != b.ovary_box_px || a.follicles.size() != b.follicles.size()) {
    return true;
  }
  for (size_t i = 0; i < a.follicles.size(); ++i) {
    const auto& x = a.follicles[i];
    const auto& y = b.follicles[i];
    if (x.id != y.id || !SameCalipers(x.measurement, y.measurement)) return true;
    if ((x.decision == Decision::kRejected) != (y.decision == Decision::kRejected)) return true;
  }
  return false;
}

}  // namespace

VisitScanReview::VisitScanReview(VisitSession& session, std::string uid, Calibration calibration)
    : session_(session), uid_(std::move(uid)), calibration_(std::move(calibration)) {}

Side VisitScanReview::side() const {
  const ScanEntry* scan = session_.visit().FindScan(uid_);
  return scan ? scan->side : Side::kUnknown;
}

bool VisitScanReview::is_counting_scan() const {
  const Side s = side();
  return IsOvarySide(s) && session_.visit().ovary(s).counting_scan == uid_;
}

std::string VisitScanReview::VisitFollicleId(int follicle_id) const {
  state();
  auto it = visit_ids_.find(follicle_id);
  return it == visit_ids_.end() ? std::string() : it->second;
}

const ReviewState& VisitScanReview::state() const {
  const int key = session_.change_count() * 1000003 + local_changes_;
  if (key != cached_change_) {
    cache_ = Project();
    cached_change_ = key;
  }
  return cache_;
}

ReviewState VisitScanReview::Project() const {
  ReviewState st;
  visit_ids_.clear();
  const VisitResult& visit = session_.visit();
  const ScanEntry* scan = visit.FindScan(uid_);
  if (!scan) return st;
  st.image_side = SideLetter(scan->side);
  st.ovary_box_px = scan->ovary_box_px;
  int max_id = 0;
  auto add = [&](int id, int frame, FollicleMeasurement m, Decision decision) {
    ReviewedFollicle f;
    f.id = id;
    f.frame = frame;
    f.measurement = std::move(m);
    f.decision = decision;
    max_id = std::max(max_id, id);
    st.follicles.push_back(std::move(f));
  };
  if (is_counting_scan()) {
    for (const auto& vf : visit.ovary(scan->side).follicles) {
      if (vf.sop_instance_uid != uid_) continue;
      const int id = NumberOf(vf.id);
      visit_ids_[id] = vf.id;
      const bool looked_at = visit.signed_off() || vf.origin != FollicleOrigin::kAutomatic || accepted_.count(id);
      add(id, vf.frame, FromVisit(vf, calibration_), looked_at ? Decision::kAccepted : Decision::kPending);
    }
  } else {
    // Not counted: the scan's own candidates, for looking only.
    int id = 0;
    for (const auto& vf : scan->follicles) add(++id, vf.frame, FromVisit(vf, calibration_), Decision::kPending);
  }
  st.calipers = calipers_;
  int next_caliper = kFirstCaliperId;
  for (const auto& c : st.calipers) next_caliper = std::max(next_caliper, c.id + 1);
  st.next_id = std::max(max_id + 1, next_caliper);
  // Calipers and follicles share one id space: new calipers get the high numbers.
  if (st.next_id < kFirstCaliperId) st.next_id = calipers_.empty() ? max_id + 1 : next_caliper;
  return st;
}

bool VisitScanReview::Commit(const std::string& description, ReviewState next) {
  return CommitWithAnalysis(description, std::move(next), std::nullopt);
}

bool VisitScanReview::CommitOvaryBox(const std::string& description, ReviewState next,
                                     std::optional<ImageAnalysis> analysis) {
  if (!next.ovary_box_px) {
    last_error_ = "no ovary box";
    return false;
  }
  return CommitWithAnalysis(description, std::move(next), std::move(analysis));
}

bool VisitScanReview::CommitWithAnalysis(const std::string& description, ReviewState next,
                                         std::optional<ImageAnalysis> analysis) {
  last_error_.clear();
  const ReviewState now = state();
  // Renumber new calipers into their own range, whatever id the tool gave them.
  for (auto& c : next.calipers) {
    if (c.id < kFirstCaliperId && !now.FindCaliper(c.id)) c.id += kFirstCaliperId;
  }
  auto keep_local = [&] {
    calipers_ = next.calipers;
    for (const auto& f : next.follicles) {
      if (f.decision == Decision::kAccepted) accepted_.insert(f.id);
      if (f.decision == Decision::kPending) accepted_.erase(f.id);
    }
    ++local_changes_;
  };
  if (!analysis && !VisitPartDiffers(now, next)) {
    keep_local();
    return true;
  }
  if (session_.MissingForEdit() != VisitSession::Missing::kNothing) {
    pending_ = PendingEdit{description, std::move(next), std::move(analysis)};
    last_error_ = session_.MissingForEdit() == VisitSession::Missing::kReviewer
                      ? "enter your name as reviewer first"
                      : "the visit is signed off: give a reason to change it";
    return false;
  }
  int added = 0;
  const Status status = session_.Apply(description, [&](VisitEditor& editor, const std::string& who,
                                                        const std::string& reason) -> Status {
    if (Status s = ApplyDifference(now, next, editor, who, reason); !s) return s;
    if (!analysis) return Status::Ok();
    auto ids = editor.ApplyOvaryBoxAnalysis(uid_, *next.ovary_box_px, *analysis, session_.saved_audit(), who, reason);
    if (!ids) return ids.error();
    added = static_cast<int>(ids->size());
    return Status::Ok();
  });
  if (!status) {
    last_error_ = status.error().message;
    return false;
  }
  box_follicles_added_ = added;
  keep_local();
  return true;
}

bool VisitScanReview::RetryPendingEdit() {
  if (!pending_) return false;
  PendingEdit edit = std::move(*pending_);
  pending_.reset();
  return CommitWithAnalysis(edit.description, std::move(edit.next), std::move(edit.box_analysis));
}

Status VisitScanReview::ApplyDifference(const ReviewState& now, const ReviewState& next, VisitEditor& editor,
                                        const std::string& who, const std::string& reason) const {
  if (next.image_side != now.image_side) {
    if (Status s = editor.SetScanSide(uid_, SideFromLetter(next.image_side), who, reason); !s) return s;
  }
  if (next.ovary_box_px != now.ovary_box_px) {
    if (Status s = editor.SetOvaryBox(uid_, next.ovary_box_px, who, reason); !s) return s;
  }
  const Side s = SideFromLetter(next.image_side);
  const bool counting = IsOvarySide(s) && editor.visit().ovary(s).counting_scan == uid_;
  auto not_counted = [] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "this scan is not the counting scan of its ovary: count on it first (Shift+C)");
  };
  for (const auto& old : now.follicles) {
    const ReviewedFollicle* edited = next.FindFollicle(old.id);
    const bool removed = !edited || edited->decision == Decision::kRejected;
    const bool moved = edited && !SameCalipers(old.measurement, edited->measurement);
    if (!removed && !moved) continue;
    auto it = visit_ids_.find(old.id);
    if (!counting || it == visit_ids_.end()) return not_counted();
    if (removed) {
      if (Status st = editor.DeleteFollicle(s, it->second, who, reason); !st) return st;
    } else {
      if (!edited->measurement.long_mm || !edited->measurement.short_mm) {
        return MakeError(ErrorCode::kInvalidArgument, "no millimetres for these calipers (uncalibrated, or across two regions)");
      }
      if (Status st = editor.EditFollicle(s, it->second, ToInput(uid_, *edited), who, reason); !st) return st;
    }
  }
  for (const auto& added : next.follicles) {
    if (now.FindFollicle(added.id)) continue;
    if (!counting) return not_counted();
    if (!added.measurement.long_mm || !added.measurement.short_mm) {
      return MakeError(ErrorCode::kInvalidArgument, "no millimetres for these calipers (uncalibrated, or across two regions)");
    }
    auto id = editor.AddFollicle(s, ToInput(uid_, added), who, reason);
    if (!id) return id.error();
  }
  return Status::Ok();
}

// ---- Worklist -----------------------------------------------------------------

Result<std::vector<WorklistVisit>> LoadWorklist(const std::filesystem::path& results_root) {
  auto subjects = SummariseStudy(ResultsStore(results_root));
  if (!subjects) return subjects.error();
  std::vector<WorklistVisit> list;
  for (const auto& subject : *subjects) {
    for (const auto& visit : subject.visits) list.push_back({subject.subject_id, visit});
  }
  // Grouped by subject: subjects with something to review first; within a
  // subject, unreviewed visits first (a newer automatic result waiting counts
  // as unreviewed), then by visit number.
  auto done = [](const WorklistVisit& w) { return w.summary.signed_off && !w.summary.pending_automatic; };
  std::set<std::string> to_review;
  for (const auto& w : list) {
    if (!done(w)) to_review.insert(w.subject_id);
  }
  std::stable_sort(list.begin(), list.end(), [&](const WorklistVisit& a, const WorklistVisit& b) {
    const bool a_first = to_review.count(a.subject_id), b_first = to_review.count(b.subject_id);
    if (a_first != b_first) return a_first;
    if (a.subject_id != b.subject_id) return a.subject_id < b.subject_id;
    if (done(a) != done(b)) return !done(a);
    return a.summary.visit < b.summary.visit;
  });
  return list;
}

}  // namespace antra::viewer
