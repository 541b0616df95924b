#pragma once
// Key images for a visit: the counting scan's frame with the ovary's follicles
// drawn (both calipers and the follicle ID) and a legend band under it
// (subject, visit, side, AFC, bins). Everything outside the usable ultrasound
// regions of (0018,6011) is blacked out first, so a name or birth date burned
// into the screen never leaves the site. Without a usable region there is no
// way to tell image from text, and no key image is made.

#include <string>

#include "core/image.h"
#include "core/result.h"
#include "study/visit.h"

namespace antra {

// The frame of the counting scan that shows most of the ovary's follicles
// (a sweep's follicles sit on their own best frames); 0 for a still.
int KeyFrameIndex(const OvaryResult& ovary);

// The part of the frame a key image shows: the ovary's follicles on that
// frame with a margin (a fifth of the frame, at least 60 pixels); the middle
// two thirds when none is on it.
cv::Rect KeyImageWindow(const cv::Size& size, const OvaryResult& ovary, int frame_index);

// Sets every pixel outside the scanned area to black: outside the usable 2D
// regions, inside them outside the connected echo-bearing image, and under
// text or graphics printed over the image (found by the pipeline's overlay
// detector, dilated to whole words). Fails when there is no usable region or
// no scanned area.
Result<cv::Mat> MaskOutsideUltrasoundRegions(const cv::Mat& bgr, const Calibration& calibration);

// PNG bytes of the key image for one ovary, drawn on `frame` (a frame of the
// counting scan, decoded by the caller).
Result<std::string> RenderKeyImagePng(const Frame& frame, const Calibration& calibration, const VisitResult& visit,
                                      Side side);

}  // namespace antra
