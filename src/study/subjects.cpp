#include "study/subjects.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "core/atomic_file.h"
#include "study/csv.h"
#include "study/safe_names.h"

namespace antra {

namespace {

std::string NormaliseHeader(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

struct Columns {
  int patient = -1, subject = -1, arm = -1, baseline = -1;
};

Result<Columns> FindColumns(const CsvRow& header) {
  Columns c;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string h = NormaliseHeader(header[i]);
    const int idx = static_cast<int>(i);
    if (h == "patientid") c.patient = idx;
    else if (h == "subjectid" || h == "subject") c.subject = idx;
    else if (h == "arm" || h == "treatmentarm") c.arm = idx;
    else if (h == "baselinedate" || h == "baseline") c.baseline = idx;
  }
  if (c.patient < 0 || c.subject < 0) {
    return MakeError(ErrorCode::kCorrupt, "mapping header must name PatientID and SubjectID columns");
  }
  return c;
}

std::string Cell(const CsvRow& row, int index) {
  return index >= 0 && static_cast<size_t>(index) < row.size() ? Trim(row[static_cast<size_t>(index)]) : std::string();
}

Error LineError(size_t line, const std::string& what) {
  return MakeError(ErrorCode::kCorrupt, "mapping line " + std::to_string(line) + ": " + what);
}

int SubjectNumber(const std::string& subject_id) {
  if (subject_id.size() < 2 || subject_id[0] != 'S') return 0;
  int n = 0;
  for (size_t i = 1; i < subject_id.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(subject_id[i]))) return 0;
    n = n * 10 + (subject_id[i] - '0');
    if (n > 1000000) return 0;
  }
  return n;
}

}  // namespace

Result<SubjectMapping> SubjectMapping::Load(const std::filesystem::path& path) {
  auto rows = ReadCsvFile(path);
  if (!rows) return rows.error();
  return FromRows(*rows);
}

Result<SubjectMapping> SubjectMapping::Parse(const std::string& csv_text) {
  auto rows = ParseCsv(csv_text);
  if (!rows) return rows.error();
  return FromRows(*rows);
}

Result<SubjectMapping> SubjectMapping::FromRows(const std::vector<CsvRow>& rows) {
  SubjectMapping mapping;
  if (rows.empty()) return MakeError(ErrorCode::kEmptyFile, "mapping file is empty");
  auto columns = FindColumns(rows[0]);
  if (!columns) return columns.error();
  std::map<std::string, std::optional<Date>> baseline_of_subject;
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const size_t line = r + 1;
    MappingEntry e;
    e.patient_id = Cell(row, columns->patient);
    e.subject_id = Cell(row, columns->subject);
    e.arm = Cell(row, columns->arm);
    if (e.patient_id.empty()) return LineError(line, "empty PatientID");
    if (Status s = CheckSubjectId(e.subject_id); !s) return LineError(line, s.error().message);
    const std::string baseline = Cell(row, columns->baseline);
    if (!baseline.empty()) {
      e.baseline = Date::Parse(baseline);
      if (!e.baseline) return LineError(line, "baseline date is not YYYY-MM-DD or YYYYMMDD");
    }
    if (mapping.by_patient_.count(e.patient_id)) return LineError(line, "PatientID listed twice");
    // One person may have two hospital IDs, but the study baseline is hers.
    auto known = baseline_of_subject.find(e.subject_id);
    if (known != baseline_of_subject.end() && e.baseline && known->second && *known->second != *e.baseline) {
      return LineError(line, "subject " + e.subject_id + " has two different baseline dates");
    }
    if (e.baseline || known == baseline_of_subject.end()) baseline_of_subject[e.subject_id] = e.baseline;
    mapping.by_patient_[e.patient_id] = mapping.entries_.size();
    mapping.entries_.push_back(std::move(e));
  }
  // Subjects with two PatientIDs share the baseline given on either line.
  for (auto& e : mapping.entries_) {
    if (!e.baseline) e.baseline = baseline_of_subject[e.subject_id];
  }
  return mapping;
}

