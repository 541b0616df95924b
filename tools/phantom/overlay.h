#pragma once
// Burned-in screen content as ultrasound scanners write it into the pixels:
// patient and clinic text in the corners, the preset and imaging settings, a
// grey bar, a depth ruler with 1 cm marks (dots every 0.5 cm, long marks every
// 5 cm), the focus marker, and sometimes caliper crosses with a dotted line
// and a measurement read-out. Everything drawn is described in the returned
// JSON (for the truth's "scene.overlays"), so a pipeline can be checked for
// mistaking it for anatomy.

#include <string>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

#include "eval/truth.h"
#include "phantom/scene.h"

namespace antra::phantom {

struct ScreenText {
  std::string clinic = "ANTRA PHANTOM CLINIC";
  std::string patient_name = "PHANTOM, P001";  // as the scanner prints PatientName
  std::string patient_id = "PH-0001";
  std::string date_time = "24/11/2026 10:00:00";
  std::string preset = "Gyn TV";
  std::string laterality;  // "LT OVARY", "RT OVARY" or empty
};

// Draws on `rgb` (CV_8UC3, R,G,B order) in place. `frame_truth` provides the
// follicle the calipers measure (if the scene asks for calipers).
nlohmann::json DrawOverlays(cv::Mat& rgb, const Scene& scene, const ScreenText& text,
                            const eval::TruthFrame& frame_truth, int frame_index, int frame_count);

}  // namespace antra::phantom
