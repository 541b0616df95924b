#pragma once
// The automatic analysis of the open image, run on a worker thread. Where the
// analysis comes from is behind AnalysisProvider: a saved `antra analyze`
// result (JSON) today, the pipeline library itself once it is merged. The
// viewer only ever sees an ImageAnalysis (core/analysis.h).

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/analysis.h"
#include "core/result.h"
#include "pipeline/ovary.h"
#include "viewer/concurrent_queue.h"

namespace antra::viewer {

// What a running analysis shares with the UI: a cancel request (the reader
// opened another image) and how far it got.
struct AnalysisControl {
  std::atomic<bool> cancel{false};
  std::atomic<int> frames_done{0};
  std::atomic<int> frames_total{0};
};

class AnalysisProvider {
 public:
  virtual ~AnalysisProvider() = default;
  // Empty optional: no analysis is available for this image (not an error).
  // Cancelled work may return anything; its result is dropped.
  virtual Result<std::optional<ImageAnalysis>> Analyze(const std::filesystem::path& image,
                                                       AnalysisControl& control) = 0;
  // The analysis with the ovary given by the reader (a box drawn around it).
  // Only a provider that runs the pipeline can; the others say why not.
  virtual Result<std::optional<ImageAnalysis>> AnalyzeWithOvary(const std::filesystem::path& image,
                                                                const pipeline::GivenOvary& ovary,
                                                                AnalysisControl& control);
  // Whether AnalyzeWithOvary can succeed (the provider runs the pipeline).
  virtual bool CanGiveOvary() const { return false; }
  virtual std::string Describe() const = 0;
};

// Reads an analysis saved as JSON (io/analysis_json.h): the file given with
// --analysis for the first image opened, else IMAGE.analysis.json beside the
// image, else (with a results folder) the analysis `antra batch` cached for
// the image's bytes. A file for another image (different SOP Instance UID) is
// refused.
class SavedAnalysisProvider : public AnalysisProvider {
 public:
  explicit SavedAnalysisProvider(std::optional<std::filesystem::path> explicit_file = std::nullopt,
                                 std::optional<std::filesystem::path> for_image = std::nullopt,
                                 std::filesystem::path results_dir = {});
  Result<std::optional<ImageAnalysis>> Analyze(const std::filesystem::path& image, AnalysisControl& control) override;
  std::string Describe() const override { return "saved analysis (IMAGE.analysis.json)"; }

  static std::filesystem::path SidecarPath(const std::filesystem::path& image);

 private:
  std::optional<std::filesystem::path> explicit_file_;
  std::optional<std::filesystem::path> for_image_;
  std::filesystem::path results_dir_;
};

// The newest analysis of the file's bytes that `antra batch` cached under
// RESULTS/private/analysis-cache (entries <sha256[:2]>/<sha256>-<config>.json
// holding {"schema", "file_sha256", "config", "analysis"}; written by
// src/batch/analysis_cache.h, whose test reads them back through this), under
// whichever configuration. Nothing when there is none or none is readable:
// a visit's scans then show no estimated ovary, nothing else changes.
std::optional<ImageAnalysis> FindCachedAnalysis(const std::filesystem::path& results_dir,
                                                const std::filesystem::path& image);

Result<ImageAnalysis> ReadAnalysisFile(const std::filesystem::path& path);

struct AnalysisMessage {
  int generation = 0;
  int request = 0;  // which analysis of the document (a later one supersedes it)
  Result<std::optional<ImageAnalysis>> result = std::optional<ImageAnalysis>{};
};

class AnalysisWorker {
 public:
  // A non-empty `ovary` asks for the analysis with that ovary given.
  AnalysisWorker(int generation, std::filesystem::path image, std::shared_ptr<AnalysisProvider> provider,
                 ConcurrentQueue<AnalysisMessage>& out, pipeline::GivenOvary ovary = {}, int request = 0);
  ~AnalysisWorker();  // asks the provider to cancel, then joins
  AnalysisWorker(const AnalysisWorker&) = delete;
  AnalysisWorker& operator=(const AnalysisWorker&) = delete;
  bool done() const { return done_.load(); }
  int frames_done() const { return control_.frames_done.load(); }
  int frames_total() const { return control_.frames_total.load(); }

 private:
  AnalysisControl control_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace antra::viewer
