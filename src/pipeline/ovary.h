#pragma once
// Stage 8: where the ovary is. Follicles lie inside the ovary, and an ovary
// with antral follicles shows them as a group; the dark look-alikes that
// survive the feature tests (bowel loops, vessels in cross-section, gaps
// between pelvic structures) are mostly scattered outside it. The ovary is
// estimated as the strongest group of candidates linked by short edge-to-edge
// gaps, outlined by their convex hull grown by a margin of stroma; candidates
// outside it are rejected. This is a geometric estimate (the outline follows
// the follicles, not the ovary's own capsule), and it is reported as such.

#include <optional>
#include <vector>

#include <opencv2/core/mat.hpp>

#include <opencv2/core/types.hpp>

#include "core/result.h"
#include "pipeline/working_frame.h"

namespace antra::pipeline {

struct OvaryOptions {
  double link_mm = 9.0;          // candidates closer than this, edge to edge, are one group
  double margin_mm = 3.0;        // stroma around the outermost follicles
  double min_group_score = 0.3;  // sum of member confidences below this: no ovary found
  bool reject_outside = true;    // drop candidates outside the ovary found
  Status Check() const;
};

// An ovary given by the user instead of estimated: outlined by a reader, or
// taken from a mask (full-image pixels, one closed polygon per piece). The
// judge still weighs every candidate; only those whose centre lies inside
// are kept, and the given outline is the frame's ovary.
struct GivenOvary {
  std::vector<std::vector<cv::Point>> outlines_px;
  // From a mask: its kept pieces (255), so that Contains is one lookup
  // whatever the outlines' length; empty for a box.
  cv::Mat inside;
  // A box drawn around the ovary, as drawn: its sides are not the ovary's
  // diameters.
  std::optional<cv::Rect> box;
  bool empty() const { return outlines_px.empty(); }
  bool Contains(cv::Point2d full_px) const;
  // The box holding every piece (full-image pixels).
  cv::Rect Bounds() const;
};

// From a mask of the image's size (any non-zero pixel is ovary). Pieces of
// fewer than `min_piece_px` pixels (stray marks) are dropped, and only the
// kMaxGivenOvaryPieces largest are kept (a mask is one or two ovaries; a
// hostile one must not cost a test per piece); an error when none is left.
inline constexpr int kMaxGivenOvaryPieces = 16;
Result<GivenOvary> GivenOvaryFromMask(const cv::Mat& mask, double min_piece_px = 64);

// From a box (x, y, width, height in full-image pixels), as a reader drags one.
GivenOvary GivenOvaryFromBox(const cv::Rect& box);

struct OvaryMember {
  std::vector<cv::Point2d> polygon;  // working pixels
  cv::Point2d center;
  double confidence = 0;
};

struct OvaryEstimate {
  bool found = false;
  std::vector<cv::Point2d> outline;  // working pixels, closed polygon
  std::vector<bool> inside;          // per member: within the outline
  double confidence = 0;
  // From a probability map only: the map and the chosen region (with its
  // margin) at `map_px` working pixels per map pixel.
  cv::Mat map;     // CV_32F
  cv::Mat region;  // CV_8U
  double map_px = 0;
  // Probability and region membership at a working-pixel point (-1 and the
  // outline test when there is no map).
  double ProbabilityAt(cv::Point2d working) const;
  bool InRegion(cv::Point2d working) const;
};

// The group estimate, used when no ovary model is configured.
OvaryEstimate LocateOvary(const std::vector<OvaryMember>& members, const WorkingGrid& grid, const OvaryOptions& options);

// The estimate from a cell probability map (ovary_map.h): the most probable
// region (weighted by the candidates it holds) is the ovary; candidates inside
// it (or its margin) with at least `accept_probability`, or anywhere with at
// least `keep_elsewhere_probability`, are kept. `probability` is grid-size
// CV_32F with `cell_px` working pixels per cell.
struct OvaryMapOptions;
OvaryEstimate LocateOvaryFromMap(const cv::Mat& probability, int cell_px, cv::Size working_size,
                                 const std::vector<OvaryMember>& members, const WorkingGrid& grid,
                                 const OvaryOptions& options, const OvaryMapOptions& map_options);

}  // namespace antra::pipeline
