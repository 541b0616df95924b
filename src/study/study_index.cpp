#include "study/study_index.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "core/atomic_file.h"
#include "study/csv.h"
#include "study/safe_names.h"

namespace antra {

namespace {

struct Candidate {
  size_t file;
  Date date;
};

// Sort key for "first appearance": study date, study time, SOP Instance UID.
std::tuple<std::string, std::string, std::string> AppearanceKey(const ScannedFile& f) {
  return {f.info.study_date, f.info.study_time, f.info.sop_instance_uid};
}

}  // namespace

Status StudyOptions::Check() const {
  if (interval_days < 1 || interval_days > 365) {
    return MakeError(ErrorCode::kInvalidArgument, "visit interval must be 1 to 365 days");
  }
  return Status::Ok();
}

namespace {

// PlanStudy's steps, sharing the files and the plan they fill.
class StudyPlanner {
 public:
  StudyPlanner(const std::vector<ScannedFile>& files, SubjectKey& key) : files_(files), key_(key) {}

  // 1. Same SOP Instance UID imported twice counts once: keep the file with
  // the smallest (hash, path) so the choice does not depend on file order.
  // Returns the files kept; `duplicates_` says how many copies each had.
  std::vector<size_t> KeepOneCopyPerImage() {
    std::map<std::string, std::vector<size_t>> by_uid;
    for (size_t i = 0; i < files_.size(); ++i) {
      const auto& uid = files_[i].info.sop_instance_uid;
      if (uid.empty()) {
        Skip(i, "no SOP Instance UID (plain images cannot be placed in a study)");
      } else if (!IsDicomUid(uid)) {
        Skip(i, "SOP Instance UID is not a valid UID");
      } else {
        by_uid[uid].push_back(i);
      }
    }
    std::vector<size_t> unique;
    for (auto& [uid, indices] : by_uid) {
      std::sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
        return std::tie(files_[a].file_sha256, files_[a].path) < std::tie(files_[b].file_sha256, files_[b].path);
      });
      const size_t kept = indices.front();
      const bool conflict = std::any_of(indices.begin() + 1, indices.end(), [&](size_t k) {
        return files_[k].identity.patient_id != files_[kept].identity.patient_id;
      });
      if (conflict) {
        for (size_t i : indices) Skip(i, "the same SOP Instance UID appears with different patients");
        continue;
      }
      unique.push_back(kept);
      duplicates_[kept] = static_cast<int>(indices.size()) - 1;
    }
    return unique;
  }

  // 2. The subject of each file, patients taken in order of their first scan
  // (deterministic S### numbers).
  std::map<size_t, std::string> AssignSubjects(const std::vector<size_t>& unique, const SubjectMapping* mapping) {
    std::map<std::string, std::vector<size_t>> files_of_patient;
    for (size_t i : unique) {
      if (files_[i].identity.patient_id.empty()) {
        Skip(i, "no PatientID");
      } else if (!Date::Parse(files_[i].info.study_date)) {
        Skip(i, "no valid StudyDate");
      } else {
        files_of_patient[files_[i].identity.patient_id].push_back(i);
      }
    }
    std::vector<std::pair<std::tuple<std::string, std::string, std::string>, std::string>> patients;
    for (auto& [pid, indices] : files_of_patient) {
      auto first = AppearanceKey(files_[indices.front()]);
      for (size_t i : indices) first = std::min(first, AppearanceKey(files_[i]));
      patients.push_back({first, pid});
    }
    std::sort(patients.begin(), patients.end());
    std::map<size_t, std::string> subject_of;
    for (const auto& [first, pid] : patients) {
      const std::vector<size_t>& indices = files_of_patient[pid];
      const std::optional<std::string> subject = mapping ? SubjectFromMapping(pid, *mapping, indices) : SubjectFromKey(pid);
      if (!subject) continue;
      for (size_t i : indices) subject_of[i] = *subject;
    }
    return subject_of;
  }

  // 3-4. Each subject's baseline (mapping or key first, else the earliest
  // scan, recorded in the key) and each file's visit: the nearest baseline +
  // n x interval.
  void PlanVisits(const std::map<size_t, std::string>& subject_of, int interval_days) {
    std::map<std::string, std::vector<size_t>> files_of_subject;
    for (const auto& [i, subject] : subject_of) files_of_subject[subject].push_back(i);
    for (const auto& [subject, indices] : files_of_subject) {
      const Date baseline = Baseline(subject, indices);
      plan_.baselines.emplace(subject, baseline);
      for (size_t i : indices) {
        const Date date = *Date::Parse(files_[i].info.study_date);
        const long n = std::lround(static_cast<double>(baseline.DaysUntil(date)) / interval_days);
        if (n < 0) {
          Skip(i, "StudyDate " + date.Iso() + " is before the baseline " + baseline.Iso());
        } else if (n > 999) {
          Skip(i, "StudyDate " + date.Iso() + " is more than 999 visits after the baseline");
        } else {
          plan_.visits[{subject, static_cast<int>(n)}].push_back({i, DecideSide(files_[i].info), duplicates_[i]});
        }
      }
    }
  }

