#pragma once
// antra-view --results RESULTS: the worklist of visits, the visit under
// review, and which of its scans the viewer shows. The image on screen is
// bound to the visit when it is one of the visit's scans; its review then
// edits the visit (VisitScanReview) instead of a per-image review.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "viewer/visit_review.h"

namespace antra::viewer {

class VisitWorkspace {
 public:
  explicit VisitWorkspace(std::filesystem::path results_root) : root_(std::move(results_root)) {}

  const std::filesystem::path& root() const { return root_; }
  Status RefreshWorklist();
  const std::vector<WorklistVisit>& worklist() const { return worklist_; }

  // Opens a visit. Unsaved edits of the visit open before are saved first
  // (they are audited edits the reader made; nothing is dropped silently).
  Status OpenVisit(const VisitRef& ref);
  VisitSession* session() { return session_.get(); }
  const VisitSession* session() const { return session_.get(); }

  // The scan to show for an ovary: its counting scan, else any scan of that
  // side, else any scan; empty when its file is unknown.
  std::optional<std::filesystem::path> ScanToShow(Side side) const;
  // The next or previous visit of the worklist, from the open one.
  std::optional<VisitRef> Neighbour(int step) const;

  // The image of document `generation` was opened: bind it when it is a scan
  // of the open visit.
  void Bind(int generation, const ImageInfo& info, const Calibration& calibration);
  VisitScanReview* scan_review(int generation) {
    return scan_review_ && bound_generation_ == generation ? scan_review_.get() : nullptr;
  }

  // AFC and largest follicle over the open subject's visits (from the worklist).
  std::vector<VisitSummary> HistoryOfOpenSubject() const;

  std::string reviewer;  // kept from visit to visit

 private:
  std::filesystem::path root_;
  std::vector<WorklistVisit> worklist_;
  std::unique_ptr<VisitSession> session_;
  std::unique_ptr<VisitScanReview> scan_review_;
  int bound_generation_ = -1;
};

}  // namespace antra::viewer