const MappingEntry* SubjectMapping::Find(const std::string& patient_id) const {
  auto it = by_patient_.find(patient_id);
  return it == by_patient_.end() ? nullptr : &entries_[it->second];
}

std::string SubjectMapping::ArmOf(const std::string& subject_id) const {
  for (const auto& e : entries_) {
    if (e.subject_id == subject_id && !e.arm.empty()) return e.arm;
  }
  return {};
}

std::filesystem::path SubjectKey::PathUnder(const std::filesystem::path& results_root) {
  return results_root / "private" / "subject-key.csv";
}

Result<SubjectKey> SubjectKey::Load(const std::filesystem::path& path) {
  SubjectKey key;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return key;
  auto rows = ReadCsvFile(path);
  if (!rows) return rows.error();
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    if (row.size() < 2) return MakeError(ErrorCode::kCorrupt, "subject key line " + std::to_string(r + 1) + ": too few fields");
    SubjectKeyEntry e;
    e.patient_id = row[0];
    e.subject_id = row[1];
    if (!IsSafeSubjectId(e.subject_id)) {
      return MakeError(ErrorCode::kCorrupt, "subject key line " + std::to_string(r + 1) + ": unsafe subject ID");
    }
    if (row.size() > 2 && !row[2].empty()) {
      e.baseline = Date::Parse(row[2]);
      if (!e.baseline) return MakeError(ErrorCode::kCorrupt, "subject key line " + std::to_string(r + 1) + ": bad baseline date");
    }
    if (row.size() > 3) e.baseline_source = row[3];
    key.entries_.push_back(std::move(e));
  }
  return key;
}

Status SubjectKey::Save(const std::filesystem::path& path) const {
  std::vector<SubjectKeyEntry> sorted = entries_;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::tie(a.subject_id, a.patient_id) < std::tie(b.subject_id, b.patient_id);
  });
  std::string text = CsvLine({"patient_id", "subject_id", "baseline_date", "baseline_source"});
  for (const auto& e : sorted) {
    text += CsvLine({CsvTextField(e.patient_id), CsvField(e.subject_id), e.baseline ? e.baseline->Iso() : "",
                     CsvField(e.baseline_source)});
  }
  return WriteFileAtomically(path, text);
}

const SubjectKeyEntry* SubjectKey::FindByPatient(const std::string& patient_id) const {
  for (const auto& e : entries_) {
    if (e.patient_id == patient_id) return &e;
  }
  return nullptr;
}

const SubjectKeyEntry* SubjectKey::FindBySubject(const std::string& subject_id) const {
  for (const auto& e : entries_) {
    if (e.subject_id == subject_id) return &e;
  }
  return nullptr;
}

const SubjectKeyEntry& SubjectKey::AssignNext(const std::string& patient_id) {
  int highest = 0;
  for (const auto& e : entries_) highest = std::max(highest, SubjectNumber(e.subject_id));
  char id[16];
  std::snprintf(id, sizeof id, "S%03d", highest + 1);
  entries_.push_back({patient_id, id, std::nullopt, ""});
  return entries_.back();
}

void SubjectKey::Put(SubjectKeyEntry entry) {
  for (auto& e : entries_) {
    if (e.patient_id == entry.patient_id) {
      e = std::move(entry);
      return;
    }
  }
  entries_.push_back(std::move(entry));
}

void SubjectKey::SetBaseline(const std::string& patient_id, Date baseline, const std::string& source) {
  // Every PatientID of the subject shares the baseline.
  const SubjectKeyEntry* owner = FindByPatient(patient_id);
  if (!owner) return;
  const std::string subject = owner->subject_id;
  for (auto& e : entries_) {
    if (e.subject_id == subject) {
      e.baseline = baseline;
      e.baseline_source = source;
    }
  }
}

}  // namespace antra
