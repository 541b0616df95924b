#include "eval/evaluate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <system_error>

#include "eval/truth_json.h"
#include "io/analysis_json.h"

namespace antra::eval {

namespace {

using nlohmann::json;

constexpr const char* kTruthSuffix = ".truth.json";

std::string Fixed(const std::optional<double>& v, int decimals, bool percent = false) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, percent ? "%.*f%%" : "%.*f", decimals, percent ? 100 * *v : *v);
  return buf;
}

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json TallyToJson(const Tally& t) {
  json j;
  j["cases"] = t.cases;
  j["missing_results"] = t.missing_results;
  j["frames"] = t.frames;
  j["true_follicles_2mm_plus"] = t.true_2plus;
  j["found_follicles_2mm_plus"] = t.found_2plus;
  j["true_follicles_2_to_10mm"] = t.true_2to10;
  j["found_follicles_2_to_10mm"] = t.found_2to10;
  j["detections"] = t.detections;
  j["matched_detections"] = t.matched_detections;
  j["recall_2mm_plus"] = Opt(t.RecallAtLeast2());
  j["recall_2_to_10mm"] = Opt(t.Recall2To10());
  j["precision"] = Opt(t.Precision());
  j["false_positives_per_frame"] = Opt(t.FalsePositivesPerFrame());
  j["mean_diameter_mae_mm"] = Opt(t.MeanAbsoluteError());
  j["mean_diameter_bias_mm"] = Opt(t.Bias());
  j["sized_matches"] = t.size_pairs;
  j["unsized_matches"] = t.unsized_matches;
  j["afc_cases"] = t.afc_cases;
  j["afc_unknown_cases"] = t.afc_unknown;
  j["afc_mean_abs_error"] = Opt(t.MeanAbsoluteAfcError());
  j["afc_mean_error"] = Opt(t.MeanAfcError());
  j["afc_exact_cases"] = t.afc_exact;
  j["afc_max_abs_error"] = t.afc_max_abs_error;
  j["detections_outside_ovary_share"] = Opt(t.OutsideOvaryShare());
  j["false_positives_where"] = {{"ovary", t.fp_in_ovary},
                                {"lookalike", t.fp_on_lookalike},
                                {"overlay", t.fp_on_overlay},
                                {"background", t.fp_elsewhere}};
  if (t.sweeps > 0) {
    j["sweeps"] = t.sweeps;
    j["unique_true"] = t.unique_true;
    j["unique_found"] = t.unique_found;
    j["unique_detected"] = t.unique_detected;
    j["unique_recall"] = Opt(t.UniqueRecall());
    j["unique_precision"] = Opt(t.UniquePrecision());
    j["unique_count_mean_abs_error"] = Opt(t.UniqueCountError());
    j["unique_best_frame_mae_mm"] = Opt(t.UniqueMeanAbsoluteError());
  }
  return j;
}

json PointJson(const cv::Point2d& p) { return json::array({std::round(p.x * 10) / 10, std::round(p.y * 10) / 10}); }

json CaseToJson(const CaseScore& c) {
  json j;
  j["stem"] = c.stem;
  j["kind"] = c.kind;
  j["difficulty"] = c.difficulty;
  j["results"] = c.results_found ? "found" : "missing";
  if (!c.results_problem.empty()) j["results_problem"] = c.results_problem;
  j["warnings"] = c.warnings;
  j["true_afc"] = c.true_afc;
  j["detected_afc"] = c.detected_afc ? json(*c.detected_afc) : json(nullptr);
  j["afc_error"] = c.detected_afc ? json(*c.detected_afc - c.true_afc) : json(nullptr);
  j["metrics"] = TallyToJson(c.tally);
  json misses = json::array();
  for (const auto& m : c.misses) {
    misses.push_back({{"frame", m.frame}, {"id", m.follicle_id}, {"center_px", PointJson(m.center_px)}, {"mean_diameter_mm", m.mean_mm}});
  }
  j["misses"] = misses;
  json sized = json::array();
  for (const auto& m : c.sized_matches) {
    sized.push_back({{"frame", m.frame}, {"id", m.follicle_id}, {"center_px", PointJson(m.center_px)},
                     {"true_mean_diameter_mm", m.true_mean_mm}, {"detected_mean_diameter_mm", m.detected_mean_mm}});
  }
  j["sized_matches"] = sized;
  json fps = json::array();
  for (const auto& f : c.false_positives) {
    fps.push_back({{"frame", f.frame}, {"center_px", PointJson(f.center_px)}, {"mean_diameter_mm", Opt(f.mean_mm)},
                   {"where", f.where}});
  }
  j["false_positives"] = fps;
  if (c.kind == "cine") j["unique_missed_ids"] = c.unique_missed;
  return j;
}

