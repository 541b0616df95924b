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

std::optional<std::string> KeyImageFor(const VisitResult& visit, Side side, const std::vector<ScannedFile>& files,
                                       const std::vector<PlannedScan>& scans, const OpenOptions& open,
                                       std::vector<std::string>& notes) {
  const OvaryResult& ovary = visit.ovary(side);
  if (ovary.counting_scan.empty()) return std::nullopt;
  for (const auto& planned : scans) {
    const ScannedFile& file = files[planned.file];
    if (file.info.sop_instance_uid != ovary.counting_scan) continue;
    auto source = OpenImage(file.path, open);
    if (!source) break;
    auto frame = (*source)->ReadFrame(KeyFrameIndex(ovary));
    if (!frame) {
      notes.push_back(std::string(ToString(side)) + " key image: " + frame.error().message);
      return std::nullopt;
    }
    auto png = RenderKeyImagePng(*frame, (*source)->info().calibration, visit, side);
    if (!png) {
      notes.push_back(std::string(ToString(side)) + " key image: " + png.error().message);
      return std::nullopt;
    }
    return std::move(*png);
  }
  notes.push_back(std::string(ToString(side)) + " key image: counting scan could not be reopened");
  return std::nullopt;
}

}  // namespace

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
    keys.left_png = KeyImageFor(visit, Side::kLeft, files, scans, options.open, outcome.notes);
    keys.right_png = KeyImageFor(visit, Side::kRight, files, scans, options.open, outcome.notes);
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
