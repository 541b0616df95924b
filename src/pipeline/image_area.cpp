#include "pipeline/image_area.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status ImageAreaOptions::Check() const {
  if (min_echo_level < 0 || min_echo_level > 254) {
    return MakeError(ErrorCode::kInvalidArgument, "image_area.min_echo_level must be in 0..254");
  }
  if (analysis_max_side < 64 || analysis_max_side > 4096) {
    return MakeError(ErrorCode::kInvalidArgument, "image_area.analysis_max_side must be in 64..4096");
  }
  if (!(close_fraction >= 0 && close_fraction <= 0.2)) {
    return MakeError(ErrorCode::kInvalidArgument, "image_area.close_fraction must be in 0..0.2");
  }
  if (!(min_area_fraction > 0 && min_area_fraction < 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "image_area.min_area_fraction must be in (0, 1)");
  }
  if (!(erode_fraction >= 0 && erode_fraction <= 0.1)) {
    return MakeError(ErrorCode::kInvalidArgument, "image_area.erode_fraction must be in 0..0.1");
  }
  return Status::Ok();
}

namespace {

// Union of the usable 2D tissue regions (any usable 2D region if none is tissue).
cv::Rect RegionBox(const Calibration& calibration) {
  cv::Rect tissue, any;
  for (const auto& r : calibration.regions()) {
    if (!r.usable) continue;
    any = any.empty() ? r.box : (any | r.box);
    if (r.data_type == 1) tissue = tissue.empty() ? r.box : (tissue | r.box);
  }
  return tissue.empty() ? any : tissue;
}

cv::Mat Kernel(int diameter) {
  diameter = std::max(1, diameter | 1);
  return cv::getStructuringElement(cv::MORPH_ELLIPSE, {diameter, diameter});
}

// Background pixels reachable from the border stay 0; enclosed holes become 255.
void FillHoles(cv::Mat& mask) {
  cv::Mat padded;
  cv::copyMakeBorder(mask, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::floodFill(padded, cv::Point(0, 0), 128);
  cv::Mat holes = padded == 0;
  padded.setTo(255, holes);
  mask = padded(cv::Rect(1, 1, mask.cols, mask.rows)) == 255;
}

// The largest 8-connected component, or an empty Mat when none is big enough.
cv::Mat LargestComponent(const cv::Mat& binary, double min_area) {
  // Areas counted here: OpenCV's statistics pass costs three times the labelling.
  cv::Mat labels;
  const int n = cv::connectedComponents(binary, labels, 8, CV_32S);
  std::vector<int> areas(size_t(std::max(n, 1)), 0);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) ++areas[size_t(l[x])];
  }
  int best = 0;
  int best_area = 0;
  for (int i = 1; i < n; ++i) {
    const int area = areas[size_t(i)];
    if (area > best_area) {
      best_area = area;
      best = i;
    }
  }
  if (best == 0 || best_area < min_area) return {};
  return labels == best;
}

}  // namespace

cv::Mat ImageArea::MaskAt(cv::Size size) const {
  if (small.empty() || !found()) return cv::Mat::zeros(size, CV_8UC1);
  cv::Mat out;
  cv::resize(small, out, size, 0, 0, cv::INTER_LINEAR);
  out = out > 127;
  if (!region_box.empty()) {
    const double fx = double(size.width) / full_size.width, fy = double(size.height) / full_size.height;
    const cv::Rect scaled(cv::Point(int(std::ceil(region_box.x * fx)), int(std::ceil(region_box.y * fy))),
                          cv::Point(int(std::floor(region_box.br().x * fx)), int(std::floor(region_box.br().y * fy))));
    cv::Mat inside = cv::Mat::zeros(size, CV_8UC1);
    inside(scaled & cv::Rect(0, 0, size.width, size.height)).setTo(255);
    out &= inside;
  }
  return out;
}

ImageArea FindImageArea(const cv::Mat& luma, const Calibration& calibration, const ImageAreaOptions& options) {
  CV_Assert(luma.type() == CV_8UC1);
  ImageArea area;
  area.full_size = luma.size();
  area.source = "none";
  if (luma.empty()) return area;

  const cv::Rect box = options.use_ultrasound_regions ? RegionBox(calibration) : cv::Rect();
  area.region_box = box & cv::Rect(0, 0, luma.cols, luma.rows);
  const double factor =
      std::min(1.0, double(options.analysis_max_side) / std::max(luma.cols, luma.rows));
  cv::Mat small;
  cv::resize(luma, small, cv::Size(), factor, factor, cv::INTER_AREA);
  cv::blur(small, small, {3, 3});
  cv::Mat echo = small > options.min_echo_level;
  if (!area.region_box.empty()) {
    cv::Mat inside = cv::Mat::zeros(small.size(), CV_8UC1);
    const cv::Rect scaled(cv::Point(int(std::floor(box.x * factor)), int(std::floor(box.y * factor))),
                          cv::Point(int(std::ceil(box.br().x * factor)), int(std::ceil(box.br().y * factor))));
    inside(scaled & cv::Rect(0, 0, small.cols, small.rows)).setTo(255);
    echo &= inside;
  }
  const int longer = std::max(small.cols, small.rows);
  cv::morphologyEx(echo, echo, cv::MORPH_CLOSE, Kernel(int(std::lround(options.close_fraction * longer))));
  cv::Mat component = LargestComponent(echo, options.min_area_fraction * small.total());
  if (component.empty()) return area;
  FillHoles(component);
  const int erode = int(std::lround(options.erode_fraction * longer));
  if (erode > 0) cv::erode(component, component, Kernel(2 * erode + 1));
  area.small = component;
  const cv::Rect small_box = cv::boundingRect(component);
  if (small_box.empty()) return area;
  const double inverse = 1.0 / factor;
  area.box = cv::Rect(cv::Point(int(std::floor(small_box.x * inverse)), int(std::floor(small_box.y * inverse))),
                      cv::Point(int(std::ceil(small_box.br().x * inverse)), int(std::ceil(small_box.br().y * inverse)))) &
             cv::Rect(0, 0, luma.cols, luma.rows);
  if (!area.region_box.empty()) area.box &= area.region_box;
  area.source = area.region_box.empty() ? "pixels" : "ultrasound-region+pixels";
  return area;
}

}  // namespace antra::pipeline