std::string Row(const std::string& name, const Tally& t) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-14s %5d %6d %6d %9s %9s %9s %8s %8s %8s %7s %6s %5d\n", name.c_str(), t.cases, t.frames,
                t.true_2plus, Fixed(t.RecallAtLeast2(), 3).c_str(), Fixed(t.Recall2To10(), 3).c_str(),
                Fixed(t.Precision(), 3).c_str(), Fixed(t.FalsePositivesPerFrame(), 2).c_str(),
                Fixed(t.MeanAbsoluteError(), 2).c_str(), Fixed(t.Bias(), 2).c_str(),
                Fixed(t.MeanAbsoluteAfcError(), 2).c_str(),
                t.afc_cases ? Fixed(static_cast<double>(t.afc_exact) / t.afc_cases, 0, true).c_str() : "-",
                t.missing_results);
  return buf;
}

std::string UniqueRow(const std::string& name, const Tally& t) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-14s %6d %6d %9s %9s %11s %9s\n", name.c_str(), t.sweeps, t.unique_true,
                Fixed(t.UniqueRecall(), 3).c_str(), Fixed(t.UniquePrecision(), 3).c_str(),
                Fixed(t.UniqueCountError(), 2).c_str(), Fixed(t.UniqueMeanAbsoluteError(), 2).c_str());
  return buf;
}

std::optional<ImageAnalysis> ReadResults(const std::filesystem::path& path, const InputLimits& limits,
                                         std::string& problem) {
  auto json = ReadJsonFile(path, limits);
  if (!json) {
    problem = json.error().message;
    return std::nullopt;
  }
  auto analysis = AnalysisFromJson(*json);
  if (!analysis) {
    problem = analysis.error().message;
    return std::nullopt;
  }
  return std::move(analysis).value();
}

}  // namespace

void AddToRun(EvalRun& run, CaseScore score) {
  run.groups[GroupOf(score)].Add(score.tally);
  (score.kind == "cine" ? run.cines : run.stills).Add(score.tally);
  run.overall.Add(score.tally);
  run.cases.push_back(std::move(score));
}

Result<EvalRun> EvaluateDirectories(const std::filesystem::path& truth_dir, const std::filesystem::path& results_dir,
                                    const ScoreOptions& options, const InputLimits& limits, bool recursive) {
  if (auto s = options.Check(); !s) return s.error();
  std::error_code ec;
  if (!std::filesystem::is_directory(truth_dir, ec)) return MakeError(ErrorCode::kNotFound, "truth folder not found");
  std::vector<std::filesystem::path> truth_files;
  auto consider = [&](const std::filesystem::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    if (name.size() > std::string(kTruthSuffix).size() && name.ends_with(kTruthSuffix)) truth_files.push_back(entry.path());
  };
  if (recursive) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(truth_dir, ec)) consider(entry);
  } else {
    for (const auto& entry : std::filesystem::directory_iterator(truth_dir, ec)) consider(entry);
  }
  if (ec) return MakeError(ErrorCode::kIo, "cannot list the truth folder: " + ec.message());
  if (truth_files.empty()) return MakeError(ErrorCode::kNotFound, "no *.truth.json files in the truth folder");
  std::sort(truth_files.begin(), truth_files.end());

  EvalRun run;
  std::map<std::string, std::filesystem::path> seen;
  for (const auto& truth_path : truth_files) {
    const std::string name = truth_path.filename().string();
    const std::string stem = name.substr(0, name.size() - std::string(kTruthSuffix).size());
    if (const auto [it, fresh] = seen.emplace(stem, truth_path); !fresh) {
      run.problems.push_back({truth_path, "stem '" + stem + "' also in " + it->second.string() + "; scored once"});
      continue;
    }
    auto truth = ReadTruthFile(truth_path, limits);
    if (!truth) {
      run.problems.push_back({truth_path, truth.error().message});
      continue;
    }
    const auto results_path = results_dir / (stem + ".json");
    std::string problem;
    std::optional<ImageAnalysis> results;
    if (!std::filesystem::exists(results_path, ec)) {
      problem = "no results file (scored as all misses)";
    } else {
      results = ReadResults(results_path, limits, problem);
      if (!results) problem += " (scored as all misses)";
    }
    if (!problem.empty()) run.problems.push_back({results_path, problem});
    CaseScore score = ScoreCase(*truth, results ? &*results : nullptr, options);
    score.results_problem = problem;
    AddToRun(run, std::move(score));
  }
  return run;
}

