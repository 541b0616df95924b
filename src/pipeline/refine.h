#pragma once
// Stage 6: the outline on the inner edge of the follicle wall. A threshold of
// the dark core reads about 1 mm small: the point spread function and log
// compression spread the bright wall into the lumen. Along rays from the
// candidate's centre the edge is placed where the profile crosses a set
// fraction of the way from the lumen level to the wall's peak (half-way by
// default, which is where a blurred step edge sits), with subpixel
// interpolation; the radii are then median-filtered around the outline so that
// a single speckle-confused ray cannot make a notch or a spike.

#include <algorithm>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "pipeline/candidates.h"
#include "pipeline/working_frame.h"

namespace antra::pipeline {

struct RefineOptions {
  int max_rays = 72;             // rays per outline (fewer for small candidates, at least 24)
  double edge_fraction = 0.6;    // edge = lumen + edge_fraction * (wall - lumen)
  double wall_search_mm = 2.0;   // search this far beyond the candidate's edge for the wall peak
  double max_shift_mm = 2.5;     // an edge found further than this from the candidate's edge is not trusted
  double min_edge_step = 0.12;   // (wall - lumen) / tissue below this: no edge on this ray
  int smooth_rays = 5;           // circular median window over neighbouring radii (odd)
  // The edge fraction of the outline that is measured (the judge sees
  // edge_fraction's, the one it was trained with); 0: the same. At 0.6 the
  // accepted follicles of the development stills read 0.17 mm small, and
  // the trim below makes that 0.3 mm; 0.65 with the trim reads them 0.12 mm
  // small at a lower error (BENCHMARKS.md, "Measuring the accepted
  // outlines": chosen on the development stills and sweeps, not on the
  // benchmark; 0.7 did as well on stills but read sweeps larger).
  double measure_edge_fraction = 0.65;
  // Protrusion trim, for the outlines the judge accepted (it sees the
  // untrimmed outline it was trained on). Where a follicle's wall is thin or
  // pressed against a neighbour, a run of rays passes through it into the
  // next lumen and the outline grows a lobe, and the longest chord, hence
  // the reported size, runs into the lobe. A follicle's radius changes
  // smoothly around it: each radius is capped at (1 + trim_max_excess) x the
  // median radius over the surrounding trim_window_fraction of the outline.
  // A sixth of the outline (60 degrees) leaves an oval of axis ratio 0.5
  // whole; a quarter would clip the ends of ovals narrower than about 0.65.
  double trim_window_fraction = 0.167;  // share of the rays in the reference window; 0 disables the trim
  double trim_max_excess = 0.1;
  Status Check() const;
};

struct RefinedOutline {
  cv::Point2d center;                // working pixels (ray origin)
  std::vector<cv::Point2d> polygon;  // working pixels, one vertex per ray, by increasing angle
  std::vector<double> radii;         // one per ray
  double lumen_level = 0;            // despeckled grey levels
  double wall_level = 0;             // median wall peak over the rays with an edge
  double edge_rays_fraction = 0;     // share of rays that found a clear edge
};

// The outline with every radius capped at (1 + trim_max_excess) x the median
// radius over a window of trim_window_fraction of the rays around it (the
// outline unchanged when the trim is disabled).
RefinedOutline TrimProtrusions(const RefinedOutline& outline, const RefineOptions& options);

// `image`: the despeckled working frame; `tissue`: its tissue level (CV_32F).
RefinedOutline RefineOutline(const cv::Mat& image, const cv::Mat& tissue, const cv::Mat& labels,
                             const Candidate& candidate, const WorkingGrid& grid, const RefineOptions& options);

// The outline that is measured and reported for an accepted candidate, whose
// judged outline (edge_fraction's) is `judged`: traced again at
// measure_edge_fraction when that differs, then trimmed (TrimProtrusions).
RefinedOutline MeasuredOutline(const cv::Mat& image, const cv::Mat& tissue, const cv::Mat& labels,
                               const Candidate& candidate, const WorkingGrid& grid, const RefineOptions& options,
                               const RefinedOutline& judged);

// std::lround(v) without the library call (libm's is not inlined, and
// refinement and features round millions of sample positions a frame): the
// same result for every finite v in int range, halves away from zero. The
// remainder v - trunc(v) is exact in floating point, so no case differs.
inline int RoundToInt(double v) {
  const long whole = long(v);  // toward zero
  const double rest = v - double(whole);
  // Branch-free: the side of the half is a coin toss for sample positions.
  return int(whole + long(rest >= 0.5) - long(rest <= -0.5));
}

// Bilinear sample of a CV_8UC1 image (clamped at the border). Inline: it is
// called hundreds of thousands of times a frame by refinement and features.
inline double SampleBilinear(const cv::Mat& image, cv::Point2d p) {
  const double x = std::clamp(p.x, 0.0, image.cols - 1.0);
  const double y = std::clamp(p.y, 0.0, image.rows - 1.0);
  const int x0 = std::min(int(x), image.cols - 2 < 0 ? 0 : image.cols - 2);
  const int y0 = std::min(int(y), image.rows - 2 < 0 ? 0 : image.rows - 2);
  const int x1 = std::min(x0 + 1, image.cols - 1), y1 = std::min(y0 + 1, image.rows - 1);
  const double ax = x - x0, ay = y - y0;
  const uchar* row0 = image.ptr<uchar>(y0);
  const uchar* row1 = image.ptr<uchar>(y1);
  const double top = (1 - ax) * row0[x0] + ax * row0[x1];
  const double bottom = (1 - ax) * row1[x0] + ax * row1[x1];
  return (1 - ay) * top + ay * bottom;
}

}  // namespace antra::pipeline
