#pragma once
// Stage 3: the working copy every later stage looks at. The frame is resampled
// to square pixels of a fixed physical size (0.2 mm by default; images with
// coarser pixels keep theirs), so that every size threshold is in millimetres,
// anisotropic pixels become isotropic, and the cost per frame is bounded. Then
// speckle is reduced (OpenCV median + Gaussian: about 1 ms, against 150 ms for
// ITK's median or diffusion filters on 800 x 600).
//
// An uncalibrated frame has no millimetres; for detection only, its image area
// is assumed to be `uncalibrated_area_height_mm` deep. That guess sets filter
// sizes and the size range searched; it never reaches a reported size.

#include <optional>

#include <opencv2/core/mat.hpp>

#include "core/calibration.h"
#include "core/result.h"

namespace antra::pipeline {

struct WorkingOptions {
  double mm_per_px = 0.2;                     // working pixel size
  double uncalibrated_area_height_mm = 75.0;  // detection-only assumption (typical TV depth)
  int max_side = 2048;                        // working copy never larger than this
  Status Check() const;
};

// Maps full-image pixel coordinates (x = column) to working ones and back.
// Pixel centres are kept aligned the way cv::resize aligns them.
struct WorkingGrid {
  double fx = 1, fy = 1;   // working pixels per full-image pixel, along x and y
  double mm_per_px = 0;    // side of one working pixel, in mm
  bool assumed_scale = false;  // the frame is uncalibrated and mm_per_px is a guess
  cv::Size size;           // working image size

  cv::Point2d ToWorking(cv::Point2d p) const { return {(p.x + 0.5) * fx - 0.5, (p.y + 0.5) * fy - 0.5}; }
  cv::Point2d ToFull(cv::Point2d p) const { return {(p.x + 0.5) / fx - 0.5, (p.y + 0.5) / fy - 0.5}; }
  double Px(double mm) const { return mm / mm_per_px; }   // mm -> working pixels
  double Mm(double px) const { return px * mm_per_px; }   // working pixels -> mm
};

// `scale` is the calibration's nominal scale (empty when uncalibrated);
// `area_height_px` the height of the image area in full-image pixels.
WorkingGrid MakeWorkingGrid(cv::Size full, const std::optional<PixelScale>& scale, int area_height_px,
                            const WorkingOptions& options);

// Resamples a full-image CV_8UC1 to the working grid (area averaging when
// shrinking, the usual case; bilinear when enlarging).
cv::Mat ToWorking(const cv::Mat& full, const WorkingGrid& grid);

// A full-image CV_8UC1 mask on the working grid: 255 where the working pixel
// covers any set full-image pixel (when shrinking; bilinear > 0 when enlarging).
cv::Mat MaskToWorking(const cv::Mat& mask, const WorkingGrid& grid);

struct DespeckleOptions {
  double median_mm = 0.6;          // median kernel width
  double gaussian_sigma_mm = 0.2;  // then a light Gaussian (0 = none)
  Status Check() const;
};

// Median (8-bit, any odd kernel) then Gaussian, sizes from the working scale.
cv::Mat Despeckle(const cv::Mat& working, const WorkingGrid& grid, const DespeckleOptions& options);

}  // namespace antra::pipeline