std::string FormatTable(const EvalRun& run) {
  std::ostringstream out;
  out << "Follicles per frame (true: visible cross-sections >= 2 mm; match within max(1.5 mm, half the mean diameter))\n";
  char head[512];
  std::snprintf(head, sizeof head, "%-14s %5s %6s %6s %9s %9s %9s %8s %8s %8s %7s %6s %5s\n", "group", "cases", "frames",
                "true", "rec>=2mm", "rec2-10", "precision", "FP/frame", "MAE mm", "bias mm", "|dAFC|", "AFC=", "miss");
  out << head;
  for (const auto& [name, tally] : run.groups) out << Row(name, tally);
  if (run.stills.cases > 0 && run.cines.cases > 0) {
    out << Row("stills", run.stills) << Row("cines", run.cines);
  }
  out << Row("overall", run.overall);
  const Tally& t = run.overall;
  const int fps = t.detections - t.matched_detections;
  if (fps > 0) {
    char where[256];
    std::snprintf(where, sizeof where,
                  "False positives: %d in the ovary, %d on look-alikes, %d on burned-in overlays, %d elsewhere; "
                  "%s of all detections lie outside the true ovary\n",
                  t.fp_in_ovary, t.fp_on_lookalike, t.fp_on_overlay, t.fp_elsewhere,
                  Fixed(t.OutsideOvaryShare(), 1, true).c_str());
    out << where;
  }
  if (run.overall.sweeps > 0) {
    out << "\nUnique follicles per sweep (true: largest visible cross-section >= 2 mm)\n";
    char uhead[256];
    std::snprintf(uhead, sizeof uhead, "%-14s %6s %6s %9s %9s %11s %9s\n", "group", "sweeps", "true", "recall",
                  "precision", "|dcount|", "MAE mm");
    out << uhead;
    for (const auto& [name, tally] : run.groups) {
      if (tally.sweeps > 0) out << UniqueRow(name, tally);
    }
    out << UniqueRow("overall", run.overall);
  }
  return out.str();
}

std::string SummaryLine(const EvalRun& run) {
  const Tally& t = run.overall;
  std::ostringstream out;
  out << "antra eval: " << t.cases << " cases, " << t.frames << " frames";
  if (t.missing_results) out << " (" << t.missing_results << " without results)";
  out << "; recall>=2mm " << Fixed(t.RecallAtLeast2(), 3) << ", recall 2-10mm " << Fixed(t.Recall2To10(), 3)
      << ", precision " << Fixed(t.Precision(), 3) << ", FP/frame " << Fixed(t.FalsePositivesPerFrame(), 2)
      << ", mean-diameter MAE " << Fixed(t.MeanAbsoluteError(), 2) << " mm, bias " << Fixed(t.Bias(), 2)
      << " mm, mean |AFC error| " << Fixed(t.MeanAbsoluteAfcError(), 2);
  if (t.afc_unknown) out << " (" << t.afc_unknown << " cases without sizes)";
  if (t.sweeps > 0) {
    out << "; cine unique recall " << Fixed(t.UniqueRecall(), 3) << ", precision " << Fixed(t.UniquePrecision(), 3)
        << ", mean |count error| " << Fixed(t.UniqueCountError(), 2);
  }
  return out.str();
}

json RunToJson(const EvalRun& run, const ScoreOptions& options) {
  json j;
  j["schema"] = "antra-eval/1";
  j["options"] = {{"min_visible_fraction", options.min_visible_fraction},
                  {"min_tolerance_mm", options.min_tolerance_mm},
                  {"tolerance_fraction_of_mean", options.tolerance_fraction_of_mean}};
  j["summary"] = SummaryLine(run);
  j["overall"] = TallyToJson(run.overall);
  j["stills"] = TallyToJson(run.stills);
  j["cines"] = TallyToJson(run.cines);
  json groups = json::object();
  for (const auto& [name, tally] : run.groups) groups[name] = TallyToJson(tally);
  j["groups"] = groups;
  json problems = json::array();
  for (const auto& p : run.problems) problems.push_back({{"file", p.file.string()}, {"reason", p.reason}});
  j["problems"] = problems;
  json cases = json::array();
  for (const auto& c : run.cases) cases.push_back(CaseToJson(c));
  j["cases"] = cases;
  return j;
}

}  // namespace antra::eval
