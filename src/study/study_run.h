#pragma once
// One sequential pass from image files to visit folders: open each file
// (headers only), plan subjects and visits, build each visit's automatic
// result from the analyses the caller supplies, draw the key images from the
// counting scans, and store everything under the sign-off rule. The parallel,
// resumable `antra batch` (issue 7) does the same steps with its own
// scheduling; this is the reference and what the tests drive.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/result.h"
#include "io/open_image.h"
#include "study/study_index.h"

namespace antra {

// Headers, identity and SHA-256 of one file (pixels are not decoded).
Result<ScannedFile> ScanFile(const std::filesystem::path& path, const OpenOptions& options = {});

// The analysis of a scanned file, or nothing when it has none (the scan is
// then listed as "not analysed").
using AnalysisLookup = std::function<std::optional<ImageAnalysis>(const ScannedFile&)>;

struct StudyRunOptions {
  StudyOptions study;
  OpenOptions open;
  std::string who = "antra";  // names the run in audit trails
  bool key_images = true;
  Status Check() const;
};

struct VisitOutcome {
  VisitRef visit;
  SaveOutcome outcome = SaveOutcome::kUnchanged;
  std::vector<std::string> notes;  // e.g. why a key image was withheld
};

struct StudyRunSummary {
  std::vector<VisitOutcome> visits;
  std::vector<SkippedFile> skipped;  // unreadable files and files that fit no visit
};

// `mapping` may be null (Antra assigns subject IDs). Fails only when the
// results folder itself cannot be used; problems with single files are
// listed in the summary.
Result<StudyRunSummary> RunStudy(const std::vector<std::filesystem::path>& files, const SubjectMapping* mapping,
                                 const std::filesystem::path& results_root, const StudyRunOptions& options,
                                 const AnalysisLookup& analyses);

}  // namespace antra
