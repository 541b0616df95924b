// Fuzz target: reading analysis result JSON (the batch cache and the study
// model read these back from disk).

#include <cstdint>

#include <nlohmann/json.hpp>

#include "io/analysis_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  auto analysis = antra::AnalysisFromJson(json);
  if (analysis) (void)antra::AnalysisToJson(*analysis).dump();
  return 0;
}
