#pragma once
// From scanned files to visits: who each scan belongs to (subject ID from the
// mapping, or assigned and kept in the subject key), which visit (nearest
// baseline + n x interval), which ovary, and which files are the same image
// imported twice. Headless and deterministic: the batch (`antra batch`) and
// the tests call it with files already opened; the order files are given in
// does not change the result.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/image.h"
#include "core/result.h"
#include "study/laterality.h"
#include "study/subjects.h"
#include "study/visit_store.h"

namespace antra {

struct StudyOptions {
  int interval_days = 14;  // between visits
  Status Check() const;    // 1 to 365 days
};

struct ScannedFile {
  std::filesystem::path path;
  ImageInfo info;
  PatientIdentity identity;  // used to find the subject and scrub text, never stored under results/
  std::string file_sha256;
};

struct SkippedFile {
  std::filesystem::path path;
  std::string reason;  // one line; never contains the PatientID or name
};

struct PlannedScan {
  size_t file = 0;            // index into the files given to PlanStudy
  SideDecision side;
  int duplicate_imports = 0;  // other files with the same SOP Instance UID
};

struct StudyPlan {
  std::map<VisitRef, std::vector<PlannedScan>> visits;  // scans sorted by SOP Instance UID
  std::map<std::string, Date> baselines;                // per subject
  std::vector<SkippedFile> skipped;                     // sorted by path
  SubjectKey key;                                       // updated; save it with SaveSubjectKey
};

// With a mapping, a PatientID not in it is skipped and reported; without one,
// new patients get the next S### in order of their first scan (earliest study
// date and time, then SOP Instance UID). Baselines come from the mapping, then
// from the key, then from the subject's earliest StudyDate (recorded in the
// key). A subject whose key entry disagrees with the mapping is skipped.
Result<StudyPlan> PlanStudy(const std::vector<ScannedFile>& files, const SubjectMapping* mapping, SubjectKey key,
                            const StudyOptions& options);

// results/private/scan-paths.csv: SOP Instance UID, file path and SHA-256 of
// every scan, merged with what is already there, so the viewer can find an
// image. Private because paths often carry names.
Status SaveScanPaths(const std::filesystem::path& results_root, const std::vector<ScannedFile>& files);
Result<std::map<std::string, std::filesystem::path>> LoadScanPaths(const std::filesystem::path& results_root);

}  // namespace antra
