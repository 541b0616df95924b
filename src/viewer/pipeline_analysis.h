#pragma once
// The automatic analysis the viewer shows: the saved result of `antra analyze`
// or of the batch when there is one (so the reader reviews exactly what was
// counted), else the pipeline itself, run on the analysis worker thread with
// the same AnalyzeImage() the command line uses.

#include <memory>

#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "viewer/analysis_worker.h"

namespace antra::viewer {

class PipelineAnalysisProvider : public AnalysisProvider {
 public:
  // `saved` is asked first (may be null); `open` is how the image is opened
  // (e.g. --mm-per-pixel for screens). With `automatic` false the pipeline
  // runs only when an ovary is given (a visit's scans show the visit's own
  // follicles).
  PipelineAnalysisProvider(pipeline::AnalyzeOptions options, OpenOptions open,
                           std::shared_ptr<AnalysisProvider> saved, bool automatic = true);

  Result<std::optional<ImageAnalysis>> Analyze(const std::filesystem::path& image, AnalysisControl& control) override;
  // Always the pipeline (a saved analysis was made without this ovary).
  Result<std::optional<ImageAnalysis>> AnalyzeWithOvary(const std::filesystem::path& image,
                                                        const pipeline::GivenOvary& ovary,
                                                        AnalysisControl& control) override;
  bool CanGiveOvary() const override { return true; }
  std::string Describe() const override;

 private:
  Result<std::optional<ImageAnalysis>> RunPipeline(const std::filesystem::path& image,
                                                   const pipeline::AnalyzeOptions& options, AnalysisControl& control);
  pipeline::AnalyzeOptions options_;
  OpenOptions open_;
  std::shared_ptr<AnalysisProvider> saved_;
  bool automatic_ = true;
};

}  // namespace antra::viewer
