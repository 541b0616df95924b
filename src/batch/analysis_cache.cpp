#include "batch/analysis_cache.h"

#include <fstream>
#include <sstream>

#include <dcmtk/dcmdata/dcuid.h>
#include <nlohmann/json.hpp>
#include <opencv2/core/version.hpp>

#include "batch/analysis_fingerprint.h"  // generated at build time (src/batch/CMakeLists.txt)

#include "core/atomic_file.h"
#include "core/text_file.h"
#include "core/version.h"
#include "io/analysis_json.h"
#include "pipeline/presets.h"
#include "study/sha256.h"

namespace antra {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kSchema = "antra-batch-cache/1";

constexpr ErrorCode kAllCodes[] = {ErrorCode::kNotFound,  ErrorCode::kNotARegularFile, ErrorCode::kEmptyFile,
                                   ErrorCode::kIo,        ErrorCode::kNotDicom,        ErrorCode::kTruncated,
                                   ErrorCode::kCorrupt,   ErrorCode::kUnsupported,     ErrorCode::kLimitExceeded,
                                   ErrorCode::kInvalidArgument};

std::optional<ErrorCode> CodeFromString(const std::string& text) {
  for (ErrorCode code : kAllCodes) {
    if (text == ToString(code)) return code;
  }
  return std::nullopt;
}

// SHA-256 of a model file named in the options ("" when none is used), so
// that a model retrained under the same name invalidates cached results.
Result<std::string> ModelSha256(const std::string& name, const std::string& what) {
  if (name.empty()) return std::string();
  const fs::path path = pipeline::ModelPath(name);
  auto hash = FileSha256(path);
  if (!hash) return MakeError(hash.error().code, what + " " + path.string() + ": " + hash.error().message);
  return hash;
}

}  // namespace

Result<std::string> AnalysisConfigKey(const pipeline::AnalyzeOptions& analyze, const OpenOptions& open) {
  auto model = ModelSha256(analyze.pipeline.ovary_map.model, "ovary model");
  if (!model) return model.error();
  auto judge = ModelSha256(analyze.pipeline.candidate_model.model, "candidate model");
  if (!judge) return judge.error();
  auto context_judge = ModelSha256(analyze.pipeline.candidate_model.context_model, "context judge");
  if (!context_judge) return context_judge.error();
  // Canonical: nlohmann::json objects keep their keys sorted.
  json config = {{"software_version", kVersion},
                 {"analysis_software_version", analyze.software_version},
                 {"analysis_source_sha256", std::string(kAnalysisSourceSha256)},
                 {"opencv_version", CV_VERSION},
                 {"dcmtk_version", OFFIS_DCMTK_VERSION_STRING},
                 {"pipeline", pipeline::OptionsToJson(analyze.pipeline)},
                 {"ovary_model_sha256", *model},
                 {"candidate_model_sha256", *judge},
                 {"context_judge_sha256", *context_judge},
                 {"detect_ruler", analyze.detect_ruler},
                 {"link_cine", analyze.link_cine},
                 {"frame", analyze.frame ? json(*analyze.frame) : json(nullptr)},
                 {"mm_per_pixel", open.mm_per_pixel ? json(*open.mm_per_pixel) : json(nullptr)}};
  return Sha256Hex(config.dump()).substr(0, 16);
}

fs::path AnalysisCache::FolderUnder(const fs::path& results_root) { return results_root / "private" / "analysis-cache"; }

fs::path AnalysisCache::EntryPath(const std::string& file_sha256) const {
  const std::string prefix = file_sha256.size() >= 2 ? file_sha256.substr(0, 2) : "__";
  return folder_ / prefix / (file_sha256 + "-" + config_key_ + ".json");
}

std::optional<CachedOutcome> AnalysisCache::Load(const std::string& file_sha256) const {
  // A missing, oversized or unreadable entry is a cache miss: the file is analysed again.
  const auto text = ReadTextFile(EntryPath(file_sha256));
  if (!text) return std::nullopt;
  const json entry = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!entry.is_object() || entry.value("schema", "") != kSchema || entry.value("file_sha256", "") != file_sha256 ||
      entry.value("config", "") != config_key_) {
    return std::nullopt;
  }
  CachedOutcome outcome;
  if (entry.contains("failure")) {
    const json& f = entry["failure"];
    if (!f.is_object() || !f.contains("code") || !f["code"].is_string() || !f.contains("reason") ||
        !f["reason"].is_string()) {
      return std::nullopt;
    }
    const auto code = CodeFromString(f["code"].get<std::string>());
    if (!code) return std::nullopt;
    outcome.failure = Error{*code, f["reason"].get<std::string>()};
    return outcome;
  }
  if (!entry.contains("analysis")) return std::nullopt;
  auto analysis = AnalysisFromJson(entry["analysis"]);
  if (!analysis) return std::nullopt;
  outcome.analysis = std::move(*analysis);
  return outcome;
}

Status AnalysisCache::StoreAnalysis(const std::string& file_sha256, ImageAnalysis analysis) const {
  analysis.path.clear();
  const json entry = {{"schema", kSchema}, {"file_sha256", file_sha256}, {"config", config_key_},
                      {"analysis", AnalysisToJson(analysis)}};
  return WriteFileAtomically(EntryPath(file_sha256), entry.dump() + "\n");
}

Status AnalysisCache::StoreFailure(const std::string& file_sha256, const Error& failure) const {
  const json entry = {{"schema", kSchema},
                      {"file_sha256", file_sha256},
                      {"config", config_key_},
                      {"failure", {{"code", ToString(failure.code)}, {"reason", failure.message}}}};
  return WriteFileAtomically(EntryPath(file_sha256), entry.dump() + "\n");
}

bool AnalysisCache::IsDeterministic(ErrorCode code) {
  switch (code) {
    case ErrorCode::kEmptyFile:
    case ErrorCode::kNotDicom:
    case ErrorCode::kTruncated:
    case ErrorCode::kCorrupt:
    case ErrorCode::kUnsupported:
    case ErrorCode::kLimitExceeded:
    case ErrorCode::kInvalidArgument:
      return true;
    case ErrorCode::kNotFound:
    case ErrorCode::kNotARegularFile:
    case ErrorCode::kIo:
      return false;
  }
  return false;
}

}  // namespace antra
