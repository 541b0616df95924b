#pragma once
// The batch's memory between runs: one file per analysed image under
// RESULTS/private/analysis-cache/, named by the image file's SHA-256 and the
// analysis configuration key (software version, a build-time fingerprint of
// the analysis code and the OpenCV and DCMTK versions, every pipeline option,
// each model file's SHA-256, ruler and cine switches, a forced scale). A
// rerun, or a run after a crash, reuses an entry only when all of these are
// unchanged; anything else is analysed again. Entries are written atomically,
// so a killed run leaves whole entries or none.
//
// Deterministic failures (a corrupt or truncated file, an unsupported
// encoding, a limit exceeded) are cached too, so a rerun reports them again
// without decoding them again; I/O errors are not, so they are retried.
//
// Entries hold no path and no patient identity (the analysis identifies the
// image by SOP Instance UID); they live in private/ because they are internal
// state, never exported.

#include <filesystem>
#include <optional>
#include <string>

#include "core/analysis.h"
#include "core/result.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"

namespace antra {

// 16 hex digits naming everything besides the input bytes that decides an
// analysis. Fails when the ovary model the options name cannot be read.
Result<std::string> AnalysisConfigKey(const pipeline::AnalyzeOptions& analyze, const OpenOptions& open);

struct CachedOutcome {
  std::optional<ImageAnalysis> analysis;  // exactly one of the two is set
  std::optional<Error> failure;
};

class AnalysisCache {
 public:
  AnalysisCache(std::filesystem::path folder, std::string config_key)
      : folder_(std::move(folder)), config_key_(std::move(config_key)) {}
  static std::filesystem::path FolderUnder(const std::filesystem::path& results_root);

  std::filesystem::path EntryPath(const std::string& file_sha256) const;
  // Nothing when there is no entry, or the entry is unreadable or for other
  // bytes (then the image is simply analysed again and the entry replaced).
  std::optional<CachedOutcome> Load(const std::string& file_sha256) const;
  // The analysis is stored without its path (entries are shared by copies).
  Status StoreAnalysis(const std::string& file_sha256, ImageAnalysis analysis) const;
  Status StoreFailure(const std::string& file_sha256, const Error& failure) const;

  // Whether a failure would recur on the same bytes with the same settings.
  static bool IsDeterministic(ErrorCode code);

 private:
  std::filesystem::path folder_;
  std::string config_key_;
};

}  // namespace antra
