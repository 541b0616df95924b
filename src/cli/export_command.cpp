// antra export RESULTS_DIR [--to URL] [--include-arm --mapping CSV]

#include <iostream>

#include "cli/command.h"
#include "export/export_target.h"

namespace antra::cli {

namespace {

struct ExportCommandOptions {
  std::string results;
  std::string to;
  bool include_arm = false;
  std::string mapping;
};

int RunExportCommand(const ExportCommandOptions& o) {
  const std::string url = o.to.empty() ? "sqlite:" + (std::filesystem::path(o.results) / "study.sqlite").string() : o.to;
  auto target = ParseExportTarget(url);
  if (!target) {
    std::cerr << "antra: error: " << target.error().message << "\n";
    return kExitUsage;
  }
  ExportOptions options;
  options.include_arm = o.include_arm;
  if (!o.mapping.empty()) options.mapping = o.mapping;
  if (Status s = options.Check(); !s) {
    std::cerr << "antra: error: " << s.error().message << "\n";
    return kExitUsage;
  }
  auto lines = RunExport(o.results, *target, options);
  if (!lines) {
    ReportFileError(target->Describe(), lines.error().message);
    return kExitSomeFailed;
  }
  for (const auto& line : *lines) std::cout << target->Describe() << ": " << line << "\n";
  return kExitOk;
}

}  // namespace

CommandRunner RegisterExportCommand(CLI::App& app) {
  auto o = std::make_shared<ExportCommandOptions>();
  auto* cmd = app.add_subcommand("export", "Export visit results to the study database (idempotent)");
  cmd->add_option("results", o->results, "Results folder (results/<subject>/visit-<nn>/)")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("--to", o->to,
                  "sqlite:PATH (default RESULTS/study.sqlite), postgresql://user:pw@host/db, redcap:PATH.csv or sr:FOLDER");
  cmd->add_flag("--include-arm", o->include_arm, "Also export the treatment arm (unblinds; needs --mapping)");
  cmd->add_option("--mapping", o->mapping, "Subject mapping CSV holding the arm column")->check(CLI::ExistingFile);
  return [o] { return RunExportCommand(*o); };
}

}  // namespace antra::cli
