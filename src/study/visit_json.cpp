#include "study/visit_json.h"

#include <set>

#include "core/version.h"
#include "io/analysis_json.h"
#include "study/safe_names.h"
#include "study/sha256.h"

namespace antra {

namespace {

using nlohmann::json;

json Optional(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json OptionalInt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json Point(const cv::Point2d& p) { return json::array({p.x, p.y}); }
json Segment(const Caliper& c) { return json::array({Point(c.a), Point(c.b)}); }
cv::Point2d ReadPoint(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }
Caliper ReadSegment(const json& j) { return {ReadPoint(j.at(0)), ReadPoint(j.at(1))}; }

std::optional<double> ReadOptional(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

json Counts(const std::optional<SizeCounts>& c) {
  if (!c) return nullptr;
  return {{"under_2", c->under_2},
          {"2_to_under_6", c->from_2_to_6},
          {"6_to_10", c->from_6_to_10},
          {"over_10", c->over_10},
          {"afc", c->afc()}};
}

FollicleOrigin ReadOrigin(const std::string& s) {
  if (s == "automatic") return FollicleOrigin::kAutomatic;
  if (s == "edited") return FollicleOrigin::kEdited;
  if (s == "added") return FollicleOrigin::kAdded;
  throw std::runtime_error("unknown follicle origin '" + s + "'");
}

VisitFollicle ReadFollicle(const json& j) {
  VisitFollicle f;
  f.id = j.at("id").get<std::string>();
  f.sop_instance_uid = j.at("sop_instance_uid").get<std::string>();
  f.frame = j.at("frame").get<int>();
  f.long_mm = j.at("diameters_mm").at(0).get<double>();
  f.short_mm = j.at("diameters_mm").at(1).get<double>();
  f.center_px = ReadPoint(j.at("center_px"));
  f.long_axis = ReadSegment(j.at("calipers_px").at("long"));
  f.short_axis = ReadSegment(j.at("calipers_px").at("short"));
  f.confidence = j.value("confidence", 0.0);
  f.origin = ReadOrigin(j.at("origin").get<std::string>());
  if (!(f.long_mm > 0) || !(f.short_mm > 0)) throw std::runtime_error("follicle " + f.id + " has a non-positive diameter");
  return f;
}

std::vector<VisitFollicle> ReadFollicles(const json& j) {
  std::vector<VisitFollicle> out;
  for (const auto& f : j) out.push_back(ReadFollicle(f));
  return out;
}

json FolliclesJson(const std::vector<VisitFollicle>& follicles) {
  json out = json::array();
  for (const auto& f : follicles) out.push_back(VisitFollicleToJson(f));
  return out;
}

json ScanToJson(const ScanEntry& s) {
  json j;
  j["sop_class_uid"] = s.sop_class_uid;
  j["sop_instance_uid"] = s.sop_instance_uid;
  j["study_instance_uid"] = s.study_instance_uid;
  j["series_instance_uid"] = s.series_instance_uid;
  j["file_sha256"] = s.file_sha256;
  j["study_date"] = s.study_date;
  j["series_description"] = s.series_description;
  j["kind"] = ToString(s.kind());
  j["frames"] = s.frame_count;
  j["width"] = s.width;
  j["height"] = s.height;
  j["side"] = ToString(s.side);
  j["side_source"] = ToString(s.side_source);
  j["calibrated"] = s.calibrated;
  j["calibration"] = s.calibration;
  j["analysed"] = s.analysed;
  j["software_version"] = s.software_version;
  j["parameters_hash"] = s.parameters_hash;
  j["ovary_found"] = s.ovary_found;
  j["ovary_diameters_mm"] = (s.ovary_long_mm && s.ovary_short_mm)
                                ? json::array({*s.ovary_long_mm, *s.ovary_short_mm})
                                : json(nullptr);
  j["afc_candidates"] = s.afc_candidates();
  j["follicles"] = FolliclesJson(s.follicles);
  j["duplicate_imports"] = s.duplicate_imports;
  j["notes"] = s.notes;
  // Only when boxed: an automatic visit's JSON (and fingerprint) stays as it was.
  if (s.ovary_box_px) j["ovary_box_px"] = ImageBoxToJson(*s.ovary_box_px);
  return j;
}

ScanEntry ReadScan(const json& j) {
  ScanEntry s;
  s.sop_class_uid = j.value("sop_class_uid", std::string());
  s.sop_instance_uid = j.at("sop_instance_uid").get<std::string>();
  s.study_instance_uid = j.value("study_instance_uid", std::string());
  s.series_instance_uid = j.value("series_instance_uid", std::string());
  s.file_sha256 = j.at("file_sha256").get<std::string>();
  s.study_date = j.at("study_date").get<std::string>();
  s.series_description = j.value("series_description", std::string());
  s.frame_count = j.at("frames").get<int>();
  s.width = j.value("width", 0);
  s.height = j.value("height", 0);
  auto side = SideFromString(j.at("side").get<std::string>());
  auto source = SideSourceFromString(j.at("side_source").get<std::string>());
  if (!side || !source) throw std::runtime_error("scan " + s.sop_instance_uid + ": bad side");
  s.side = *side;
  s.side_source = *source;
  s.calibrated = j.at("calibrated").get<bool>();
  s.calibration = j.value("calibration", std::string());
  s.analysed = j.at("analysed").get<bool>();
  s.software_version = j.value("software_version", std::string());
  s.parameters_hash = j.value("parameters_hash", std::string());
  s.ovary_found = j.value("ovary_found", false);
  if (j.contains("ovary_diameters_mm") && !j.at("ovary_diameters_mm").is_null()) {
    s.ovary_long_mm = j.at("ovary_diameters_mm").at(0).get<double>();
    s.ovary_short_mm = j.at("ovary_diameters_mm").at(1).get<double>();
  }
  s.follicles = ReadFollicles(j.at("follicles"));
  s.duplicate_imports = j.value("duplicate_imports", 0);
  s.notes = j.value("notes", std::vector<std::string>());
  if (!IsDicomUid(s.sop_instance_uid)) throw std::runtime_error("scan has an invalid SOP Instance UID");
  if (const auto box = j.find("ovary_box_px"); box != j.end() && !box->is_null()) {
    auto read = ImageBoxFromJson(*box, s.width, s.height);
    if (!read) throw std::runtime_error("scan " + s.sop_instance_uid + ": ovary_box_px: " + read.error().message);
    s.ovary_box_px = *read;
  }
  return s;
}

json OvaryToJson(const OvaryResult& o) {
  json j;
  j["status"] = ToString(o.status);
  j["status_source"] = o.status_by_reviewer ? "reviewer" : "automatic";
  j["afc"] = OptionalInt(o.Afc());
  j["afc_from_single_frame"] = o.afc_from_single_frame();
  j["counts"] = Counts(o.Counts());
  j["largest_follicle_mm"] = Optional(o.LargestFollicleMm());
  if (o.counting_scan.empty()) {
    j["counting_scan"] = nullptr;
  } else {
    j["counting_scan"] = {{"sop_instance_uid", o.counting_scan},
                          {"basis", ToString(o.basis)},
                          {"kind", o.counting_scan_is_still ? "still" : "sweep"},
                          {"calibrated", o.counting_scan_calibrated}};
  }
  j["diameters_mm"] = {{"length", Optional(o.length_mm)},
                       {"width", Optional(o.width_mm)},
                       {"height", Optional(o.height_mm)},
                       {"source", o.diameters_source}};
  j["volume_ml"] = Optional(o.VolumeMl());
  j["next_follicle_number"] = o.next_follicle_number;
  j["follicles"] = FolliclesJson(o.follicles);
  j["notes"] = o.notes;
  return j;
}

OvaryResult ReadOvary(const json& j, Side side) {
  OvaryResult o;
  o.side = side;
  auto status = OvaryStatusFromString(j.at("status").get<std::string>());
  if (!status) throw std::runtime_error(std::string(ToString(side)) + " ovary: unknown status");
  o.status = *status;
  o.status_by_reviewer = j.value("status_source", std::string("automatic")) == "reviewer";
  if (!j.at("counting_scan").is_null()) {
    const auto& c = j.at("counting_scan");
    o.counting_scan = c.at("sop_instance_uid").get<std::string>();
    auto basis = CountingBasisFromString(c.at("basis").get<std::string>());
    if (!basis) throw std::runtime_error("unknown counting basis");
    o.basis = *basis;
    o.counting_scan_is_still = c.at("kind").get<std::string>() == "still";
    o.counting_scan_calibrated = c.at("calibrated").get<bool>();
  }
  const auto& d = j.at("diameters_mm");
  o.length_mm = ReadOptional(d, "length");
  o.width_mm = ReadOptional(d, "width");
  o.height_mm = ReadOptional(d, "height");
  o.diameters_source = d.value("source", std::string());
  o.next_follicle_number = j.at("next_follicle_number").get<int>();
  o.follicles = ReadFollicles(j.at("follicles"));
  o.notes = j.value("notes", std::vector<std::string>());
  return o;
}

}  // namespace

Result<VisitFollicle> VisitFollicleFromJson(const json& j) {
  try {
    return ReadFollicle(j);
  } catch (const std::exception& ex) {
    return MakeError(ErrorCode::kCorrupt, std::string("follicle: ") + ex.what());
  }
}

json VisitFollicleToJson(const VisitFollicle& f) {
  json j;
  j["id"] = f.id;
  j["sop_instance_uid"] = f.sop_instance_uid;
  j["frame"] = f.frame;
  j["diameters_mm"] = json::array({f.long_mm, f.short_mm});
  j["mean_diameter_mm"] = f.mean_mm();
  j["bin"] = ToString(f.bin());
  j["counted_in_afc"] = f.counted_in_afc();
  j["origin"] = ToString(f.origin);
  j["confidence"] = f.confidence;
  j["center_px"] = Point(f.center_px);
  j["calipers_px"] = {{"long", Segment(f.long_axis)}, {"short", Segment(f.short_axis)}};
  return j;
}

json VisitToJson(const VisitResult& v) {
  json j;
  j["schema"] = kVisitSchema;
  j["subject_id"] = v.subject_id;
  j["visit"] = v.visit_number;
  j["visit_label"] = v.FolderName();
  j["baseline_date"] = v.baseline_date;
  j["interval_days"] = v.interval_days;
  j["target_date"] = v.TargetDate();
  j["scan_dates"] = v.ScanDates();
  j["calibrated"] = v.Calibrated();
  j["software"] = {{"name", "antra"}, {"version", v.software_version}};
  std::set<std::string> hashes, versions;
  for (const auto& s : v.scans) {
    if (!s.parameters_hash.empty()) hashes.insert(s.parameters_hash);
    if (!s.software_version.empty()) versions.insert(s.software_version);
  }
  j["pipeline"] = {{"parameters_hashes", hashes}, {"software_versions", versions}};
  j["automatic_fingerprint"] = v.automatic_fingerprint;
  j["revision"] = v.revision;
  j["review"] = {{"status", ToString(v.review.status)},
                 {"reviewer", v.review.reviewer.empty() ? json(nullptr) : json(v.review.reviewer)},
                 {"signed_at", v.review.signed_at.empty() ? json(nullptr) : json(v.review.signed_at)},
                 {"reviewer_changes", v.reviewer_changes}};
  j["total_afc"] = OptionalInt(v.TotalAfc());
  j["largest_follicle_mm"] = Optional(v.LargestFollicleMm());
  j["ovaries"] = {{"left", OvaryToJson(v.left)}, {"right", OvaryToJson(v.right)}};
  json scans = json::array();
  for (const auto& s : v.scans) scans.push_back(ScanToJson(s));
  j["scans"] = std::move(scans);
  j["notes"] = v.notes;
  return j;
}

Result<VisitResult> VisitFromJson(const json& j) {
  try {
    const std::string schema = j.at("schema").get<std::string>();
    if (schema != kVisitSchema) {
      return MakeError(ErrorCode::kUnsupported, "visit.json schema '" + schema + "' is not " + kVisitSchema);
    }
    VisitResult v;
    v.subject_id = j.at("subject_id").get<std::string>();
    if (Status s = CheckSubjectId(v.subject_id); !s) return MakeError(ErrorCode::kCorrupt, s.error().message);
    v.visit_number = j.at("visit").get<int>();
    if (v.visit_number < 0 || v.visit_number > 999) return MakeError(ErrorCode::kCorrupt, "visit number out of range");
    v.baseline_date = j.at("baseline_date").get<std::string>();
    if (!Date::Parse(v.baseline_date)) return MakeError(ErrorCode::kCorrupt, "bad baseline date");
    v.interval_days = j.at("interval_days").get<int>();
    v.software_version = j.at("software").value("version", std::string());
    v.automatic_fingerprint = j.value("automatic_fingerprint", std::string());
    v.revision = j.at("revision").get<int>();
    const auto& review = j.at("review");
    v.review.status = review.at("status").get<std::string>() == "signed-off" ? ReviewStatus::kSignedOff
                                                                              : ReviewStatus::kUnreviewed;
    if (!review.at("reviewer").is_null()) v.review.reviewer = review.at("reviewer").get<std::string>();
    if (!review.at("signed_at").is_null()) v.review.signed_at = review.at("signed_at").get<std::string>();
    v.reviewer_changes = review.value("reviewer_changes", false);
    for (const auto& s : j.at("scans")) v.scans.push_back(ReadScan(s));
    v.left = ReadOvary(j.at("ovaries").at("left"), Side::kLeft);
    v.right = ReadOvary(j.at("ovaries").at("right"), Side::kRight);
    v.notes = j.value("notes", std::vector<std::string>());
    return v;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("visit.json: ") + e.what());
  }
}

std::string VisitJsonText(const VisitResult& visit) { return VisitToJson(visit).dump(2) + "\n"; }

Result<VisitResult> ParseVisitJson(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return MakeError(ErrorCode::kCorrupt, "visit.json is not valid JSON");
  return VisitFromJson(j);
}

std::string AutomaticFingerprint(const VisitResult& visit) {
  json j = VisitToJson(visit);
  j.erase("revision");
  j.erase("review");
  j.erase("automatic_fingerprint");
  return Sha256Hex(j.dump());
}

}  // namespace antra
