// antra eval TRUTH_DIR RESULTS_DIR [--json OUT]: scores analysis results
// against phantom ground truth (docs/phantom.md, docs/schemas/truth.schema.json).

#include <iostream>

#include "cli/command.h"
#include "core/atomic_file.h"
#include "eval/evaluate.h"

namespace antra::cli {

namespace {

struct EvalCommandOptions {
  std::string truth_dir;
  std::string results_dir;
  std::string json_out;
  bool quiet = false;
  bool recursive = false;
  eval::ScoreOptions score;
};

int RunEval(const EvalCommandOptions& o) {
  if (auto s = o.score.Check(); !s) {
    std::cerr << "antra: error: " << s.error().message << "\n";
    return kExitUsage;
  }
  auto run = eval::EvaluateDirectories(o.truth_dir, o.results_dir, o.score, DefaultInputLimits(), o.recursive);
  if (!run) {
    ReportFileError(o.truth_dir, run.error().message);
    return kExitUsage;
  }
  for (const auto& p : run->problems) ReportFileError(p.file.string(), p.reason);
  for (const auto& c : run->cases) {
    for (const auto& w : c.warnings) std::cerr << "antra: warning: " << c.stem << ": " << w << "\n";
  }
  if (!o.quiet) std::cout << eval::FormatTable(*run) << "\n";
  std::cout << eval::SummaryLine(*run) << "\n";
  if (!o.json_out.empty()) {
    const std::string bytes = eval::RunToJson(*run, o.score).dump(1) + "\n";
    if (auto s = WriteFileAtomically(o.json_out, bytes); !s) {
      ReportFileError(o.json_out, s.error().message);
      return kExitSomeFailed;
    }
  }
  return run->problems.empty() ? kExitOk : kExitSomeFailed;
}

}  // namespace

CommandRunner RegisterEvalCommand(CLI::App& app) {
  auto o = std::make_shared<EvalCommandOptions>();
  auto* cmd = app.add_subcommand("eval", "Score analysis results against phantom ground truth");
  cmd->add_option("truth_dir", o->truth_dir, "Folder of <stem>.truth.json files (antra-phantom output)")->required();
  cmd->add_option("results_dir", o->results_dir, "Folder of <stem>.json analysis results")->required();
  cmd->add_option("--json", o->json_out, "Also write the full report (per case misses and false positives) as JSON");
  cmd->add_option("--min-visible", o->score.min_visible_fraction,
                  "Share of a lumen that must be visible for it to count (default 0.5)");
  cmd->add_flag("--quiet", o->quiet, "Print only the summary line");
  cmd->add_flag("--recursive", o->recursive,
                "Also find truth files in subfolders (a phantom study); results stay RESULTS_DIR/<stem>.json");
  return [o] { return RunEval(*o); };
}

}  // namespace antra::cli
