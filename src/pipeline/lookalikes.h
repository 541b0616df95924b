#pragma once
// Stage 7: telling follicles from look-alikes. Each refined candidate is
// described by a few measurable features and judged:
//  - size: speckle holes are small, bladder and bowel loops are large;
//  - shape: vessels are long thin tubes (low axis ratio), bowel shadows and
//    gaps between structures are irregular (low solidity);
//  - darkness and contrast: fluid is much darker than the tissue around it,
//    and a follicle has a brighter wall just outside its edge;
//  - posterior enhancement: sound passes fluid with little loss, so the tissue
//    behind a follicle is as bright as or brighter than beside it, while an
//    acoustic shadow is darker behind;
//  - position: a dark region cut by the edge of the image area is a shadow,
//    the far field, or a structure that cannot be measured whole.
// The same features give the confidence reported with each follicle.
// Being inside the ovary is judged later (ovary.h), over all candidates.

#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "pipeline/refine.h"
#include "pipeline/working_frame.h"

namespace antra::pipeline {

struct CandidateFeatures {
  double diameter_mm = 0;       // area-equivalent diameter of the refined outline
  double solidity = 0;          // area / convex hull area
  double axis_ratio = 0;        // minor / major axis of the outline's second moments
  double lumen = 0;             // grey level inside
  double ring = 0;              // grey level of a 1 mm band just outside
  double tissue = 0;            // wide-area tissue level
  double contrast = 0;          // (ring - lumen) / ring
  double darkness = 0;          // lumen / tissue
  double border_fraction = 0;   // share of the band outside the usable image area
  double posterior_ratio = 1;   // tissue behind / tissue beside (1 when unknown)
  double edge_rays = 0;         // share of rays that found a clear wall
  double lumen_spread = 0;      // interquartile range inside / tissue (fluid is uniform)
  double wall_ratio = 0;        // wall peak / tissue (a follicle's wall is bright)
  // Mean inside / mean of a wide band around the outline (from the ring's
  // outer edge out by max(1.5 mm, one radius)): a follicle is darker than the
  // stroma around it even where clutter fills its lumen, averaged over many
  // speckle cells; a speckle hole is not darker than its surround on average.
  double surround_darkness = 1;
};

struct LookalikeOptions {
  double min_diameter_mm = 1.6;    // smaller: speckle hole (area-equivalent)
  double max_diameter_mm = 40.0;   // larger: bladder, bowel, cyst beyond the follicle range
  double min_solidity = 0.80;      // less: irregular gap, bowel, shadow edge
  double min_axis_ratio = 0.33;    // less: vessel or tube
  double min_contrast = 0.35;      // less: not a fluid-filled cavity
  double max_darkness = 0.55;      // more: not dark enough to be fluid
  double max_border_fraction = 0.2;
  double shadow_ratio = 0.7;       // posterior/side below this: acoustic shadow
  double min_confidence = 0.35;
  double ring_mm = 1.2;            // width of the band that measures the wall
  Status Check() const;
};

struct Verdict {
  bool accepted = false;
  std::string reason;   // why it was rejected (empty when accepted)
  double confidence = 0;
};

// `image`: despeckled working frame; `valid`: usable image area (CV_8UC1).
CandidateFeatures DescribeCandidate(const RefinedOutline& outline, const cv::Mat& image, const cv::Mat& tissue,
                                    const cv::Mat& valid, const WorkingGrid& grid, const LookalikeOptions& options);

Verdict JudgeCandidate(const CandidateFeatures& features, const LookalikeOptions& options);

// True when a candidate fails the gross tests (size range, cut by the image
// area's edge) that hold whatever a trained classifier says.
bool FailsGrossTests(const CandidateFeatures& features, const LookalikeOptions& options);

}  // namespace antra::pipeline
