#include "pipeline/working_frame.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status WorkingOptions::Check() const {
  if (!(mm_per_px >= 0.02 && mm_per_px <= 2.0)) {
    return MakeError(ErrorCode::kInvalidArgument, "working.mm_per_px must be in 0.02..2");
  }
  if (!(uncalibrated_area_height_mm >= 10 && uncalibrated_area_height_mm <= 400)) {
    return MakeError(ErrorCode::kInvalidArgument, "working.uncalibrated_area_height_mm must be in 10..400");
  }
  if (max_side < 64 || max_side > 8192) return MakeError(ErrorCode::kInvalidArgument, "working.max_side must be in 64..8192");
  return Status::Ok();
}

WorkingGrid MakeWorkingGrid(cv::Size full, const std::optional<PixelScale>& scale, int area_height_px,
                            const WorkingOptions& options) {
  WorkingGrid grid;
  PixelScale s;
  if (scale && scale->mm_per_px_x > 0 && scale->mm_per_px_y > 0) {
    s = *scale;
  } else {
    const double assumed = options.uncalibrated_area_height_mm / std::max(16, area_height_px);
    s = {assumed, assumed};
    grid.assumed_scale = true;
  }
  // Square working pixels no finer than the requested size, nor than the finer axis.
  double side = std::max(options.mm_per_px, std::min(s.mm_per_px_x, s.mm_per_px_y));
  const double longest_mm = std::max(full.width * s.mm_per_px_x, full.height * s.mm_per_px_y);
  side = std::max(side, longest_mm / options.max_side);
  grid.mm_per_px = side;
  grid.fx = s.mm_per_px_x / side;
  grid.fy = s.mm_per_px_y / side;
  grid.size = cv::Size(std::max(1, int(std::lround(full.width * grid.fx))),
                       std::max(1, int(std::lround(full.height * grid.fy))));
  // Use the rounded size so that ToWorking/ToFull match cv::resize exactly.
  grid.fx = double(grid.size.width) / full.width;
  grid.fy = double(grid.size.height) / full.height;
  return grid;
}

cv::Mat ToWorking(const cv::Mat& full, const WorkingGrid& grid) {
  cv::Mat out;
  const bool shrinking = grid.fx <= 1.0 && grid.fy <= 1.0;
  cv::resize(full, out, grid.size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

Status DespeckleOptions::Check() const {
  if (!(median_mm >= 0 && median_mm <= 5)) return MakeError(ErrorCode::kInvalidArgument, "despeckle.median_mm must be in 0..5");
  if (!(gaussian_sigma_mm >= 0 && gaussian_sigma_mm <= 5)) {
    return MakeError(ErrorCode::kInvalidArgument, "despeckle.gaussian_sigma_mm must be in 0..5");
  }
  return Status::Ok();
}

cv::Mat Despeckle(const cv::Mat& working, const WorkingGrid& grid, const DespeckleOptions& options) {
  CV_Assert(working.type() == CV_8UC1);
  cv::Mat out = working.clone();
  const int median = int(std::lround(grid.Px(options.median_mm))) | 1;
  if (median >= 3) cv::medianBlur(out, out, std::min(median, 15));
  const double sigma = grid.Px(options.gaussian_sigma_mm);
  if (sigma >= 0.3) cv::GaussianBlur(out, out, {}, sigma, sigma, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace antra::pipeline
