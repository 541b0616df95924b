#include "study/study_run.h"

#include <stdexcept>

#include "core/version.h"
#include "study/key_image.h"
#include "study/sha256.h"

namespace antra {

Result<ScannedFile> ScanFile(const std::filesystem::path& path, const OpenOptions& options) {
  auto source = OpenImage(path, options);
  if (!source) return source.error();
  auto hash = FileSha256(path);
  if (!hash) return hash.error();
  return ScannedFile{path, (*source)->info(), (*source)->identity(), std::move(*hash)};
}

Status StudyRunOptions::Check() const {
  if (Status s = study.Check(); !s) return s;
  if (Status s = open.Check(); !s) return s;
  if (who.empty()) return MakeError(ErrorCode::kInvalidArgument, "the run needs a name for the audit trail");
  return Status::Ok();
}

namespace {

// The counting scan's file again. Errors name no path: paths often carry
// names, and the reason ends up in notes and status lines.
Result<std::unique_ptr<ImageSource>> ReopenScan(const std::string& uid, const ScanPathLookup& path_of,
                                                const OpenOptions& open) {
  const Error cannot_reopen{ErrorCode::kNotFound, "counting scan could not be reopened"};
  const std::optional<std::filesystem::path> path = path_of(uid);
  if (!path) return cannot_reopen;
  auto source = OpenImage(*path, open);
  if (!source) return cannot_reopen;
  // A file replaced since the study found it must not lend its pixels.
  if ((*source)->info().sop_instance_uid != uid) {
    return MakeError(ErrorCode::kNotFound, "the counting scan's file now holds another image");
  }
  return source;
}

std::optional<std::string> KeyImageFor(const VisitResult& visit, Side side, const ScanPathLookup& path_of,
                                       const OpenOptions& open, std::vector<std::string>& notes) {
  const OvaryResult& ovary = visit.ovary(side);
  if (ovary.counting_scan.empty()) return std::nullopt;
  const std::string what = std::string(ToString(side)) + " key image: ";
  auto source = ReopenScan(ovary.counting_scan, path_of, open);
  if (!source) {
    notes.push_back(what + source.error().message);
    return std::nullopt;
  }
  auto frame = (*source)->ReadFrame(KeyFrameIndex(ovary));
  if (!frame) {
    notes.push_back(what + frame.error().message);
    return std::nullopt;
  }
  auto png = RenderKeyImagePng(*frame, (*source)->info().calibration, visit, side);
  if (!png) {
    notes.push_back(what + png.error().message);
    return std::nullopt;
  }
  return std::move(*png);
}

}  // namespace

ScanPathLookup LookupIn(std::map<std::string, std::filesystem::path> scan_paths) {
  return [paths = std::move(scan_paths)](const std::string& uid) -> std::optional<std::filesystem::path> {
    const auto it = paths.find(uid);
    if (it == paths.end()) return std::nullopt;
    return it->second;
  };
}

KeyImages RenderVisitKeyImages(const VisitResult& visit, const ScanPathLookup& path_of, const OpenOptions& open,
                               std::vector<std::string>& notes) {
  return {KeyImageFor(visit, Side::kLeft, path_of, open, notes), KeyImageFor(visit, Side::kRight, path_of, open, notes)};
}

Status SaveReviewedVisit(ResultsStore& store, const VisitEditor& editor, const ScanPathLookup& path_of,
                         std::vector<std::string>& notes) {
  const VisitResult& visit = editor.visit();
  // Nothing to save: no frame is decoded either.
  if (editor.audit().empty() || !store.HasKeyImages({visit.subject_id, visit.visit_number})) {
    return store.SaveReviewed(editor);
  }
  const KeyImages keys = RenderVisitKeyImages(visit, path_of, OpenOptions{}, notes);
  return store.SaveReviewed(editor, &keys);
}

Result<VisitOutcome> BuildAndSaveVisit(const StudyPlan& plan, const VisitRef& ref, const std::vector<ScannedFile>& files,
                                       const StudyRunOptions& options, const AnalysisLookup& analyses,
                                       ResultsStore& store) {
  const auto planned_scans = plan.visits.find(ref);
  if (planned_scans == plan.visits.end()) throw std::invalid_argument("visit not in the plan");
  const std::vector<PlannedScan>& scans = planned_scans->second;
  VisitBuildInput input;
  input.subject_id = ref.subject_id;
  input.visit_number = ref.visit_number;
  input.baseline = plan.baselines.at(ref.subject_id);
  input.interval_days = options.study.interval_days;
  input.software_version = kVersion;
  for (const auto& planned : scans) {
    const ScannedFile& file = files.at(planned.file);
    input.scans.push_back({file.info, file.identity, file.file_sha256, planned.side,
                           analyses ? analyses(file) : std::nullopt, planned.duplicate_imports});
  }
  VisitResult visit = BuildAutomaticVisit(input);
  VisitOutcome outcome{ref, SaveOutcome::kUnchanged, {}};
  KeyImages keys;
  if (options.key_images) {
    const ScanPathLookup path_of = [&](const std::string& uid) -> std::optional<std::filesystem::path> {
      for (const auto& planned : scans) {
        if (files[planned.file].info.sop_instance_uid == uid) return files[planned.file].path;
      }
      return std::nullopt;
    };
    keys = RenderVisitKeyImages(visit, path_of, options.open, outcome.notes);
  }
  auto saved = store.SaveAutomatic(std::move(visit), keys, options.who);
  if (!saved) {
    return MakeError(saved.error().code, ref.subject_id + " " + ResultsStore::VisitFolderName(ref.visit_number) + ": " +
                                             saved.error().message);
  }
  outcome.outcome = *saved;
  return outcome;
}

Result<StudyRunSummary> RunStudy(const std::vector<std::filesystem::path>& paths, const SubjectMapping* mapping,
                                 const std::filesystem::path& results_root, const StudyRunOptions& options,
                                 const AnalysisLookup& analyses) {
  if (Status s = options.Check(); !s) return s.error();
  StudyRunSummary summary;
  std::vector<ScannedFile> files;
  for (const auto& path : paths) {
    auto scanned = ScanFile(path, options.open);
    if (scanned) {
      files.push_back(std::move(*scanned));
    } else {
      summary.skipped.push_back({path, scanned.error().message});
    }
  }
  const auto key_path = SubjectKey::PathUnder(results_root);
  auto key = SubjectKey::Load(key_path);
  if (!key) return MakeError(key.error().code, "subject key: " + key.error().message);
  auto plan = PlanStudy(files, mapping, std::move(*key), options.study);
  if (!plan) return plan.error();
  summary.skipped.insert(summary.skipped.end(), plan->skipped.begin(), plan->skipped.end());
  // The key first: a visit folder must never exist without the link that
  // explains whose it is.
  if (Status s = plan->key.Save(key_path); !s) return s.error();
  if (Status s = SaveScanPaths(results_root, files); !s) return s.error();

  ResultsStore store(results_root);
  for (const auto& [ref, scans] : plan->visits) {
    auto outcome = BuildAndSaveVisit(*plan, ref, files, options, analyses, store);
    if (!outcome) return outcome.error();
    summary.visits.push_back(std::move(*outcome));
  }
  return summary;
}

}  // namespace antra
