#pragma once
// One image file through the pipeline: calibration (the file's own, the
// user's, or the burned-in ruler for screens without one), then every frame
// (or one chosen frame) streamed through FramePipeline, collected into the
// ImageAnalysis that `antra analyze` writes. Frames are decoded one at a time
// and not kept, so memory does not grow with the length of a cine. For a
// multi-frame file the detections are also linked across frames (CineLinker)
// into unique follicles, which give the image's counts.

#include <functional>
#include <optional>

#include "cine/cine_linker.h"
#include "core/analysis.h"
#include "core/image.h"
#include "pipeline/pipeline.h"

namespace antra::pipeline {

struct AnalyzeOptions {
  PipelineOptions pipeline;
  std::optional<int> frame;    // analyse only this frame (0-based)
  bool detect_ruler = true;    // scale uncalibrated screens from their depth ruler
  bool link_cine = true;       // multi-frame files: count each follicle once across frames
  CineLinkOptions cine;
  // The ovary given by the user for every frame (empty: estimated per frame).
  GivenOvary ovary;
  std::string software_version;
  Status Check() const;
};

// Called after each frame, with the decoded frame still alive (for overlays).
using FrameCallback = std::function<void(const Frame&, const FrameAnalysis&, const Calibration&)>;

// The frame options a linked cine sweep is analysed with: the first
// candidate judge decides, not the context judge. The context judge was
// trained on stills, and the linker's track rules (min_track_confidence and
// the rest) were chosen on the first judge's probabilities: on the
// development sweeps the context judge found more follicles per frame but
// linked them into more false and duplicate unique follicles (unique
// precision 0.779 -> 0.647; BENCHMARKS.md, "A context judge").
PipelineOptions FrameOptionsForLinkedSweeps(PipelineOptions options);

// Calibration for a source: its own when it has one, else from the depth
// ruler on `first_frame` (when enabled and found), else uncalibrated.
Calibration ResolveCalibration(const ImageInfo& info, const Frame& first_frame, const AnalyzeOptions& options);

// Errors: a frame that cannot be decoded, or a frame index out of range.
Result<ImageAnalysis> AnalyzeImage(ImageSource& source, const AnalyzeOptions& options,
                                   const FrameCallback& on_frame = {});

}  // namespace antra::pipeline
