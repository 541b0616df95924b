#include "viewer/pipeline_analysis.h"

namespace antra::viewer {
namespace {

// Thrown from the per-frame callback to stop AnalyzeImage early: the reader
// has moved on to another image. AnalyzeImage holds only RAII state.
struct Cancelled {};

}  // namespace

PipelineAnalysisProvider::PipelineAnalysisProvider(pipeline::AnalyzeOptions options, OpenOptions open,
                                                   std::shared_ptr<AnalysisProvider> saved, bool automatic)
    : options_(std::move(options)), open_(std::move(open)), saved_(std::move(saved)), automatic_(automatic) {}

std::string PipelineAnalysisProvider::Describe() const {
  if (!automatic_) return (saved_ ? saved_->Describe() + "; " : std::string()) + "the pipeline for an ovary box only";
  return saved_ ? saved_->Describe() + ", else the pipeline" : "the pipeline";
}

Result<std::optional<ImageAnalysis>> PipelineAnalysisProvider::Analyze(const std::filesystem::path& image,
                                                                       AnalysisControl& control) {
  if (saved_) {
    auto saved = saved_->Analyze(image, control);
    if (!saved || saved->has_value() || !automatic_) return saved;
  }
  if (!automatic_) return std::optional<ImageAnalysis>{};
  return RunPipeline(image, options_, control);
}

Result<std::optional<ImageAnalysis>> PipelineAnalysisProvider::AnalyzeWithOvary(const std::filesystem::path& image,
                                                                                const pipeline::GivenOvary& ovary,
                                                                                AnalysisControl& control) {
  pipeline::AnalyzeOptions options = options_;
  options.ovary = ovary;
  return RunPipeline(image, options, control);
}

Result<std::optional<ImageAnalysis>> PipelineAnalysisProvider::RunPipeline(const std::filesystem::path& image,
                                                                           const pipeline::AnalyzeOptions& options,
                                                                           AnalysisControl& control) {
  // A source of its own: the decode worker's is not shared across threads.
  auto source = OpenImage(image, open_);
  if (!source) return source.error();
  control.frames_total = (*source)->info().frame_count;
  auto on_frame = [&](const Frame&, const FrameAnalysis&, const Calibration&) {
    ++control.frames_done;
    if (control.cancel) throw Cancelled{};
  };
  try {
    auto analysis = pipeline::AnalyzeImage(**source, options, on_frame);
    if (!analysis) return analysis.error();
    return std::optional<ImageAnalysis>(std::move(analysis).value());
  } catch (const Cancelled&) {
    return MakeError(ErrorCode::kInvalidArgument, "cancelled");
  }
}

}  // namespace antra::viewer
