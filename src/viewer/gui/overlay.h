#pragma once
// Measurement graphics over the image, drawn with ImGui's draw list in screen
// coordinates through the same ViewTransform that places the image: follicle
// outlines, their two calipers with scanner-style "+" ends, the mean diameter
// in mm, the reader's own calipers, and the measurement being placed.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/analysis.h"
#include "core/calibration.h"
#include "viewer/interaction.h"
#include "viewer/review_state.h"
#include "viewer/view_transform.h"

namespace antra::viewer::gui {

struct OverlayInput {
  const ReviewState& state;
  const Calibration& calibration;
  const ViewTransform& view;
  int frame = 0;
  const Selection& selection;
  const ViewportInteraction& interaction;
  const ImageAnalysis* analysis = nullptr;  // cine follicles on other frames, the estimated ovary
  // Draw the ovary the pipeline estimated on this frame (dashed), unless the
  // reader gave one.
  bool show_estimated_ovary = true;
  // Rings where a cine follicle appears on other frames: only for the image's
  // own review (a visit's follicles may come from another analysis).
  bool cine_rings = true;
  // The name shown for a follicle ("#3", or the visit's "L3"); "#id" when empty.
  std::function<std::string(int)> follicle_name = {};
};

void DrawOverlay(ImDrawList& draw, const OverlayInput& in);

// The outline (image pixels) of the ovary the pipeline estimated on `frame`,
// as the viewport draws it: null when it is hidden (`shown` false), when the
// reader gave the ovary (a box, or an analysis with the ovary given) or when
// there is none.
const std::vector<cv::Point>* EstimatedOvaryOutline(const ImageAnalysis* analysis, int frame, bool box_given, bool shown);

// A red band across the top of the viewport for an uncalibrated image.
void DrawUncalibratedBanner(ImDrawList& draw, const ScreenRect& viewport, const Calibration& calibration);

// "7.4 mm", or why there is no millimetre value.
std::string LengthLabel(const Calibration& calibration, cv::Point2d a, cv::Point2d b);

}  // namespace antra::viewer::gui
