#pragma once
// The review picture: the frame with each follicle's outline, its two caliper
// lines and its mean diameter, the ovary outline, and a header line with the
// counts (or, plainly, that the frame is uncalibrated). Drawn at the frame's
// own resolution so that outlines can be checked pixel by pixel.

#include <map>

#include <opencv2/core/mat.hpp>

#include "core/analysis.h"
#include "core/image.h"
#include "pipeline/pipeline.h"

namespace antra::pipeline {

// Returns a CV_8UC3 image in B, G, R order (ready for cv::imencode). With a
// trace, rejected candidates are drawn too (red, with the reason), for tuning.
// `unique_ids` (cine) maps a frame follicle's id to its unique follicle id,
// drawn as "#id" beside its size.
cv::Mat RenderOverlay(const Frame& frame, const FrameAnalysis& analysis, const Calibration& calibration,
                      const FrameTrace* trace = nullptr, const std::map<int, int>* unique_ids = nullptr);

// Frame follicle id -> unique follicle id for one frame of a linked cine.
std::map<int, int> UniqueIdsInFrame(const ImageAnalysis& analysis, int frame_index);

}  // namespace antra::pipeline
