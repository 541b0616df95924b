#include "pipeline/presets.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace antra::pipeline {

// JSON names are the C++ member names; defaults fill what a preset leaves out.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageAreaOptions, min_echo_level, analysis_max_side, close_fraction,
                                                min_area_fraction, erode_fraction, use_ultrasound_regions)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OverlayMaskOptions, min_chroma, min_saturation, tint_margin,
                                                white_level, white_contrast, thin_max_px, dilate_px)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(WorkingOptions, mm_per_px, uncalibrated_area_height_mm, max_side)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DespeckleOptions, median_mm, gaussian_sigma_mm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(BackgroundOptions, cell_mm, window_mm, percentile, min_tissue_level)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CandidateOptions, core_ratio, extent_ratio, open_mm, min_core_mm,
                                                min_diameter_mm, max_diameter_mm, blob_min_mm, blob_max_mm,
                                                blob_contrast, blob_max_darkness)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SplitOptions, septum_contrast, neck_solidity, neck_depth_mm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RefineOptions, max_rays, edge_fraction, wall_search_mm, max_shift_mm,
                                                min_edge_step, smooth_rays, measure_edge_fraction, trim_window_fraction, trim_max_excess)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LookalikeOptions, min_diameter_mm, max_diameter_mm, min_solidity,
                                                min_axis_ratio, min_contrast, max_darkness, max_border_fraction,
                                                shadow_ratio, min_confidence, ring_mm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OvaryOptions, link_mm, margin_mm, min_group_score, reject_outside)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OvaryMapOptions, model, cell_mm, dark_ratio, region_threshold, region_relative,
                                                accept_probability, keep_elsewhere_probability, smooth_cells,
                                                candidate_weight)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CandidateModelOptions, model, context_model, accept_probability,
                                                given_ovary_accept_probability)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RulerOptions, min_mark_level, max_mark_width_px, max_mark_height_px,
                                                min_mark_contrast, min_faint_mark_contrast, min_marks, min_span_fraction, column_tolerance_px, spacing_tolerance, min_px_per_cm,
                                                max_px_per_cm)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PipelineOptions, image_area, overlay, working, despeckle, background,
                                                candidates, split, refine, lookalikes, ovary, ovary_map, candidate_model, ruler)

namespace {

// Every key of `given` must exist in `known` (same nesting); "$comment" keys are allowed.
Status CheckKeys(const nlohmann::json& given, const nlohmann::json& known, const std::string& where) {
  if (!given.is_object()) return MakeError(ErrorCode::kInvalidArgument, where + " must be a JSON object");
  for (const auto& [key, value] : given.items()) {
    if (!key.empty() && key[0] == '$') continue;
    const std::string path = where.empty() ? key : where + "." + key;
    if (!known.contains(key)) return MakeError(ErrorCode::kInvalidArgument, "unknown option '" + path + "'");
    if (known.at(key).is_object()) {
      if (Status s = CheckKeys(value, known.at(key), path); !s) return s;
    } else if (known.at(key).is_number() != value.is_number() || known.at(key).is_boolean() != value.is_boolean() ||
               known.at(key).is_string() != value.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "option '" + path + "' has the wrong type");
    }
  }
  return Status::Ok();
}

nlohmann::json WithoutComments(const nlohmann::json& j) {
  if (!j.is_object()) return j;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : j.items()) {
    if (!key.empty() && key[0] == '$') continue;
    out[key] = WithoutComments(value);
  }
  return out;
}

}  // namespace

nlohmann::json OptionsToJson(const PipelineOptions& options) { return options; }

Result<PipelineOptions> OptionsFromJson(const nlohmann::json& json) {
  if (Status s = CheckKeys(json, OptionsToJson(PipelineOptions{}), ""); !s) return s.error();
  PipelineOptions options;
  try {
    options = WithoutComments(json).get<PipelineOptions>();
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("bad option value: ") + e.what());
  }
  if (Status s = options.Check(); !s) return s.error();
  return options;
}

Result<PipelineOptions> LoadPreset(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open preset " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1u << 20)) return MakeError(ErrorCode::kLimitExceeded, "preset larger than 1 MiB");
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kCorrupt, "preset " + path.filename().string() + " is not valid JSON: " + e.what());
  }
  auto options = OptionsFromJson(json);
  if (!options) return MakeError(options.error().code, "preset " + path.filename().string() + ": " + options.error().message);
  return options;
}

std::filesystem::path ModelsDir() {
  if (const char* env = std::getenv("ANTRA_MODELS_DIR"); env && *env) return env;
  return ANTRA_DEFAULT_MODELS_DIR;
}

std::filesystem::path ModelPath(const std::string& name) {
  const std::filesystem::path path = name;
  return path.is_relative() ? ModelsDir() / path : path;
}

Result<PipelineOptions> LoadNamedPreset(const std::string& name) {
  const bool plain = !name.empty() && name.find_first_of("/\\.") == std::string::npos;
  if (!plain) return MakeError(ErrorCode::kInvalidArgument, "preset names are plain words (models/NAME.json)");
  return LoadPreset(ModelsDir() / (name + ".json"));
}

Result<PipelineOptions> LoadParamsOrPreset(const std::string& params_file, const std::string& preset) {
  if (!params_file.empty()) return LoadPreset(params_file);
  if (!preset.empty()) return LoadNamedPreset(preset);
  return PipelineOptions{};
}

std::string ParametersHash(const PipelineOptions& options) {
  const std::string text = OptionsToJson(options).dump();
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) out[size_t(i)] = digits[hash & 0xf];
  return out;
}

}  // namespace antra::pipeline
