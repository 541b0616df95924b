// antra study INPUT... --out RESULTS [--analyses DIR] [--mapping CSV] [--interval-days N]
//
// Sorts scans into subjects and visits and writes the per-visit result
// folders, using analyses already produced by `antra analyze` (JSON files,
// matched by SOP Instance UID). The sequential reference for `antra batch`.

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "core/text_file.h"
#include "core/version.h"
#include "dicom/dicom_source.h"
#include "io/open_image.h"
#include "io/analysis_json.h"
#include "study/study_run.h"

namespace antra::cli {

namespace {

namespace fs = std::filesystem;

struct StudyCommandOptions {
  std::vector<std::string> inputs;
  std::string out;
  std::string analyses;
  std::string mapping;
  int interval_days = 14;
  bool key_images = true;
};

std::vector<fs::path> ExpandInputs(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, ec)) {
        // Inside a folder only images count: archives also hold DICOMDIRs,
        // reports and notes. A file named on the command line is always tried.
        if (!e.is_regular_file() || e.path().filename().string().front() == '.') continue;
        if (e.path().filename() == "DICOMDIR") continue;
        if (LooksLikeDicom(e.path()) || LooksLikePlainImage(e.path())) files.push_back(e.path());
      }
    } else {
      files.emplace_back(input);  // a missing file is reported when opened
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::map<std::string, ImageAnalysis> LoadAnalyses(const std::string& dir, int& failures) {
  std::map<std::string, ImageAnalysis> out;
  if (dir.empty()) return out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    const auto text = ReadTextFile(e.path());
    const auto json = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    auto analysis = !text               ? Result<ImageAnalysis>(text.error())
                    : json.is_discarded() ? Result<ImageAnalysis>(MakeError(ErrorCode::kCorrupt, "not JSON"))
                                          : AnalysisFromJson(json);
    if (!analysis) {
      ReportFileError(e.path().string(), analysis.error().message);
      ++failures;
      continue;
    }
    if (!analysis->sop_instance_uid.empty()) out[analysis->sop_instance_uid] = std::move(*analysis);
  }
  return out;
}

int RunStudyCommand(const StudyCommandOptions& o) {
  StudyRunOptions options;
  options.study.interval_days = o.interval_days;
  options.who = std::string("antra ") + kVersion + " study";
  options.key_images = o.key_images;
  if (Status s = options.Check(); !s) {
    std::cerr << "antra: error: " << s.error().message << "\n";
    return kExitUsage;
  }
  std::optional<SubjectMapping> mapping;
  if (!o.mapping.empty()) {
    auto m = SubjectMapping::Load(o.mapping);
    if (!m) {
      ReportFileError(o.mapping, m.error().message);
      return kExitSomeFailed;
    }
    mapping = std::move(*m);
  }
  int failures = 0;
  const auto analyses = LoadAnalyses(o.analyses, failures);
  auto summary = RunStudy(ExpandInputs(o.inputs), mapping ? &*mapping : nullptr, o.out, options,
                          [&](const ScannedFile& f) -> std::optional<ImageAnalysis> {
                            auto it = analyses.find(f.info.sop_instance_uid);
                            if (it == analyses.end()) return std::nullopt;
                            return it->second;
                          });
  if (!summary) {
    ReportFileError(o.out, summary.error().message);
    return kExitSomeFailed;
  }
  for (const auto& s : summary->skipped) ReportFileError(s.path.string(), s.reason);
  for (const auto& v : summary->visits) {
    std::cout << v.visit.subject_id << " " << ResultsStore::VisitFolderName(v.visit.visit_number) << ": "
              << ToString(v.outcome) << "\n";
    for (const auto& note : v.notes) std::cout << "  " << note << "\n";
  }
  failures += static_cast<int>(summary->skipped.size());
  return failures ? kExitSomeFailed : kExitOk;
}

}  // namespace

CommandRunner RegisterStudyCommand(CLI::App& app) {
  auto o = std::make_shared<StudyCommandOptions>();
  auto* cmd = app.add_subcommand("study", "Sort scans into subjects and visits and write per-visit result folders");
  cmd->add_option("inputs", o->inputs, "DICOM files or folders")->required();
  cmd->add_option("--out", o->out, "Results folder")->required();
  cmd->add_option("--analyses", o->analyses, "Folder of analysis JSON files from `antra analyze`")->check(CLI::ExistingDirectory);
  cmd->add_option("--mapping", o->mapping, "Subject mapping CSV (PatientID, SubjectID[, Arm][, BaselineDate])")->check(CLI::ExistingFile);
  cmd->add_option("--interval-days", o->interval_days, "Days between visits (default 14)");
  cmd->add_flag("!--no-key-images", o->key_images, "Do not draw key images");
  return [o] { return RunStudyCommand(*o); };
}

}  // namespace antra::cli
