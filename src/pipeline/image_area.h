#pragma once
// Stage 1: where the ultrasound image is on the screen. A scanner frame also
// holds text, logos, a grey bar and a depth ruler; only the scanned area may
// hold follicles. From the Sequence of Ultrasound Regions when the file has one
// (the box, narrowed to the echo-bearing pixels inside it), else detected from
// the pixels. Nothing here assumes an endocavity fan: a linear, curved or
// sector transabdominal image is found the same way (the largest connected
// echo-bearing area, holes filled).

#include <string>

#include <opencv2/core/mat.hpp>

#include "core/calibration.h"
#include "core/result.h"

namespace antra::pipeline {

struct ImageAreaOptions {
  int min_echo_level = 9;          // luma above this is echo; below it, background (0..255)
  int analysis_max_side = 400;     // the search runs on a copy downsampled to this size
  double close_fraction = 0.025;   // closing kernel, as a fraction of the copy's longer side
  double min_area_fraction = 0.04; // smaller echo areas are not an image
  double erode_fraction = 0.006;   // shrink the found area by this fraction of the longer side
  bool use_ultrasound_regions = true;
  Status Check() const;
};

struct ImageArea {
  cv::Size full_size;   // the frame's size
  cv::Mat small;        // CV_8UC1 mask at the search's reduced size, 255 inside
  cv::Rect region_box;  // ultrasound region box (full-image pixels), empty when none
  cv::Rect box;         // bounding box of the area, full-image pixels
  std::string source;   // "ultrasound-region+pixels", "pixels", "none"
  bool found() const { return !box.empty(); }
  // The mask resampled to any size covering the same frame (CV_8UC1, 0/255).
  cv::Mat MaskAt(cv::Size size) const;
};

// `luma` is the full frame (CV_8UC1).
ImageArea FindImageArea(const cv::Mat& luma, const Calibration& calibration, const ImageAreaOptions& options);

}  // namespace antra::pipeline
