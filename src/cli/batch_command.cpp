// antra batch ARCHIVE --out RESULTS [--mapping CSV] [--jobs N] [--shard I/N] [--db URL]
//
// Unattended processing of an archive folder: finds the DICOM files by
// content, analyses them in parallel, writes the per-visit result folders,
// lists every failed file in RESULTS/errors.csv and exports to the study
// database (SQLite in RESULTS by default). Resumable: a rerun reuses every
// analysis whose file and settings are unchanged. The work is in
// batch/batch_run.h; this file only parses and prints.

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "batch/batch_run.h"
#include "cli/command.h"
#include "core/version.h"
#include "pipeline/presets.h"

namespace antra::cli {

namespace {

namespace fs = std::filesystem;

struct BatchCommandOptions {
  std::string archive;
  std::string out;
  std::string mapping;
  int jobs = 0;
  std::string shard;
  std::string db;
  bool no_export = false;
  int interval_days = 14;
  std::string preset;
  std::string params;
  std::optional<double> mm_per_pixel;
  bool no_ruler = false;
  bool key_images = true;
  bool reanalyse = false;
  bool quiet = false;
  bool progress_lines = false;
};

int Usage(const std::string& message) {
  std::cerr << "antra: error: " << message << "\n";
  return kExitUsage;
}

Result<pipeline::PipelineOptions> LoadPipelineOptions(const BatchCommandOptions& o) {
  if (!o.params.empty()) return pipeline::LoadPreset(o.params);
  if (!o.preset.empty()) return pipeline::LoadNamedPreset(o.preset);
  return pipeline::PipelineOptions{};
}

std::string Seconds(double s) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << s << " s";
  return out.str();
}

void PrintSummary(const BatchSummary& s, const BatchOptions& options) {
  std::cout << "archive: " << s.dicom_files << " DICOM file(s) by content, " << s.other_files
            << " other file(s) skipped";
  if (s.dicomdirs) std::cout << ", " << s.dicomdirs << " DICOMDIR(s)";
  std::cout << "; " << s.visits_in_archive << " visit(s)\n";
  if (options.shard.sharded()) std::cout << "shard " << options.shard.ToString() << ": " << s.visits.size() << " visit(s)\n";
  std::cout << "files: " << s.files_in_shard << " in " << s.visits.size() << " visit(s) (" << s.duplicate_copies
            << " duplicate copies counted once); " << s.analysed << " analysed (" << s.frames_analysed
            << " frames), " << s.reused << " reused from earlier runs\n";
  std::map<std::string, int> outcomes;
  for (const auto& v : s.visits) ++outcomes[ToString(v.outcome)];
  std::cout << "visits:";
  if (outcomes.empty()) std::cout << " none";
  for (const auto& [what, n] : outcomes) std::cout << " " << n << " " << what << ";";
  std::cout << "\n";
  for (const auto& v : s.visits) {
    for (const auto& note : v.notes) {
      std::cout << "  " << v.visit.subject_id << " " << ResultsStore::VisitFolderName(v.visit.visit_number) << ": "
                << note << "\n";
    }
  }
  if (s.stale_files_removed) {
    std::cout << "removed " << s.stale_files_removed << " temporary file(s) left by an interrupted run\n";
  }
  std::cout << "time: headers " << Seconds(s.scan_seconds) << ", hashing " << Seconds(s.hash_seconds)
            << ", analysis " << Seconds(s.analysis_seconds);
  if (s.analysis_seconds > 0 && s.frames_analysed > 0) {
    std::cout << " (" << std::fixed << std::setprecision(1) << s.frames_analysed / s.analysis_seconds
              << " frames/s)";
  }
  if (options.database) std::cout << ", export " << Seconds(s.export_seconds);
  std::cout << "\n";
  for (const auto& line : s.export_lines) std::cout << "database " << options.database->Describe() << ": " << line << "\n";
  std::cout << s.errors.size() << " failed file(s), listed in " << s.errors_csv.string() << "\n";
}

int RunBatchCommand(const BatchCommandOptions& o) {
  BatchOptions options;
  options.jobs = o.jobs;
  if (!o.shard.empty()) {
    auto shard = ParseShard(o.shard);
    if (!shard) return Usage(shard.error().message);
    options.shard = *shard;
  }
  auto pipeline_options = LoadPipelineOptions(o);
  if (!pipeline_options) return Usage(pipeline_options.error().message);
  options.analyze.pipeline = *pipeline_options;
  options.analyze.detect_ruler = !o.no_ruler;
  options.analyze.software_version = kVersion;
  options.open.mm_per_pixel = o.mm_per_pixel;
  options.study.interval_days = o.interval_days;
  options.key_images = o.key_images;
  options.reuse_analyses = !o.reanalyse;
  options.who = std::string("antra ") + kVersion + " batch";
  if (!o.quiet) {
    options.progress = stderr;
    if (o.progress_lines) options.progress_interactive = 0;
  }
  if (!o.no_export) {
    auto target = ParseExportTarget(o.db.empty() ? "sqlite:" + (fs::path(o.out) / "study.sqlite").string() : o.db);
    if (!target) return Usage(target.error().message);
    options.database = *target;
  }
  if (Status s = options.Check(); !s) return Usage(s.error().message);

  std::optional<SubjectMapping> mapping;
  if (!o.mapping.empty()) {
    auto m = SubjectMapping::Load(o.mapping);
    if (!m) {
      ReportFileError(o.mapping, m.error().message);
      return kExitUsage;
    }
    mapping = std::move(*m);
  }
  auto summary = RunBatch(o.archive, o.out, mapping ? &*mapping : nullptr, options);
  if (!summary) {
    const bool usage = summary.error().code == ErrorCode::kInvalidArgument;
    if (usage) return Usage(summary.error().message);
    ReportFileError(o.archive, summary.error().message);
    return kExitSomeFailed;
  }
  for (const auto& w : summary->warnings) std::cerr << "antra: warning: " << w << "\n";
  for (const auto& e : summary->errors) ReportFileError(e.file, e.reason);
  if (summary->export_error) {
    ReportFileError(options.database->Describe(), "export failed (results are saved; rerun to export): " +
                                                      summary->export_error->message);
  }
  PrintSummary(*summary, options);
  return summary->ok() ? kExitOk : kExitSomeFailed;
}

}  // namespace

