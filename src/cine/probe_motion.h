#pragma once
// In-plane probe motion between consecutive cine frames. The hand drifts a
// little from frame to frame while sweeping; follicle positions are compared
// after removing that drift. Speckle decorrelates as the plane moves through
// tissue, so the estimate uses a blurred, downsampled frame where only the
// large anatomy (ovary outline, follicles, bladder) remains.

#include <optional>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra {

struct ProbeMotionOptions {
  // Working scale (1 = full resolution). A quarter since 2026-11-26: the
  // phase correlation's DFTs were 17 % of a sweep's time at a half, and the
  // benchmark sweeps link the same (BENCHMARKS.md, cine speed).
  double downsample = 0.25;
  double min_response = 0.03;      // phase-correlation peak below this: no estimate
  double max_shift_fraction = 0.15; // of the frame size; larger shifts are not drift
  Status Check() const;
};

class ProbeMotionEstimator {
 public:
  explicit ProbeMotionEstimator(ProbeMotionOptions options = {});
  // Shift (pixels, full resolution) of `luma` relative to the previous frame
  // given, or nothing for the first frame or an unreliable estimate.
  std::optional<cv::Point2d> Next(const cv::Mat& luma);

 private:
  ProbeMotionOptions options_;
  cv::Mat previous_;  // prepared previous frame (CV_32F, downsampled)
  cv::Mat window_;    // Hanning window for phase correlation
};

}  // namespace antra
