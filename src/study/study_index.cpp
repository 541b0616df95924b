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

Result<StudyPlan> PlanStudy(const std::vector<ScannedFile>& files, const SubjectMapping* mapping, SubjectKey key,
                            const StudyOptions& options) {
  if (Status s = options.Check(); !s) return s.error();
  StudyPlan plan;
  auto skip = [&](size_t i, std::string reason) { plan.skipped.push_back({files[i].path, std::move(reason)}); };

  // 1. Same SOP Instance UID imported twice counts once: keep the file with
  // the smallest (hash, path) so the choice does not depend on file order.
  std::map<std::string, std::vector<size_t>> by_uid;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& uid = files[i].info.sop_instance_uid;
    if (uid.empty()) {
      skip(i, "no SOP Instance UID (plain images cannot be placed in a study)");
    } else if (!IsDicomUid(uid)) {
      skip(i, "SOP Instance UID is not a valid UID");
    } else {
      by_uid[uid].push_back(i);
    }
  }
  std::vector<size_t> unique;
  std::map<size_t, int> duplicates;
  for (auto& [uid, indices] : by_uid) {
    std::sort(indices.begin(), indices.end(), [&](size_t a, size_t b) {
      return std::tie(files[a].file_sha256, files[a].path) < std::tie(files[b].file_sha256, files[b].path);
    });
    const size_t kept = indices.front();
    bool conflict = false;
    for (size_t k = 1; k < indices.size(); ++k) {
      if (files[indices[k]].identity.patient_id != files[kept].identity.patient_id) conflict = true;
    }
    if (conflict) {
      for (size_t i : indices) skip(i, "the same SOP Instance UID appears with different patients");
      continue;
    }
    unique.push_back(kept);
    duplicates[kept] = static_cast<int>(indices.size()) - 1;
  }

  // 2. Subject per file.
  std::map<size_t, std::string> subject_of;
  std::map<std::string, std::vector<size_t>> files_of_patient;
  for (size_t i : unique) {
    const std::string& pid = files[i].identity.patient_id;
    if (pid.empty()) {
      skip(i, "no PatientID");
      continue;
    }
    if (!Date::Parse(files[i].info.study_date)) {
      skip(i, "no valid StudyDate");
      continue;
    }
    files_of_patient[pid].push_back(i);
  }
  // Patients in order of their first scan, for deterministic S### numbers.
  std::vector<std::pair<std::tuple<std::string, std::string, std::string>, std::string>> patients;
  for (auto& [pid, indices] : files_of_patient) {
    auto first = AppearanceKey(files[indices.front()]);
    for (size_t i : indices) first = std::min(first, AppearanceKey(files[i]));
    patients.push_back({first, pid});
  }
  std::sort(patients.begin(), patients.end());
  for (const auto& [first, pid] : patients) {
    std::string subject;
    if (mapping) {
      const MappingEntry* m = mapping->Find(pid);
      if (!m) {
        for (size_t i : files_of_patient[pid]) skip(i, "PatientID not in the subject mapping");
        continue;
      }
      const SubjectKeyEntry* known = key.FindByPatient(pid);
      if (known && known->subject_id != m->subject_id) {
        for (size_t i : files_of_patient[pid]) {
          skip(i, "subject key gives " + known->subject_id + " but the mapping gives " + m->subject_id);
        }
        continue;
      }
      subject = m->subject_id;
      if (!known) key.Put({pid, subject, std::nullopt, ""});
      if (m->baseline) key.SetBaseline(pid, *m->baseline, "mapping");
    } else {
      const SubjectKeyEntry* known = key.FindByPatient(pid);
      subject = known ? known->subject_id : key.AssignNext(pid).subject_id;
    }
    for (size_t i : files_of_patient[pid]) subject_of[i] = subject;
  }

  // 3. Baseline per subject: mapping or key first, else earliest scan.
  std::map<std::string, std::vector<size_t>> files_of_subject;
  for (const auto& [i, subject] : subject_of) files_of_subject[subject].push_back(i);
  for (const auto& [subject, indices] : files_of_subject) {
    std::optional<Date> baseline;
    for (const auto& e : key.entries()) {
      if (e.subject_id == subject && e.baseline) baseline = e.baseline;
    }
    if (!baseline) {
      Date earliest = *Date::Parse(files[indices.front()].info.study_date);
      for (size_t i : indices) earliest = std::min(earliest, *Date::Parse(files[i].info.study_date));
      baseline = earliest;
      key.SetBaseline(files[indices.front()].identity.patient_id, earliest, "earliest-scan");
    }
    plan.baselines.emplace(subject, *baseline);

    // 4. Visit number: nearest baseline + n x interval.
    for (size_t i : indices) {
      const Date date = *Date::Parse(files[i].info.study_date);
      const long days = baseline->DaysUntil(date);
      const long n = std::lround(static_cast<double>(days) / options.interval_days);
      if (n < 0) {
        skip(i, "StudyDate " + date.Iso() + " is before the baseline " + baseline->Iso());
        continue;
      }
      if (n > 999) {
        skip(i, "StudyDate " + date.Iso() + " is more than 999 visits after the baseline");
        continue;
      }
      PlannedScan scan{i, DecideSide(files[i].info), duplicates[i]};
      plan.visits[{subject, static_cast<int>(n)}].push_back(scan);
    }
  }
  for (auto& [ref, scans] : plan.visits) {
    std::sort(scans.begin(), scans.end(), [&](const PlannedScan& a, const PlannedScan& b) {
      return files[a.file].info.sop_instance_uid < files[b.file].info.sop_instance_uid;
    });
  }
  std::sort(plan.skipped.begin(), plan.skipped.end(),
            [](const SkippedFile& a, const SkippedFile& b) { return std::tie(a.path, a.reason) < std::tie(b.path, b.reason); });
  plan.key = std::move(key);
  return plan;
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
