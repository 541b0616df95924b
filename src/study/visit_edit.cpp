#include "study/visit_edit.h"

#include <algorithm>
#include <cmath>

#include "io/analysis_json.h"
#include "study/visit_json.h"

namespace antra {

namespace {

using nlohmann::json;

bool PlausibleDiameter(double mm) { return std::isfinite(mm) && mm > 0 && mm < 200; }

json OvarySummary(const OvaryResult& o) {
  json j;
  j["status"] = ToString(o.status);
  j["counting_scan"] = o.counting_scan.empty() ? json(nullptr) : json(o.counting_scan);
  j["afc"] = o.Afc() ? json(*o.Afc()) : json(nullptr);
  j["follicles"] = o.follicles.size();
  return j;
}

json Diameters(const OvaryResult& o) {
  auto v = [](const std::optional<double>& d) { return d ? json(*d) : json(nullptr); };
  return {{"length", v(o.length_mm)}, {"width", v(o.width_mm)}, {"height", v(o.height_mm)}};
}

std::string SideName(Side side) { return ToString(side); }

}  // namespace

json AuditToJson(const AuditEntry& e) {
  return {{"time", e.time},     {"who", e.who},       {"action", e.action}, {"target", e.target},
          {"before", e.before}, {"after", e.after},   {"reason", e.reason}, {"revision", e.revision}};
}

Result<AuditEntry> AuditFromJson(const json& j) {
  try {
    AuditEntry e;
    e.time = j.at("time").get<std::string>();
    e.who = j.at("who").get<std::string>();
    e.action = j.at("action").get<std::string>();
    e.target = j.at("target").get<std::string>();
    e.before = j.at("before");
    e.after = j.at("after");
    e.reason = j.at("reason").get<std::string>();
    e.revision = j.at("revision").get<int>();
    return e;
  } catch (const std::exception& ex) {
    return MakeError(ErrorCode::kCorrupt, std::string("audit entry: ") + ex.what());
  }
}

VisitEditor::VisitEditor(VisitResult visit, std::function<std::string()> now)
    : visit_(std::move(visit)), now_(std::move(now)) {}

Status VisitEditor::CheckEditable(const std::string& who, const std::string& reason) const {
  if (who.empty()) return MakeError(ErrorCode::kInvalidArgument, "an edit needs the reviewer's name");
  if (reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "an edit needs a reason");
  if (visit_.signed_off()) {
    return MakeError(ErrorCode::kInvalidArgument, "visit is signed off; reopen it (with a reason) before editing");
  }
  return Status::Ok();
}

void VisitEditor::Record(const std::string& who, const std::string& action, const std::string& target, json before,
                         json after, const std::string& reason) {
  // Each edit is its own revision, so the trail can be replayed step by step.
  ++visit_.revision;
  AuditEntry e{now_(), who, action, target, std::move(before), std::move(after), reason, visit_.revision};
  audit_.push_back(std::move(e));
}

std::string VisitEditor::TakeFollicleId(OvaryResult& ovary) {
  return (ovary.side == Side::kLeft ? "L" : "R") + std::to_string(ovary.next_follicle_number++);
}

void VisitEditor::RecountSide(Side side) {
  OvaryResult& ovary = visit_.ovary(side);
  if (ovary.basis == CountingBasis::kReviewer && visit_.FindScan(ovary.counting_scan)) return;
  // The automatic rule again, over the scans now assigned to this side.
  const ScanEntry* counting = ChooseCountingScan(visit_.scans, side);
  if (!counting) {
    ovary.counting_scan.clear();
    ovary.basis = CountingBasis::kNone;
    ovary.follicles.clear();
  } else if (counting->sop_instance_uid != ovary.counting_scan) {
    AdoptCountingScan(ovary, *counting,
                      counting->kind() == ScanKind::kSweep ? CountingBasis::kLongestSweep
                                                           : CountingBasis::kStillWithMostFollicles);
  }
  if (!ovary.status_by_reviewer) DecideAutomaticStatus(ovary, visit_.scans);
}

Status VisitEditor::SetScanSide(const std::string& uid, Side side, const std::string& who, const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  ScanEntry* scan = visit_.FindScan(uid);
  if (!scan) return MakeError(ErrorCode::kNotFound, "no scan " + uid + " in this visit");
  const Side old_side = scan->side;
  if (old_side == side) return Status::Ok();
  const json before = {{"side", ToString(old_side)}, {"side_source", ToString(scan->side_source)}};
  scan->side = side;
  scan->side_source = SideSource::kReviewer;
  std::erase(scan->notes, std::string(kLateralityUnknownNote));
  std::erase(scan->notes, std::string(kNotOvaryNote));
  for (Side s : {Side::kLeft, Side::kRight}) {
    OvaryResult& o = visit_.ovary(s);
    // A scan leaving an ovary cannot stay its counting scan.
    if (o.counting_scan == uid && s != side) o.basis = CountingBasis::kNone, o.counting_scan.clear();
  }
  if (IsOvarySide(old_side)) RecountSide(old_side);
  if (IsOvarySide(side)) RecountSide(side);
  visit_.reviewer_changes = true;
  Record(who, "set-scan-side", "scan " + uid, before, {{"side", ToString(side)}, {"side_source", "reviewer"}}, reason);
  return Status::Ok();
}

Status VisitEditor::SetCountingScan(Side side, const std::string& uid, const std::string& who,
                                    const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  const ScanEntry* scan = visit_.FindScan(uid);
  if (!scan) return MakeError(ErrorCode::kNotFound, "no scan " + uid + " in this visit");
  if (scan->side != side) {
    return MakeError(ErrorCode::kInvalidArgument, "scan " + uid + " is not assigned to the " + SideName(side) + " ovary");
  }
  if (!scan->calibrated) return MakeError(ErrorCode::kInvalidArgument, "scan " + uid + " is uncalibrated: no AFC from it");
  if (!scan->analysed) return MakeError(ErrorCode::kInvalidArgument, "scan " + uid + " has no analysis");
  OvaryResult& ovary = visit_.ovary(side);
  const json before = OvarySummary(ovary);
  AdoptCountingScan(ovary, *scan, CountingBasis::kReviewer);
  if (!ovary.status_by_reviewer) DecideAutomaticStatus(ovary, visit_.scans);
  visit_.reviewer_changes = true;
  Record(who, "set-counting-scan", SideName(side), before, OvarySummary(ovary), reason);
  return Status::Ok();
}

Status VisitEditor::SetOvaryStatus(Side side, OvaryStatus status, const std::string& who, const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  OvaryResult& ovary = visit_.ovary(side);
  const json before = OvarySummary(ovary);
  ovary.status = status;
  ovary.status_by_reviewer = true;
  std::erase(ovary.notes, std::string("automatic: no ovary and no follicle found; confirm on review"));
  visit_.reviewer_changes = true;
  Record(who, "set-ovary-status", SideName(side), before, OvarySummary(ovary), reason);
  return Status::Ok();
}

Status VisitEditor::DeleteFollicle(Side side, const std::string& id, const std::string& who, const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  OvaryResult& ovary = visit_.ovary(side);
  auto it = std::find_if(ovary.follicles.begin(), ovary.follicles.end(), [&](const auto& f) { return f.id == id; });
  if (it == ovary.follicles.end()) return MakeError(ErrorCode::kNotFound, "no follicle " + id + " in the " + SideName(side) + " ovary");
  const json before = VisitFollicleToJson(*it);
  ovary.follicles.erase(it);
  visit_.reviewer_changes = true;
  Record(who, "delete-follicle", "follicle " + id, before, nullptr, reason);
  return Status::Ok();
}

Status VisitEditor::EditFollicle(Side side, const std::string& id, double long_mm, double short_mm,
                                 const std::string& who, const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  if (!PlausibleDiameter(long_mm) || !PlausibleDiameter(short_mm)) {
    return MakeError(ErrorCode::kInvalidArgument, "diameters must be between 0 and 200 mm");
  }
  OvaryResult& ovary = visit_.ovary(side);
  auto it = std::find_if(ovary.follicles.begin(), ovary.follicles.end(), [&](const auto& f) { return f.id == id; });
  if (it == ovary.follicles.end()) return MakeError(ErrorCode::kNotFound, "no follicle " + id + " in the " + SideName(side) + " ovary");
  const json before = VisitFollicleToJson(*it);
  // The long diameter is the larger one by definition.
  it->long_mm = std::max(long_mm, short_mm);
  it->short_mm = std::min(long_mm, short_mm);
  if (it->origin == FollicleOrigin::kAutomatic) it->origin = FollicleOrigin::kEdited;
  visit_.reviewer_changes = true;
  Record(who, "edit-follicle", "follicle " + id, before, VisitFollicleToJson(*it), reason);
  return Status::Ok();
}

Status VisitEditor::EditFollicle(Side side, const std::string& id, const FollicleInput& measured,
                                 const std::string& who, const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  if (!PlausibleDiameter(measured.long_mm) || !PlausibleDiameter(measured.short_mm)) {
    return MakeError(ErrorCode::kInvalidArgument, "diameters must be between 0 and 200 mm");
  }
  OvaryResult& ovary = visit_.ovary(side);
  auto it = std::find_if(ovary.follicles.begin(), ovary.follicles.end(), [&](const auto& f) { return f.id == id; });
  if (it == ovary.follicles.end()) return MakeError(ErrorCode::kNotFound, "no follicle " + id + " in the " + SideName(side) + " ovary");
  if (!measured.sop_instance_uid.empty() && measured.sop_instance_uid != it->sop_instance_uid) {
    return MakeError(ErrorCode::kInvalidArgument, "a follicle is edited on the image it was measured on");
  }
  const json before = VisitFollicleToJson(*it);
  const bool swap = measured.short_mm > measured.long_mm;
  it->long_mm = swap ? measured.short_mm : measured.long_mm;
  it->short_mm = swap ? measured.long_mm : measured.short_mm;
  it->long_axis = swap ? measured.short_axis : measured.long_axis;
  it->short_axis = swap ? measured.long_axis : measured.short_axis;
  it->center_px = measured.center_px;
  it->frame = measured.frame;
  if (it->origin == FollicleOrigin::kAutomatic) it->origin = FollicleOrigin::kEdited;
  visit_.reviewer_changes = true;
  Record(who, "edit-follicle", "follicle " + id, before, VisitFollicleToJson(*it), reason);
  return Status::Ok();
}

Result<std::string> VisitEditor::AddFollicle(Side side, const FollicleInput& in, const std::string& who,
                                             const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s.error();
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  if (!PlausibleDiameter(in.long_mm) || !PlausibleDiameter(in.short_mm)) {
    return MakeError(ErrorCode::kInvalidArgument, "diameters must be between 0 and 200 mm");
  }
  OvaryResult& ovary = visit_.ovary(side);
  if (ovary.status != OvaryStatus::kMeasured || ovary.counting_scan.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the " + SideName(side) + " ovary has no counting scan to add to");
  }
  if (!in.sop_instance_uid.empty() && in.sop_instance_uid != ovary.counting_scan) {
    return MakeError(ErrorCode::kInvalidArgument, "a follicle must be added on the counting scan");
  }
  VisitFollicle f;
  f.id = TakeFollicleId(ovary);
  f.sop_instance_uid = ovary.counting_scan;
  f.frame = in.frame;
  f.long_mm = std::max(in.long_mm, in.short_mm);
  f.short_mm = std::min(in.long_mm, in.short_mm);
  f.center_px = in.center_px;
  f.long_axis = in.long_axis;
  f.short_axis = in.short_axis;
  f.confidence = 1.0;
  f.origin = FollicleOrigin::kAdded;
  ovary.follicles.push_back(f);
  visit_.reviewer_changes = true;
  Record(who, "add-follicle", "follicle " + f.id, nullptr, VisitFollicleToJson(f), reason);
  return f.id;
}

Status VisitEditor::SetOvaryDiameters(Side side, std::optional<double> length_mm, std::optional<double> width_mm,
                                      std::optional<double> height_mm, const std::string& who,
                                      const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  if (!IsOvarySide(side)) return MakeError(ErrorCode::kInvalidArgument, "choose left or right");
  for (const auto& d : {length_mm, width_mm, height_mm}) {
    if (d && !PlausibleDiameter(*d)) return MakeError(ErrorCode::kInvalidArgument, "ovary diameters must be between 0 and 200 mm");
  }
  OvaryResult& ovary = visit_.ovary(side);
  const json before = Diameters(ovary);
  ovary.length_mm = length_mm;
  ovary.width_mm = width_mm;
  ovary.height_mm = height_mm;
  ovary.diameters_source = "reviewer";
  visit_.reviewer_changes = true;
  Record(who, "set-ovary-diameters", SideName(side), before, Diameters(ovary), reason);
  return Status::Ok();
}

Status VisitEditor::SetOvaryBox(const std::string& uid, std::optional<cv::Rect> box, const std::string& who,
                                const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s;
  ScanEntry* scan = visit_.FindScan(uid);
  if (!scan) return MakeError(ErrorCode::kNotFound, "no scan " + uid + " in this visit");
  if (box && !ImageBoxFits(box->x, box->y, box->width, box->height, scan->width, scan->height)) {
    return MakeError(ErrorCode::kInvalidArgument, "the ovary box is empty or outside scan " + uid);
  }
  if (box == scan->ovary_box_px) return Status::Ok();
  auto as_json = [](const std::optional<cv::Rect>& b) { return b ? ImageBoxToJson(*b) : json(nullptr); };
  const json before = {{"ovary_box_px", as_json(scan->ovary_box_px)}};
  scan->ovary_box_px = box;
  visit_.reviewer_changes = true;
  Record(who, "set-ovary-box", "scan " + uid, before, {{"ovary_box_px", as_json(box)}}, reason);
  return Status::Ok();
}

std::vector<VisitFollicle> DeletedFollicles(const std::vector<AuditEntry>& trail) {
  std::vector<VisitFollicle> out;
  for (const auto& entry : trail) {
    if (entry.action != "delete-follicle") continue;
    if (auto f = VisitFollicleFromJson(entry.before)) out.push_back(std::move(f).value());
  }
  return out;
}

bool SameFollicle(const CandidateFollicle& a, const VisitFollicle& b) {
  const double b_half = b.long_axis.LengthPx() / 2.0;
  if (b_half <= 0) return false;  // typed in: no place on the image
  const double reach = std::max(b_half, a.follicle.long_axis.LengthPx() / 2.0);
  const std::pair<int, cv::Point2d>* nearest = nullptr;
  for (const auto& seen : a.seen) {
    if (!nearest || std::abs(seen.first - b.frame) < std::abs(nearest->first - b.frame)) nearest = &seen;
  }
  if (!nearest || std::abs(nearest->first - b.frame) > 2) return false;
  return cv::norm(nearest->second - b.center_px) <= reach;
}

Result<std::vector<std::string>> VisitEditor::ApplyOvaryBoxAnalysis(const std::string& uid, const cv::Rect& box,
                                                                    const ImageAnalysis& analysis,
                                                                    const std::vector<AuditEntry>& saved_trail,
                                                                    const std::string& who,
                                                                    const std::string& reason) {
  if (Status s = CheckEditable(who, reason); !s) return s.error();
  ScanEntry* scan = visit_.FindScan(uid);
  if (!scan) return MakeError(ErrorCode::kNotFound, "no scan " + uid + " in this visit");
  if (scan->ovary_box_px != box) {
    return MakeError(ErrorCode::kInvalidArgument, "the ovary box of scan " + uid + " changed since this analysis began");
  }
  if (!analysis.sop_instance_uid.empty() && analysis.sop_instance_uid != uid) {
    return MakeError(ErrorCode::kInvalidArgument, "the analysis is of another image, not scan " + uid);
  }
  if (analysis.width != scan->width || analysis.height != scan->height) {
    return MakeError(ErrorCode::kInvalidArgument, "the analysis is of an image of another size than scan " + uid);
  }
  std::vector<std::string> notes;
  std::vector<CandidateFollicle> found = CandidateFollicles(analysis, uid, notes);
  const json before = {{"ovary_box_px", ImageBoxToJson(box)}, {"candidates", scan->follicles.size()}};
  scan->follicles.clear();
  for (const auto& c : found) scan->follicles.push_back(c.follicle);
  const std::string note = "candidates from the analysis with the reviewer's ovary box";
  if (std::find(scan->notes.begin(), scan->notes.end(), note) == scan->notes.end()) scan->notes.push_back(note);

  scan->ovary_found = true;  // the reviewer has just shown where it is

  std::vector<std::string> added;
  json added_json = json::array();
  json status_change = nullptr;
  const Side side = scan->side;
  if (IsOvarySide(side) && visit_.ovary(side).counting_scan == uid) {
    OvaryResult& ovary = visit_.ovary(side);
    if (!ovary.status_by_reviewer) {
      // An automatic "not visualised" came from no ovary found: it is boxed now.
      const OvaryStatus was = ovary.status;
      DecideAutomaticStatus(ovary, visit_.scans);
      if (ovary.status != was) status_change = ToString(ovary.status);
    }
    std::vector<VisitFollicle> declined = DeletedFollicles(saved_trail);
    for (auto& f : DeletedFollicles(audit_)) declined.push_back(std::move(f));
    auto known = [&](const CandidateFollicle& c) {
      auto same = [&](const VisitFollicle& f) { return f.sop_instance_uid == uid && SameFollicle(c, f); };
      return std::any_of(ovary.follicles.begin(), ovary.follicles.end(), same) ||
             std::any_of(declined.begin(), declined.end(), same);
    };
    for (const auto& c : found) {
      if (known(c)) continue;
      VisitFollicle f = c.follicle;
      f.id = TakeFollicleId(ovary);
      ovary.follicles.push_back(f);
      added.push_back(f.id);
      added_json.push_back(VisitFollicleToJson(f));
    }
  }
  visit_.reviewer_changes = true;
  Record(who, "ovary-box-analysis", "scan " + uid, before,
         {{"ovary_box_px", ImageBoxToJson(box)},
          {"candidates", scan->follicles.size()},
          {"added", std::move(added_json)},
          {"ovary_status", std::move(status_change)},
          {"software_version", analysis.software_version},
          {"parameters_hash", analysis.parameters_hash}},
         reason);
  return added;
}

Status VisitEditor::SignOff(const std::string& who, const std::string& reason) {
  if (who.empty()) return MakeError(ErrorCode::kInvalidArgument, "sign-off needs the reviewer's name");
  if (visit_.signed_off()) return MakeError(ErrorCode::kInvalidArgument, "visit is already signed off");
  const int unknown = static_cast<int>(std::count_if(visit_.scans.begin(), visit_.scans.end(),
                                                     [](const ScanEntry& s) { return s.side == Side::kUnknown; }));
  if (unknown > 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::to_string(unknown) + " scan(s) still have no laterality; assign them before signing off");
  }
  visit_.review.status = ReviewStatus::kSignedOff;
  visit_.review.reviewer = who;
  visit_.review.signed_at = now_();
  Record(who, "sign-off", "visit", {{"status", "unreviewed"}}, {{"status", "signed-off"}}, reason);
  return Status::Ok();
}

Status VisitEditor::Reopen(const std::string& who, const std::string& reason) {
  if (who.empty() || reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "reopening needs a name and a reason");
  if (!visit_.signed_off()) return MakeError(ErrorCode::kInvalidArgument, "visit is not signed off");
  const json before = {{"status", "signed-off"}, {"reviewer", visit_.review.reviewer}, {"signed_at", visit_.review.signed_at}};
  visit_.review = ReviewState{};
  visit_.reviewer_changes = true;
  Record(who, "reopen", "visit", before, {{"status", "unreviewed"}}, reason);
  return Status::Ok();
}

}  // namespace antra
