#pragma once
// What every export sends: the signed-off or not, complete contents of the
// results folder as flat rows (visits, ovaries, follicles, source images, and
// subjects). Read from visit.json files only, never from private/. The
// treatment arm is filled only when asked for (--include-arm) and only from
// the study's mapping file, which lives outside results/.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "study/subjects.h"
#include "study/visit.h"

namespace antra {

// Which visits an export owns; empty means every visit.
using VisitScope = std::function<bool(const std::string& subject_id, int visit)>;

struct ExportOptions {
  bool include_arm = false;
  std::optional<std::filesystem::path> mapping;  // required with include_arm
  // Only these visits are read from the results, and only these are inserted,
  // replaced or deleted in the database (SQL targets only). `antra batch
  // --shard I/N` owns its shard's visits, so shards exporting into one
  // database never delete each other's rows.
  VisitScope owns_visit;
  Status Check() const;
};

struct VisitRow {
  std::string subject_id;
  int visit = 0;
  std::string visit_label, baseline_date, target_date, scan_dates;  // scan dates joined with ';'
  bool calibrated = false;
  std::optional<int> total_afc;
  std::optional<double> largest_follicle_mm;
  std::string review_status, reviewer, signed_at;
  int revision = 0;
  std::string software_version, parameters_hashes;
  std::string content_sha256;  // of this visit's exported rows: re-export skips unchanged visits
};

struct OvaryRow {
  std::string subject_id;
  int visit = 0;
  std::string side, status, status_source;
  std::optional<int> afc, count_under_2, count_2_to_under_6, count_6_to_10, count_over_10;
  std::optional<double> largest_follicle_mm;
  std::string counting_scan_uid, counting_basis;  // empty when none
  bool afc_from_single_frame = false;
  std::optional<double> length_mm, width_mm, height_mm, volume_ml;
  int follicle_count = 0;
};

struct FollicleRow {
  std::string subject_id;
  int visit = 0;
  std::string side, follicle_id, sop_instance_uid;
  int frame = 0;
  double long_mm = 0, short_mm = 0, mean_mm = 0;
  std::string size_bin;
  bool counted_in_afc = false;
  std::string origin;
};

struct ImageRow {
  std::string subject_id;
  int visit = 0;
  std::string sop_instance_uid, study_instance_uid, series_instance_uid, file_sha256, study_date, kind;
  int frames = 1;
  std::string side, side_source;
  bool calibrated = false, analysed = false;
  std::string counting_for;  // "left", "right" or empty
};

// One entry of a visit's audit trail (audit.jsonl): every automatic save and
// reviewer action, in order. `seq` numbers them from 1 within the visit.
struct ReviewEventRow {
  std::string subject_id;
  int visit = 0;
  int seq = 0;
  std::string time, who, action, target, reason;
  int revision = 0;
  std::string before_json, after_json;  // compact JSON ("null" when none)
};

struct SubjectRow {
  std::string subject_id;
  std::optional<std::string> arm;  // only with include_arm
};

struct ExportData {
  std::vector<SubjectRow> subjects;  // sorted
  std::vector<VisitRow> visits;      // sorted by subject, visit
  std::vector<OvaryRow> ovaries;
  std::vector<FollicleRow> follicles;
  std::vector<ImageRow> images;
  std::vector<ReviewEventRow> review_events;
  std::vector<VisitResult> visit_results;  // same order as visits (for the SR export)
  VisitScope owns_visit;                   // from ExportOptions: the database rows this export may change
};

// Loads every visit. Any unreadable visit fails the whole export (naming the
// folder): a partial export would delete that visit's rows downstream.
Result<ExportData> CollectExportData(const std::filesystem::path& results_root, const ExportOptions& options);

}  // namespace antra
