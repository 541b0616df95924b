#include "export/export_data.h"

#include <set>

#include <nlohmann/json.hpp>

#include "study/sha256.h"
#include "study/visit_edit.h"
#include "study/visit_store.h"

namespace antra {

namespace {

using nlohmann::json;

json Opt(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

OvaryRow MakeOvaryRow(const VisitResult& v, Side side) {
  const OvaryResult& o = v.ovary(side);
  OvaryRow r;
  r.subject_id = v.subject_id;
  r.visit = v.visit_number;
  r.side = ToString(side);
  r.status = ToString(o.status);
  r.status_source = o.status_by_reviewer ? "reviewer" : "automatic";
  if (auto c = o.Counts()) {
    r.afc = c->afc();
    r.count_under_2 = c->under_2;
    r.count_2_to_under_6 = c->from_2_to_6;
    r.count_6_to_10 = c->from_6_to_10;
    r.count_over_10 = c->over_10;
  }
  r.largest_follicle_mm = o.LargestFollicleMm();
  r.counting_scan_uid = o.counting_scan;
  r.counting_basis = ToString(o.basis);
  r.afc_from_single_frame = o.afc_from_single_frame();
  r.length_mm = o.length_mm;
  r.width_mm = o.width_mm;
  r.height_mm = o.height_mm;
  r.volume_ml = o.VolumeMl();
  r.follicle_count = static_cast<int>(o.follicles.size());
  return r;
}

// A canonical form of one visit's rows; its hash tells an export whether the
// visit changed since the last one.
std::string VisitContentHash(const VisitRow& v, const std::vector<OvaryRow>& ovaries,
                             const std::vector<FollicleRow>& follicles, const std::vector<ImageRow>& images,
                             const std::vector<ReviewEventRow>& events) {
  json j;
  j["visit"] = {v.subject_id, v.visit, v.visit_label, v.baseline_date, v.target_date, v.scan_dates, v.calibrated,
                Opt(v.total_afc), Opt(v.largest_follicle_mm), v.review_status, v.reviewer, v.signed_at, v.revision,
                v.software_version, v.parameters_hashes};
  for (const auto& o : ovaries) {
    j["ovaries"].push_back({o.side, o.status, o.status_source, Opt(o.afc), Opt(o.count_under_2),
                            Opt(o.count_2_to_under_6), Opt(o.count_6_to_10), Opt(o.count_over_10),
                            Opt(o.largest_follicle_mm), o.counting_scan_uid, o.counting_basis, o.afc_from_single_frame,
                            Opt(o.length_mm), Opt(o.width_mm), Opt(o.height_mm), Opt(o.volume_ml), o.follicle_count});
  }
  for (const auto& f : follicles) {
    j["follicles"].push_back({f.side, f.follicle_id, f.sop_instance_uid, f.frame, f.long_mm, f.short_mm, f.mean_mm,
                              f.size_bin, f.counted_in_afc, f.origin});
  }
  for (const auto& i : images) {
    j["images"].push_back({i.sop_instance_uid, i.study_instance_uid, i.series_instance_uid, i.file_sha256,
                           i.study_date, i.kind, i.frames, i.side, i.side_source, i.calibrated, i.analysed,
                           i.counting_for});
  }
  // The trail without its times: two runs that agree on everything else write
  // it at different times, and a discarded automatic result adds an entry
  // without a new visit revision.
  for (const auto& e : events) {
    j["events"].push_back({e.seq, e.who, e.action, e.target, e.reason, e.revision, e.before_json, e.after_json});
  }
  return Sha256Hex(j.dump());
}

std::vector<ReviewEventRow> MakeEventRows(const VisitResult& v, const std::vector<AuditEntry>& audit) {
  std::vector<ReviewEventRow> rows;
  int seq = 0;
  for (const auto& a : audit) {
    rows.push_back({v.subject_id, v.visit_number, ++seq, a.time, a.who, a.action, a.target, a.reason, a.revision,
                    a.before.dump(), a.after.dump()});
  }
  return rows;
}

}  // namespace

Status ExportOptions::Check() const {
  if (include_arm && !mapping) {
    return MakeError(ErrorCode::kInvalidArgument, "--include-arm needs --mapping FILE (the arm is never stored in results)");
  }
  return Status::Ok();
}

Result<ExportData> CollectExportData(const std::filesystem::path& results_root, const ExportOptions& options) {
  if (Status s = options.Check(); !s) return s.error();
  std::optional<SubjectMapping> mapping;
  if (options.include_arm) {
    auto m = SubjectMapping::Load(*options.mapping);
    if (!m) return MakeError(m.error().code, options.mapping->string() + ": " + m.error().message);
    mapping = std::move(*m);
  }
  ResultsStore store(results_root);
  auto refs = store.ListVisits();
  if (!refs) return refs.error();
  ExportData data;
  data.owns_visit = options.owns_visit;
  std::set<std::string> subjects;
  for (const auto& ref : *refs) {
    if (options.owns_visit && !options.owns_visit(ref.subject_id, ref.visit_number)) continue;
    auto v = store.Load(ref);
    if (!v) {
      return MakeError(v.error().code, ref.subject_id + "/" + ResultsStore::VisitFolderName(ref.visit_number) + ": " +
                                           v.error().message);
    }
    subjects.insert(v->subject_id);
    VisitRow row;
    row.subject_id = v->subject_id;
    row.visit = v->visit_number;
    row.visit_label = v->FolderName();
    row.baseline_date = v->baseline_date;
    row.target_date = v->TargetDate();
    for (const auto& d : v->ScanDates()) row.scan_dates += (row.scan_dates.empty() ? "" : ";") + d;
    row.calibrated = v->Calibrated();
    row.total_afc = v->TotalAfc();
    row.largest_follicle_mm = v->LargestFollicleMm();
    row.review_status = ToString(v->review.status);
    row.reviewer = v->review.reviewer;
    row.signed_at = v->review.signed_at;
    row.revision = v->revision;
    row.software_version = v->software_version;
    std::set<std::string> hashes;
    for (const auto& s : v->scans) {
      if (!s.parameters_hash.empty()) hashes.insert(s.parameters_hash);
    }
    for (const auto& h : hashes) row.parameters_hashes += (row.parameters_hashes.empty() ? "" : ";") + h;

    std::vector<OvaryRow> ovaries = {MakeOvaryRow(*v, Side::kLeft), MakeOvaryRow(*v, Side::kRight)};
    std::vector<FollicleRow> follicles;
    for (Side side : {Side::kLeft, Side::kRight}) {
      for (const auto& f : v->ovary(side).follicles) {
        follicles.push_back({v->subject_id, v->visit_number, ToString(side), f.id, f.sop_instance_uid, f.frame,
                             f.long_mm, f.short_mm, f.mean_mm(), ToString(f.bin()), f.counted_in_afc(),
                             ToString(f.origin)});
      }
    }
    std::vector<ImageRow> images;
    for (const auto& s : v->scans) {
      ImageRow i{v->subject_id, v->visit_number, s.sop_instance_uid, s.study_instance_uid, s.series_instance_uid,
                 s.file_sha256, s.study_date, ToString(s.kind()), s.frame_count, ToString(s.side),
                 ToString(s.side_source), s.calibrated, s.analysed, ""};
      if (v->left.counting_scan == s.sop_instance_uid) i.counting_for = "left";
      if (v->right.counting_scan == s.sop_instance_uid) i.counting_for = "right";
      images.push_back(std::move(i));
    }
    auto audit = store.LoadAudit(ref);
    if (!audit) {
      return MakeError(audit.error().code, ref.subject_id + "/" + ResultsStore::VisitFolderName(ref.visit_number) +
                                               "/audit.jsonl: " + audit.error().message);
    }
    std::vector<ReviewEventRow> events = MakeEventRows(*v, *audit);
    row.content_sha256 = VisitContentHash(row, ovaries, follicles, images, events);
    data.visits.push_back(std::move(row));
    data.ovaries.insert(data.ovaries.end(), ovaries.begin(), ovaries.end());
    data.follicles.insert(data.follicles.end(), follicles.begin(), follicles.end());
    data.images.insert(data.images.end(), images.begin(), images.end());
    data.review_events.insert(data.review_events.end(), events.begin(), events.end());
    data.visit_results.push_back(std::move(*v));
  }
  for (const auto& s : subjects) {
    SubjectRow row{s, std::nullopt};
    if (mapping) {
      const std::string arm = mapping->ArmOf(s);
      if (!arm.empty()) row.arm = arm;
    }
    data.subjects.push_back(std::move(row));
  }
  return data;
}

}  // namespace antra
