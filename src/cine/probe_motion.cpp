#include "cine/probe_motion.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace antra {

Status ProbeMotionOptions::Check() const {
  if (!(downsample > 0 && downsample <= 1)) return MakeError(ErrorCode::kInvalidArgument, "motion downsample must be in (0, 1]");
  if (!(min_response >= 0 && min_response < 1)) return MakeError(ErrorCode::kInvalidArgument, "motion min_response must be in [0, 1)");
  if (!(max_shift_fraction > 0 && max_shift_fraction <= 0.5)) {
    return MakeError(ErrorCode::kInvalidArgument, "motion max_shift_fraction must be in (0, 0.5]");
  }
  return Status::Ok();
}

ProbeMotionEstimator::ProbeMotionEstimator(ProbeMotionOptions options) : options_(options) {
  if (Status s = options_.Check(); !s) throw std::invalid_argument(s.error().message);
}

std::optional<cv::Point2d> ProbeMotionEstimator::Next(const cv::Mat& luma) {
  if (luma.empty()) {
    previous_.release();
    return std::nullopt;
  }
  cv::Mat small;
  cv::resize(luma, small, cv::Size(), options_.downsample, options_.downsample, cv::INTER_AREA);
  cv::GaussianBlur(small, small, cv::Size(0, 0), 1.5);
  cv::Mat prepared;
  small.convertTo(prepared, CV_32F);
  if (previous_.empty() || previous_.size() != prepared.size()) {
    previous_ = prepared;
    cv::createHanningWindow(window_, prepared.size(), CV_32F);
    return std::nullopt;
  }
  double response = 0;
  const cv::Point2d shift = cv::phaseCorrelate(previous_, prepared, window_, &response);
  previous_ = prepared;
  const double limit = options_.max_shift_fraction * std::max(prepared.cols, prepared.rows);
  if (response < options_.min_response || std::hypot(shift.x, shift.y) > limit) return std::nullopt;
  return cv::Point2d(shift.x / options_.downsample, shift.y / options_.downsample);
}

}  // namespace antra
