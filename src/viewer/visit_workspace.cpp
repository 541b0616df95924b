#include "viewer/visit_workspace.h"

#include <algorithm>

namespace antra::viewer {

Status VisitWorkspace::RefreshWorklist() {
  auto list = LoadWorklist(root_);
  if (!list) return list.error();
  worklist_ = std::move(list).value();
  return Status::Ok();
}

Status VisitWorkspace::OpenVisit(const VisitRef& ref) {
  if (session_ && session_->ref() == ref) return Status::Ok();
  if (session_ && session_->dirty()) {
    if (Status s = session_->Save(); !s) return MakeError(s.error().code, "the open visit could not be saved: " + s.error().message);
  }
  auto opened = VisitSession::Open(root_, ref);
  if (!opened) return opened.error();
  scan_review_.reset();
  bound_generation_ = -1;
  session_ = std::move(opened).value();
  session_->reviewer = reviewer;
  return RefreshWorklist();
}

std::optional<std::filesystem::path> VisitWorkspace::ScanToShow(Side side) const {
  if (!session_) return std::nullopt;
  const VisitResult& visit = session_->visit();
  std::vector<std::string> candidates;
  if (IsOvarySide(side) && !visit.ovary(side).counting_scan.empty()) {
    candidates.push_back(visit.ovary(side).counting_scan);
  }
  for (const auto& scan : visit.scans) {
    if (scan.side == side) candidates.push_back(scan.sop_instance_uid);
  }
  for (const auto& scan : visit.scans) candidates.push_back(scan.sop_instance_uid);
  for (const auto& uid : candidates) {
    if (auto path = session_->PathOf(uid)) return path;
  }
  return std::nullopt;
}

std::optional<VisitRef> VisitWorkspace::Neighbour(int step) const {
  if (worklist_.empty()) return std::nullopt;
  int index = -1;
  for (size_t i = 0; i < worklist_.size(); ++i) {
    if (session_ && worklist_[i].subject_id == session_->ref().subject_id &&
        worklist_[i].summary.visit == session_->ref().visit_number) {
      index = static_cast<int>(i);
    }
  }
  const int next = index < 0 ? 0 : index + step;
  if (next < 0 || next >= static_cast<int>(worklist_.size())) return std::nullopt;
  return VisitRef{worklist_[next].subject_id, worklist_[next].summary.visit};
}

void VisitWorkspace::Bind(int generation, const ImageInfo& info, const Calibration& calibration) {
  scan_review_.reset();
  bound_generation_ = -1;
  if (!session_ || !session_->visit().FindScan(info.sop_instance_uid)) return;
  scan_review_ = std::make_unique<VisitScanReview>(*session_, info.sop_instance_uid, calibration);
  bound_generation_ = generation;
}

std::vector<VisitSummary> VisitWorkspace::HistoryOfOpenSubject() const {
  std::vector<VisitSummary> visits;
  if (!session_) return visits;
  for (const auto& w : worklist_) {
    if (w.subject_id == session_->ref().subject_id) visits.push_back(w.summary);
  }
  std::sort(visits.begin(), visits.end(), [](const auto& a, const auto& b) { return a.visit < b.visit; });
  return visits;
}

}  // namespace antra::viewer
