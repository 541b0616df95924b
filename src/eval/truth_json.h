#pragma once
// JSON form of TruthCase (docs/schemas/truth.schema.json). The phantom
// generator writes it through TruthToJson, so writer and reader cannot drift.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/limits.h"
#include "core/result.h"
#include "eval/truth.h"

namespace antra::eval {

nlohmann::json TruthToJson(const TruthCase& truth);
Result<TruthCase> TruthFromJson(const nlohmann::json& json);

// Reads and parses one <stem>.truth.json (size-limited, one-line errors).
Result<TruthCase> ReadTruthFile(const std::filesystem::path& path,
                                const InputLimits& limits = DefaultInputLimits());

// Reads any JSON file with the same size limit (results files, study truth).
Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path,
                                    const InputLimits& limits = DefaultInputLimits());

}  // namespace antra::eval
