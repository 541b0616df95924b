#pragma once
// Stage 9: sizes as a sonographer reads them. The long diameter is the longest
// chord of the lumen outline; the short one is the longest chord perpendicular
// to it (the width at its widest, as the second caliper pair is placed). Both
// are found in millimetre space, so anisotropic pixels are handled: a chord
// that is longest in pixels is not always longest in mm. The mean of the two is
// what scanners print as MD; the area-equivalent diameter is 2 sqrt(area / pi).

#include <optional>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/analysis.h"
#include "core/calibration.h"

namespace antra::pipeline {

struct Chord {
  cv::Point2d a, b;
  double Length() const;
};

// Longest segment between two vertices of the polygon.
Chord LongestChord(const std::vector<cv::Point2d>& polygon);
// Longest segment inside the polygon perpendicular to `axis` (scans lines
// across the axis every `step` units).
Chord LongestPerpendicularChord(const std::vector<cv::Point2d>& polygon, const Chord& axis, double step);
double PolygonArea(const std::vector<cv::Point2d>& polygon);
cv::Point2d PolygonCentroid(const std::vector<cv::Point2d>& polygon);

// Measures an outline given in full-image pixels. Millimetre fields are set
// only when the calibration gives a scale at the outline's centre; otherwise
// the calipers are found in pixel space and only pixel sizes are known.
FollicleMeasurement MeasureOutline(const std::vector<cv::Point2d>& outline_px, const Calibration& calibration);

}  // namespace antra::pipeline
