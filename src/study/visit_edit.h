#pragma once
// Reviewer edits to a visit, each recorded as an audit entry (who, when,
// what, before and after, and the reason given). Used by the viewer and by
// `antra review`. A signed-off visit refuses edits until it is reopened, and
// reopening needs a reason too.

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "study/visit.h"

namespace antra {

struct AuditEntry {
  std::string time;     // ISO 8601 UTC
  std::string who;
  std::string action;   // "create", "automatic-update", "set-counting-scan", ...
  std::string target;   // "left", "right", "scan 1.2.3", "follicle L3", "visit"
  nlohmann::json before;
  nlohmann::json after;
  std::string reason;
  int revision = 0;     // the visit revision this entry produced
};

nlohmann::json AuditToJson(const AuditEntry& entry);
Result<AuditEntry> AuditFromJson(const nlohmann::json& json);

struct FollicleInput {
  std::string sop_instance_uid;  // image it was measured on (a scan of the visit)
  int frame = 0;
  double long_mm = 0, short_mm = 0;
  Caliper long_axis, short_axis;  // pixels; optional (zero when typed in)
  cv::Point2d center_px;
};

// The follicles a trail's delete-follicle entries removed (their state just
// before), so an analysis run again does not offer them a second time.
std::vector<VisitFollicle> DeletedFollicles(const std::vector<AuditEntry>& trail);

// Whether follicle `a` of an analysis (seen on frames and centres) is `b`:
// seen within two frames of b's frame, its centre there within the larger of
// the two half lengths (in pixels) of b's centre. A follicle typed in without
// calipers has no place and matches nothing.
bool SameFollicle(const CandidateFollicle& a, const VisitFollicle& b);

class VisitEditor {
 public:
  // `now` gives the audit time; tests pass a fixed clock.
  explicit VisitEditor(VisitResult visit, std::function<std::string()> now = UtcNowIso);

  const VisitResult& visit() const { return visit_; }
  const std::vector<AuditEntry>& audit() const { return audit_; }

  Status SetScanSide(const std::string& sop_instance_uid, Side side, const std::string& who, const std::string& reason);
  Status SetCountingScan(Side side, const std::string& sop_instance_uid, const std::string& who,
                         const std::string& reason);
  Status SetOvaryStatus(Side side, OvaryStatus status, const std::string& who, const std::string& reason);
  Status DeleteFollicle(Side side, const std::string& id, const std::string& who, const std::string& reason);
  Status EditFollicle(Side side, const std::string& id, double long_mm, double short_mm, const std::string& who,
                      const std::string& reason);
  // The same when the reviewer moved the calipers on the image (the viewer):
  // the new calipers, centre and diameters are stored together.
  Status EditFollicle(Side side, const std::string& id, const FollicleInput& measured, const std::string& who,
                      const std::string& reason);
  Result<std::string> AddFollicle(Side side, const FollicleInput& input, const std::string& who,
                                  const std::string& reason);
  Status SetOvaryDiameters(Side side, std::optional<double> length_mm, std::optional<double> width_mm,
                           std::optional<double> height_mm, const std::string& who, const std::string& reason);
  // Records where the reviewer boxed the ovary on a scan (nothing: the box is
  // removed). Follicles are not touched: those outside it are deleted by their
  // own DeleteFollicle edits, so each stays in the trail.
  Status SetOvaryBox(const std::string& sop_instance_uid, std::optional<cv::Rect> box, const std::string& who,
                     const std::string& reason);
  // The scan analysed again with the reviewer's ovary box given (`box`, which
  // must be the scan's box now): the scan's candidates become the analysis'
  // follicles, and when the scan is its ovary's counting scan, each follicle
  // found that the ovary does not hold yet is added (origin automatic, still
  // to be looked at like any other), unless a reviewer deleted it before:
  // in `saved_trail` (the visit's audit trail on disk) or in an edit of this
  // editor not saved yet (see DeletedFollicles). The ovary counts as found on
  // the scan now, so an automatic status is decided again (an automatic "not
  // visualised" meant no ovary found). One audited "ovary-box-analysis"
  // entry; returns the IDs added.
  Result<std::vector<std::string>> ApplyOvaryBoxAnalysis(const std::string& sop_instance_uid, const cv::Rect& box,
                                                         const ImageAnalysis& analysis,
                                                         const std::vector<AuditEntry>& saved_trail,
                                                         const std::string& who, const std::string& reason);
  Status SignOff(const std::string& who, const std::string& reason = "");
  Status Reopen(const std::string& who, const std::string& reason);

 private:
  Status CheckEditable(const std::string& who, const std::string& reason) const;
  void Record(const std::string& who, const std::string& action, const std::string& target, nlohmann::json before,
              nlohmann::json after, const std::string& reason);
  void RecountSide(Side side);
  // "L7": the ovary's next follicle number (numbers are never reused).
  static std::string TakeFollicleId(OvaryResult& ovary);

  VisitResult visit_;
  std::vector<AuditEntry> audit_;
  std::function<std::string()> now_;
};

}  // namespace antra