  StudyPlan Finish() {
    for (auto& [ref, scans] : plan_.visits) {
      std::sort(scans.begin(), scans.end(), [&](const PlannedScan& a, const PlannedScan& b) {
        return files_[a.file].info.sop_instance_uid < files_[b.file].info.sop_instance_uid;
      });
    }
    std::sort(plan_.skipped.begin(), plan_.skipped.end(), [](const SkippedFile& a, const SkippedFile& b) {
      return std::tie(a.path, a.reason) < std::tie(b.path, b.reason);
    });
    plan_.key = std::move(key_);
    return std::move(plan_);
  }

 private:
  void Skip(size_t i, std::string reason) { plan_.skipped.push_back({files_[i].path, std::move(reason)}); }

  // The mapping's subject, recorded in the key; nothing (files skipped) when
  // the patient is not mapped or the key says otherwise.
  std::optional<std::string> SubjectFromMapping(const std::string& pid, const SubjectMapping& mapping,
                                                const std::vector<size_t>& indices) {
    const MappingEntry* m = mapping.Find(pid);
    if (!m) {
      for (size_t i : indices) Skip(i, "PatientID not in the subject mapping");
      return std::nullopt;
    }
    const SubjectKeyEntry* known = key_.FindByPatient(pid);
    if (known && known->subject_id != m->subject_id) {
      for (size_t i : indices) Skip(i, "subject key gives " + known->subject_id + " but the mapping gives " + m->subject_id);
      return std::nullopt;
    }
    if (!known) key_.Put({pid, m->subject_id, std::nullopt, ""});
    if (m->baseline) key_.SetBaseline(pid, *m->baseline, "mapping");
    return m->subject_id;
  }

  // Without a mapping: the key's subject, else the next S###.
  std::string SubjectFromKey(const std::string& pid) {
    const SubjectKeyEntry* known = key_.FindByPatient(pid);
    return known ? known->subject_id : key_.AssignNext(pid).subject_id;
  }

  Date Baseline(const std::string& subject, const std::vector<size_t>& indices) {
    std::optional<Date> baseline;
    for (const auto& e : key_.entries()) {
      if (e.subject_id == subject && e.baseline) baseline = e.baseline;
    }
    if (baseline) return *baseline;
    Date earliest = *Date::Parse(files_[indices.front()].info.study_date);
    for (size_t i : indices) earliest = std::min(earliest, *Date::Parse(files_[i].info.study_date));
    key_.SetBaseline(files_[indices.front()].identity.patient_id, earliest, "earliest-scan");
    return earliest;
  }

  const std::vector<ScannedFile>& files_;
  SubjectKey& key_;
  StudyPlan plan_;
  std::map<size_t, int> duplicates_;  // per kept file: its extra copies
};

}  // namespace

Result<StudyPlan> PlanStudy(const std::vector<ScannedFile>& files, const SubjectMapping* mapping, SubjectKey key,
                            const StudyOptions& options) {
  if (Status s = options.Check(); !s) return s.error();
  StudyPlanner planner(files, key);
  const std::vector<size_t> unique = planner.KeepOneCopyPerImage();
  const std::map<size_t, std::string> subject_of = planner.AssignSubjects(unique, mapping);
  planner.PlanVisits(subject_of, options.interval_days);
  return planner.Finish();
}

Result<std::map<std::string, std::filesystem::path>> LoadScanPaths(const std::filesystem::path& results_root) {
  std::map<std::string, std::filesystem::path> paths;
  const auto file = results_root / "private" / "scan-paths.csv";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return paths;
  auto rows = ReadCsvFile(file);
  if (!rows) return rows.error();
  for (size_t r = 1; r < rows->size(); ++r) {
    if ((*rows)[r].size() >= 2) paths[(*rows)[r][0]] = (*rows)[r][1];
  }
  return paths;
}

Status SaveScanPaths(const std::filesystem::path& results_root, const std::vector<ScannedFile>& files) {
  std::map<std::string, std::pair<std::string, std::string>> rows;
  const auto file = results_root / "private" / "scan-paths.csv";
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto old = ReadCsvFile(file);
    if (!old) return old.error();
    for (size_t r = 1; r < old->size(); ++r) {
      const CsvRow& row = (*old)[r];
      if (row.size() >= 2) rows[row[0]] = {row[1], row.size() > 2 ? row[2] : ""};
    }
  }
  for (const auto& f : files) {
    if (!f.info.sop_instance_uid.empty()) rows[f.info.sop_instance_uid] = {f.path.string(), f.file_sha256};
  }
  std::string text = CsvLine({"sop_instance_uid", "path", "file_sha256"});
  for (const auto& [uid, row] : rows) text += CsvLine({CsvField(uid), CsvField(row.first), CsvField(row.second)});
  return WriteFileAtomically(results_root / "private" / "scan-paths.csv", text);
}

}  // namespace antra
