// antra-phantom: simulated transvaginal ultrasound with ground truth.
//
//   antra-phantom --out DIR [--seed N] [--difficulty easy|medium|hard] [--count N]
//                 [--cine FRAMES [--step MM]] [--encoding mono|rgb|mono-jpeg|ybr-jpeg]
//   antra-phantom --out DIR --preset samples|benchmark [--seed N]
//   antra-phantom --out DIR --study PARTICIPANTS [--visits N] [--stills N]
//   antra-phantom oracle TRUTH_DIR OUT_DIR [--perturb SEED]
//
// See docs/phantom.md.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"
#include "eval/truth_json.h"
#include "phantom/generator.h"
#include "phantom/random.h"

namespace {

using antra::phantom::CaseSpec;

constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2;

struct Options {
  std::string out;
  std::uint64_t seed = 1;
  std::string difficulty = "medium";
  int count = 1;
  int cine_frames = 0;
  double step_mm = 0.8;
  int width = 800, height = 600;
  std::string encoding = "mono";
  std::string format = "dicom";
  std::optional<int> follicles;
  bool no_ovary = false;
  std::string preset;
  int study_participants = 0;
  int study_visits = 2;
  int study_stills = 1;
  int study_frames = 16;
  bool debug_maps = false;
  bool quiet = false;
  // oracle
  std::string oracle_truth, oracle_out;
  std::uint64_t perturb = 0;
};

void Error(const std::string& message) { std::cerr << "antra-phantom: error: " << message << "\n"; }

// Label map and B-mode before overlays, for debugging a pipeline.
antra::Status WriteDebugMaps(const antra::phantom::GeneratedCase& g, const std::string& stem, const std::string& dir) {
  for (size_t k = 0; k < g.rendered.size(); ++k) {
    const auto& r = g.rendered[k];
    cv::Mat labels8;
    r.labels.convertTo(labels8, CV_8U);  // follicle ids 100+ stay distinct below 256
    const std::string suffix = g.rendered.size() > 1 ? "-f" + std::to_string(k) : "";
    std::vector<std::uint8_t> bytes;
    cv::imencode(".png", labels8, bytes);
    if (auto s = antra::WriteFileAtomically(dir + "/" + stem + suffix + ".labels.png",
                                            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        !s) {
      return s;
    }
  }
  return antra::Status::Ok();
}

std::vector<CaseSpec> PlanCases(const Options& o, std::string& problem) {
  if (o.preset == "samples") return antra::phantom::SamplesPreset(o.seed);
  if (o.preset == "benchmark") return antra::phantom::BenchmarkPreset(o.seed);
  if (!o.preset.empty()) {
    problem = "unknown preset '" + o.preset + "' (samples or benchmark)";
    return {};
  }
  const auto difficulty = antra::phantom::ParseDifficulty(o.difficulty);
  if (!difficulty) {
    problem = "unknown difficulty '" + o.difficulty + "' (easy, medium or hard)";
    return {};
  }
  antra::phantom::Encoding encoding;
  if (!antra::phantom::ParseEncoding(o.encoding, encoding)) {
    problem = "unknown encoding '" + o.encoding + "' (mono, rgb, mono-jpeg or ybr-jpeg)";
    return {};
  }
  if (o.format != "dicom" && o.format != "png") {
    problem = "unknown format '" + o.format + "' (dicom or png)";
    return {};
  }
  std::vector<CaseSpec> cases;
  for (int k = 0; k < o.count; ++k) {
    CaseSpec c;
    char stem[96];
    std::snprintf(stem, sizeof stem, "%s-%s-s%llu-%03d", o.cine_frames > 1 ? "sweep" : "still", o.difficulty.c_str(),
                  static_cast<unsigned long long>(o.seed), k + 1);
    c.stem = stem;
    c.scene.difficulty = *difficulty;
    c.scene.seed = antra::phantom::DeriveSeed(o.seed, "case", static_cast<std::uint64_t>(k));
    c.scene.width = o.width;
    c.scene.height = o.height;
    c.scene.cine = o.cine_frames > 1;
    c.scene.follicle_count = o.follicles;
    c.scene.ovary_visible = !o.no_ovary;
    c.frames = std::max(1, o.cine_frames);
    c.frame_step_mm = o.step_mm;
    c.encoding = encoding;
    c.format = o.format == "png" ? antra::phantom::OutputFormat::kPng : antra::phantom::OutputFormat::kDicom;
    cases.push_back(c);
  }
  return cases;
}

int RunGenerate(const Options& o) {
  if (o.out.empty()) {
    Error("--out DIR is required");
    return kExitUsage;
  }
  if (o.study_participants > 0) {
    antra::phantom::StudyOptions so;
    so.seed = o.seed;
    so.participants = o.study_participants;
    so.visits = o.study_visits;
    so.stills_per_ovary = o.study_stills;
    so.sweep_frames = o.study_frames;
    if (auto s = so.Check(); !s) {
      Error(s.error().message);
      return kExitUsage;
    }
    auto study = antra::phantom::GenerateStudy(so, o.out, [&](const std::string& what) {
      if (!o.quiet) std::cerr << "antra-phantom: " << what << "\n";
    });
    if (!study) {
      Error(o.out + ": " + study.error().message);
      return kExitFailed;
    }
    std::cout << "antra-phantom: wrote a study of " << so.participants << " participants x " << so.visits
              << " visits to " << o.out << " (study-truth.json)\n";
    return kExitOk;
  }
  std::string problem;
  const auto cases = PlanCases(o, problem);
  if (!problem.empty()) {
    Error(problem);
    return kExitUsage;
  }
  for (const auto& c : cases) {
    if (auto s = c.Check(); !s) {
      Error(s.error().message);
      return kExitUsage;
    }
  }
  int failures = 0;
  const auto start = std::chrono::steady_clock::now();
  int frames = 0;
  for (const auto& c : cases) {
    const auto g = antra::phantom::GenerateCase(c);
    frames += static_cast<int>(g.rgb.size());
    if (auto s = antra::phantom::WriteCase(g, c, o.out); !s) {
      Error(o.out + "/" + g.truth.image_file + ": " + s.error().message);
      ++failures;
      continue;
    }
    if (o.debug_maps) {
      if (auto s = WriteDebugMaps(g, c.stem, o.out); !s) {
        Error(c.stem + ": " + s.error().message);
        ++failures;
      }
    }
    if (!o.quiet) {
      std::cerr << "antra-phantom: " << g.truth.image_file << "  " << g.truth.difficulty << ", " << g.truth.frame_count
                << (g.truth.frame_count == 1 ? " frame" : " frames") << ", AFC " << g.truth.counts.afc() << "\n";
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "antra-phantom: wrote " << cases.size() - static_cast<size_t>(failures) << " cases (" << frames
            << " frames) to " << o.out << " in " << seconds << " s\n";
  return failures ? kExitFailed : kExitOk;
}

int RunOracle(const Options& o) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(o.oracle_truth, ec)) {
    Error(o.oracle_truth + ": truth folder not found");
    return kExitUsage;
  }
  fs::create_directories(o.oracle_out, ec);
  int written = 0, failures = 0;
  // Recursive, so that a study's P001/V1/... truth gives flat <stem>.json results.
  for (const auto& entry : fs::recursive_directory_iterator(o.oracle_truth, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".truth.json")) continue;
    auto truth = antra::eval::ReadTruthFile(entry.path());
    if (!truth) {
      Error(entry.path().string() + ": " + truth.error().message);
      ++failures;
      continue;
    }
    const auto results = antra::phantom::TruthAsResults(*truth, o.perturb);
    const fs::path out = fs::path(o.oracle_out) / (name.substr(0, name.size() - 11) + ".json");
    if (auto s = antra::WriteFileAtomically(out, results.dump(1) + "\n"); !s) {
      Error(out.string() + ": " + s.error().message);
      ++failures;
      continue;
    }
    ++written;
  }
  std::cout << "antra-phantom: wrote " << written << (o.perturb ? " perturbed" : " exact") << " oracle results to "
            << o.oracle_out << "\n";
  return failures ? kExitFailed : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  Options o;
  CLI::App app{"antra-phantom: simulated transvaginal ultrasound of ovaries with follicle ground truth"};
  app.add_option("--out", o.out, "Output folder");
  app.add_option("--seed", o.seed, "Seed: the same seed gives the same files");
  app.add_option("--difficulty", o.difficulty, "easy, medium or hard");
  app.add_option("--count", o.count, "Number of cases")->check(CLI::Range(1, 100000));
  app.add_option("--cine", o.cine_frames, "Write sweeps of this many frames instead of stills")->check(CLI::Range(0, 2000));
  app.add_option("--step", o.step_mm, "Elevation step between sweep frames, mm");
  app.add_option("--width", o.width, "Screen width in pixels");
  app.add_option("--height", o.height, "Screen height in pixels");
  app.add_option("--encoding", o.encoding, "mono, rgb, mono-jpeg or ybr-jpeg");
  app.add_option("--format", o.format, "dicom (calibrated) or png (a screen export, stills only)");
  app.add_option("--follicles", o.follicles, "Number of follicles (default: drawn for the difficulty)");
  app.add_flag("--no-ovary", o.no_ovary, "The probe misses the ovary (nothing to find)");
  app.add_option("--preset", o.preset, "samples (sample_images/) or benchmark (>= 200 stills and 10 sweeps)");
  app.add_option("--study", o.study_participants, "Write a multi-visit study with this many participants");
  app.add_option("--visits", o.study_visits, "Study visits, 14 days apart");
  app.add_option("--stills", o.study_stills, "Study stills per ovary per visit (besides the sweep)");
  app.add_option("--study-frames", o.study_frames, "Frames per study sweep");
  app.add_flag("--debug-maps", o.debug_maps, "Also write <stem>.labels.png (tissue labels; follicle N = 100 + N)");
  app.add_flag("--quiet", o.quiet, "Print only the final line");
  auto* oracle = app.add_subcommand("oracle", "Write results in Antra's analysis JSON shape from truth files (scorer checks)");
  oracle->add_option("truth_dir", o.oracle_truth, "Folder of <stem>.truth.json")->required();
  oracle->add_option("out_dir", o.oracle_out, "Folder for <stem>.json")->required();
  oracle->add_option("--perturb", o.perturb, "Nonzero: drop, jitter and add follicles deterministically from this seed");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    return oracle->parsed() ? RunOracle(o) : RunGenerate(o);
  } catch (const std::exception& e) {
    std::cerr << "antra-phantom: internal error: " << e.what() << "\n";
    return 3;
  }
}
