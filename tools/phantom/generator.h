#pragma once
// The phantom generator's entry points: one case (a still or a cine sweep)
// from a seed, the named presets (sample images, benchmark set), and the
// multi-visit study. Every output is reproducible from its seed.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "eval/truth.h"
#include "phantom/dicom_writer.h"
#include "phantom/physics.h"
#include "phantom/scene.h"

namespace antra::phantom {

enum class OutputFormat { kDicom, kPng };

struct CaseSpec {
  std::string stem;             // file names: <stem>.dcm (or .png) and <stem>.truth.json
  SceneOptions scene;           // difficulty, seed, size, ...
  int frames = 1;               // > 1: a cine sweep
  double frame_step_mm = 0.8;   // elevation step between sweep frames
  double frame_time_ms = 40;
  OutputFormat format = OutputFormat::kDicom;
  Encoding encoding = Encoding::kMonochrome2;
  int jpeg_quality = 92;
  DicomIdentity identity;       // empty UIDs are derived from the seed
  std::string screen_laterality;  // burned-in "LT OVARY" etc.
  Status Check() const;
};

struct GeneratedCase {
  Scene scene;
  std::vector<PlanePose> poses;
  std::vector<cv::Mat> rgb;              // final screens, R,G,B
  std::vector<RenderedFrame> rendered;   // B-mode and label maps before overlays
  eval::TruthCase truth;
};

// Renders a given scene (tests build scenes by hand); `poses` empty means the
// still plane (identity) or the spec's sweep.
GeneratedCase RenderCase(const Scene& scene, const CaseSpec& spec, std::vector<PlanePose> poses = {});
// Draws the scene from the spec's seed, then renders it.
GeneratedCase GenerateCase(const CaseSpec& spec);

// Writes <stem>.dcm (or .png) and <stem>.truth.json into `dir`.
Status WriteCase(const GeneratedCase& generated, const CaseSpec& spec, const std::filesystem::path& dir);

// Presets. Seeds are derived from `seed` and each case's index.
std::vector<CaseSpec> SamplesPreset(std::uint64_t seed);
std::vector<CaseSpec> BenchmarkPreset(std::uint64_t seed, int stills_per_difficulty = 70, int sweeps = 10);

// Multi-visit study: participants x visits x {L, R} ovaries, each with one
// sweep and a few stills; writes every file with its truth and
// study-truth.json (AFC per ovary per visit).
struct StudyOptions {
  std::uint64_t seed = 1;
  int participants = 2;
  int visits = 2;
  int stills_per_ovary = 1;
  int sweep_frames = 16;
  double sweep_step_mm = 1.2;
  int width = 512, height = 384;
  double not_visualised_probability = 0.1;
  Encoding encoding = Encoding::kYbrFull422Jpeg;
  std::string first_study_date = "20260105";
  Status Check() const;
};
using Progress = std::function<void(const std::string& what)>;
Result<nlohmann::json> GenerateStudy(const StudyOptions& options, const std::filesystem::path& dir,
                                     const Progress& progress = {});

// Results in Antra's analysis JSON shape made from a truth file, for checking
// the scorer end to end: exact, or perturbed (missed follicles, false
// positives, size noise) deterministically from `perturb_seed` when nonzero.
nlohmann::json TruthAsResults(const eval::TruthCase& truth, std::uint64_t perturb_seed = 0);

// The generator's version, written into truth files.
const char* PhantomVersion();

}  // namespace antra::phantom
