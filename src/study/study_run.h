#pragma once
// One sequential pass from image files to visit folders: open each file
// (headers only), plan subjects and visits, build each visit's automatic
// result from the analyses the caller supplies, draw the key images from the
// counting scans, and store everything under the sign-off rule. The parallel,
// resumable `antra batch` (issue 7) does the same steps with its own
// scheduling; this is the reference and what the tests drive.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/result.h"
#include "io/open_image.h"
#include "study/study_index.h"
#include "study/visit_edit.h"

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

// Builds one planned visit from its scans and their analyses, draws its key
// images and stores it under the sign-off rule. `files` are the files given to
// PlanStudy (the plan's scans index into them). Safe to call for different
// visits from several threads or processes at once; what RunStudy does per
// visit, and what `antra batch` calls from its workers.
Result<VisitOutcome> BuildAndSaveVisit(const StudyPlan& plan, const VisitRef& ref, const std::vector<ScannedFile>& files,
                                       const StudyRunOptions& options, const AnalysisLookup& analyses,
                                       ResultsStore& store);

// Where a scan's file is, by SOP Instance UID (nothing: not known here).
using ScanPathLookup = std::function<std::optional<std::filesystem::path>(const std::string& sop_instance_uid)>;
// The lookup over what LoadScanPaths read (results/private/scan-paths.csv).
ScanPathLookup LookupIn(std::map<std::string, std::filesystem::path> scan_paths);

// The key images of a visit as it now stands (after a review too: what
// SaveReviewed should be given), each drawn from its ovary's counting scan
// reopened through `path_of`. An ovary whose scan cannot be reopened or drawn
// gets none, with a note in `notes`: a key image left from before would
// contradict the visit.
KeyImages RenderVisitKeyImages(const VisitResult& visit, const ScanPathLookup& path_of, const OpenOptions& open,
                               std::vector<std::string>& notes);

// Saves a reviewer's edits (ResultsStore::SaveReviewed) with the key images
// drawn again from the reviewed visit, so they show its follicles and counts.
// A visit without key images (a run with them off, or all withheld) gets
// none. `notes`: why an ovary's key image could not be drawn.
Status SaveReviewedVisit(ResultsStore& store, const VisitEditor& editor, const ScanPathLookup& path_of,
                         std::vector<std::string>& notes);

// `mapping` may be null (Antra assigns subject IDs). Fails only when the
// results folder itself cannot be used; problems with single files are
// listed in the summary.
Result<StudyRunSummary> RunStudy(const std::vector<std::filesystem::path>& files, const SubjectMapping* mapping,
                                 const std::filesystem::path& results_root, const StudyRunOptions& options,
                                 const AnalysisLookup& analyses);

}  // namespace antra
