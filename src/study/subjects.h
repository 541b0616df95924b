#pragma once
// Who a scan belongs to, as the study knows her: a pseudonymous subject ID.
//
// SubjectMapping is the study's own list (CSV: PatientID, subject ID, and
// optionally treatment arm and baseline date). With a mapping, a PatientID not
// in it is never guessed. SubjectKey is what Antra keeps in
// results/private/subject-key.csv: the PatientID to subject link it assigned
// (S001, S002, ...) when there is no mapping, and the baseline date chosen for
// each subject, so later runs number visits the same way. Nothing exports it.
//
// The treatment arm is read only for `antra export --include-arm`; it is never
// written under results/ (blinding).

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/dates.h"

namespace antra {

struct MappingEntry {
  std::string patient_id;
  std::string subject_id;
  std::string arm;                 // empty when the file has no arm column
  std::optional<Date> baseline;    // empty when not given
};

class SubjectMapping {
 public:
  // Reads the CSV. The header row names the columns (case and spaces are
  // ignored): "PatientID" (or patient_id), "SubjectID" (or subject_id,
  // subject), optional "Arm" and "BaselineDate" (baseline_date, baseline).
  // Refuses unsafe subject IDs, duplicate PatientIDs, a subject mapped from
  // two PatientIDs with different baselines, and malformed dates, naming the
  // line.
  static Result<SubjectMapping> Load(const std::filesystem::path& path);
  static Result<SubjectMapping> Parse(const std::string& csv_text);

  const MappingEntry* Find(const std::string& patient_id) const;
  // The arm of a subject, or empty.
  std::string ArmOf(const std::string& subject_id) const;
  const std::vector<MappingEntry>& entries() const { return entries_; }

 private:
  static Result<SubjectMapping> FromRows(const std::vector<std::vector<std::string>>& rows);
  std::vector<MappingEntry> entries_;
  std::map<std::string, size_t> by_patient_;
};

struct SubjectKeyEntry {
  std::string patient_id;
  std::string subject_id;
  std::optional<Date> baseline;
  std::string baseline_source;  // "mapping" or "earliest-scan"
};

class SubjectKey {
 public:
  // results/private/subject-key.csv; a missing file is an empty key.
  static std::filesystem::path PathUnder(const std::filesystem::path& results_root);
  static Result<SubjectKey> Load(const std::filesystem::path& path);
  Status Save(const std::filesystem::path& path) const;  // atomically, sorted by subject

  const SubjectKeyEntry* FindByPatient(const std::string& patient_id) const;
  const SubjectKeyEntry* FindBySubject(const std::string& subject_id) const;
  // Adds a patient with the next free S### number.
  const SubjectKeyEntry& AssignNext(const std::string& patient_id);
  // Adds or updates a patient with a given subject (from the mapping).
  void Put(SubjectKeyEntry entry);
  void SetBaseline(const std::string& patient_id, Date baseline, const std::string& source);
  const std::vector<SubjectKeyEntry>& entries() const { return entries_; }

 private:
  std::vector<SubjectKeyEntry> entries_;
};

}  // namespace antra
