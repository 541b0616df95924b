#pragma once
// Scale from the burned-in depth ruler, for screens that carry no calibration
// (JPEG/PNG exports, secondary captures). The ruler is a column of small
// bright marks at regular depth intervals beside (or over) the image.
//
// Vendors differ. GE Voluson draws a dot every 0.5 cm, a short dash every
// 1 cm and a long mark every 5 cm; some deep views draw one mark per cm. So
// the spacing of the smallest marks is not the centimetre: taking the 0.5 cm
// dots for 1 cm would double every size. The period of the marks is measured
// first, then read as 0.5 or 1 cm from the marks' pattern: alternating short
// and longer marks mean 0.5 cm; a long mark every 10 periods means 0.5 cm,
// every 5 periods 1 cm; marks that are all alike are read as 1 cm, with a
// lower confidence. Where the ruler crosses bright tissue its marks are
// faint; they are looked for where the clear marks predict them, and a ruler
// that needed them has a lower confidence and says so in its detail.

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra::pipeline {

struct RulerOptions {
  int min_mark_level = 150;     // marks are drawn bright (grey level)
  int max_mark_width_px = 18;   // marks are small horizontal bars or dots
  int max_mark_height_px = 5;
  int min_mark_contrast = 80;   // a mark is this much brighter than the pixels around it
  // Second pass, when no ruler is found from clear marks alone: at positions a
  // run of clear marks predicts, a mark over bright tissue need only be this
  // much brighter than the rows above and below it (>= min_mark_contrast: off).
  int min_faint_mark_contrast = 40;
  int min_marks = 6;            // fewer marks in a column: not a ruler
  double min_span_fraction = 0.3;  // the marks cover at least this share of the image height
  double column_tolerance_px = 2.5;
  double spacing_tolerance = 0.08;  // of the period
  double min_px_per_cm = 20;
  double max_px_per_cm = 400;
  Status Check() const;
};

struct RulerReading {
  double px_per_cm = 0;
  double mm_per_px = 0;
  double confidence = 0;       // 0..1
  double period_px = 0;        // spacing of consecutive marks
  double period_cm = 0;        // 0.5 or 1
  int column_x = 0;            // where the marks line up
  std::vector<cv::Point2d> marks;  // centres of the marks used
  std::string detail;          // how the period was read, one line
};

// `luma`: full frame, CV_8UC1. Empty when no ruler is found.
std::optional<RulerReading> DetectDepthRuler(const cv::Mat& luma, const RulerOptions& options);

}  // namespace antra::pipeline