CommandRunner RegisterBatchCommand(CLI::App& app) {
  auto o = std::make_shared<BatchCommandOptions>();
  auto* cmd = app.add_subcommand(
      "batch", "Process an archive folder: analyse every DICOM file in parallel, write per-visit results, "
               "errors.csv and the study database; resumable and shardable");
  cmd->add_option("archive", o->archive, "Archive folder (searched recursively; DICOM found by content)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--out", o->out, "Results folder")->required();
  cmd->add_option("--mapping", o->mapping, "Subject mapping CSV (PatientID, SubjectID[, Arm][, BaselineDate])")
      ->check(CLI::ExistingFile);
  cmd->add_option("--jobs,-j", o->jobs, "Parallel workers (default: one per core)");
  cmd->add_option("--shard", o->shard,
                  "Process shard I of N (0 <= I < N), split by visit; needs --mapping with baseline dates");
  auto* db = cmd->add_option("--db", o->db,
                             "Export target as in `antra export` (default sqlite:RESULTS/study.sqlite)");
  cmd->add_flag("--no-export", o->no_export, "Do not export to a database")->excludes(db);
  cmd->add_option("--interval-days", o->interval_days, "Days between visits (default 14)");
  auto* preset = cmd->add_option("--preset", o->preset, "Pipeline preset models/NAME.json");
  cmd->add_option("--params", o->params, "Pipeline options from this JSON file")->excludes(preset);
  cmd->add_option("--mm-per-pixel", o->mm_per_pixel, "Override every file's calibration with this scale");
  cmd->add_flag("--no-ruler", o->no_ruler, "Do not read the scale from a burned-in depth ruler");
  cmd->add_flag("!--no-key-images", o->key_images, "Do not draw key images");
  cmd->add_flag("--reanalyse", o->reanalyse, "Analyse every file again instead of reusing earlier analyses");
  cmd->add_flag("--quiet,-q", o->quiet, "No progress output");
  cmd->add_flag("--progress-lines", o->progress_lines, "Plain progress lines even on a terminal");
  return [o] { return RunBatchCommand(*o); };
}

}  // namespace antra::cli
