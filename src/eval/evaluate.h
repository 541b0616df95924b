#pragma once
// Scores a folder of results against a folder of truth: for every
// TRUTH_DIR/<stem>.truth.json, the results are RESULTS_DIR/<stem>.json in
// Antra's analysis JSON shape. Prints a table per group (kind/difficulty), the
// totals, one summary line, and can write everything as JSON.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "core/result.h"
#include "eval/score.h"

namespace antra::eval {

struct FileProblem {
  std::filesystem::path file;
  std::string reason;  // one line
};

struct EvalRun {
  std::vector<CaseScore> cases;
  std::map<std::string, Tally> groups;  // "still/easy", "cine/medium", ...
  Tally stills, cines, overall;
  std::vector<FileProblem> problems;    // unreadable truth, missing or unreadable results
};

// Fails only when the truth folder cannot be listed or holds no truth files.
// `recursive`: truth files are also looked for in subfolders (a study's
// P001/V1/...); results are still RESULTS_DIR/<stem>.json, so stems must be
// unique (a repeated stem is reported and scored once).
Result<EvalRun> EvaluateDirectories(const std::filesystem::path& truth_dir, const std::filesystem::path& results_dir,
                                    const ScoreOptions& options, const InputLimits& limits = DefaultInputLimits(),
                                    bool recursive = false);

// Adds one scored case to the run's groups and totals.
void AddToRun(EvalRun& run, CaseScore score);

std::string FormatTable(const EvalRun& run);
std::string SummaryLine(const EvalRun& run);
nlohmann::json RunToJson(const EvalRun& run, const ScoreOptions& options);

}  // namespace antra::eval
