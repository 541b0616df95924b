#pragma once
// Pipeline presets: PipelineOptions as JSON (models/*.json). A preset may give
// any subset of the options; the rest keep their defaults. Unknown keys and
// wrong types are errors (a misspelt option must not be silently ignored), and
// the result must pass PipelineOptions::Check().

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "pipeline/pipeline.h"

namespace antra::pipeline {

nlohmann::json OptionsToJson(const PipelineOptions& options);
Result<PipelineOptions> OptionsFromJson(const nlohmann::json& json);
Result<PipelineOptions> LoadPreset(const std::filesystem::path& path);

// Where `--preset NAME` looks: $ANTRA_MODELS_DIR, then the models/ folder of
// the source tree this binary was built from.
std::filesystem::path ModelsDir();
// A model file named in the options: relative names are under ModelsDir().
// The pipeline loads, and the batch cache fingerprints, this same file.
std::filesystem::path ModelPath(const std::string& name);
Result<PipelineOptions> LoadNamedPreset(const std::string& name);
// What `--params FILE` or `--preset NAME` ask for (a file first); the built-in
// defaults when neither is given.
Result<PipelineOptions> LoadParamsOrPreset(const std::string& params_file, const std::string& preset);

// 16 hex digits identifying the options (FNV-1a of their canonical JSON), so a
// result can say which parameters produced it.
std::string ParametersHash(const PipelineOptions& options);

}  // namespace antra::pipeline
