#pragma once
// Stage 2: burned-in graphics inside the scanned area (caliper crosses, dotted
// caliper lines, labels such as "LOV", colour bars, colour Doppler, body
// marks). They are not tissue: a dotted line across a follicle would cut it in
// two, a caliper cross would look like a septum. The mask marks them; FillMasked
// replaces them with the surrounding tissue so later stages see through them.
// Graphics are drawn in screen pixels whatever the depth, so sizes here are
// full-image pixels, not millimetres.

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra::pipeline {

struct OverlayMaskOptions {
  // Coloured graphics: chroma (max - min of R, G, B) above min_chroma and
  // saturation (chroma / max) above both min_saturation and the frame's median
  // saturation plus tint_margin (so a sepia or tinted B-mode map is not masked).
  int min_chroma = 30;
  double min_saturation = 0.22;
  double tint_margin = 0.15;
  // White graphics on grey tissue: at least white_level and brighter than a
  // grey opening of size thin_max_px by white_contrast (thin, bright, small).
  int white_level = 235;
  int white_contrast = 60;
  int thin_max_px = 7;
  int dilate_px = 2;  // grow the mask over anti-aliasing and JPEG ringing
  Status Check() const;
};

// `rgb` is CV_8UC3 in R, G, B order (or empty for grey-only frames), `luma`
// CV_8UC1, `area` the image-area mask at any size (used to learn the frame's
// tint; graphics outside the area are found too and simply ignored later).
// Returns CV_8UC1 at the frame's size, 255 on graphics.
cv::Mat FindOverlayMask(const cv::Mat& rgb, const cv::Mat& luma, const cv::Mat& area,
                        const OverlayMaskOptions& options);

// Replaces masked pixels of a CV_8UC1 image by a Gaussian-weighted mean of the
// unmasked pixels around them (normalised convolution): fast, and it does not
// invent edges. `sigma_px` sets the reach; wider gaps fall back to a coarser
// mean. `valid` (optional) marks pixels that may be used as a source.
cv::Mat FillMasked(const cv::Mat& image, const cv::Mat& mask, double sigma_px, const cv::Mat& valid = {});

}  // namespace antra::pipeline
