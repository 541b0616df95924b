#include "pipeline/overlay_render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

namespace {

// Colours in B, G, R.
const cv::Scalar kOutline(80, 255, 80);
const cv::Scalar kLongAxis(0, 200, 255);
const cv::Scalar kShortAxis(255, 200, 0);
const cv::Scalar kOvary(255, 120, 255);
const cv::Scalar kText(255, 255, 255);
const cv::Scalar kWarning(60, 60, 255);

cv::Point Pt(cv::Point2d p) { return {int(std::lround(p.x)), int(std::lround(p.y))}; }

void Label(cv::Mat& image, const std::string& text, cv::Point at, double scale, const cv::Scalar& colour) {
  const int thickness = std::max(1, int(std::lround(scale * 1.5)));
  cv::putText(image, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(0, 0, 0), thickness + 2, cv::LINE_AA);
  cv::putText(image, text, at, cv::FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv::LINE_AA);
}

std::string Format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string Header(const FrameAnalysis& a, const Calibration& calibration) {
  std::string s = "frame " + std::to_string(a.index) + ": " + std::to_string(a.follicles.size()) + " follicles";
  if (!calibration.calibrated()) return s + "   UNCALIBRATED: pixel sizes only, no mm, no AFC";
  if (a.counts) {
    s += "   AFC " + std::to_string(a.counts->afc()) + " (2-<6: " + std::to_string(a.counts->from_2_to_6) +
         ", 6-10: " + std::to_string(a.counts->from_6_to_10) + ")  >10: " + std::to_string(a.counts->over_10);
  }
  s += std::string("   scale: ") + ToString(calibration.source());
  return s;
}

}  // namespace

std::map<int, int> UniqueIdsInFrame(const ImageAnalysis& analysis, int frame_index) {
  std::map<int, int> ids;
  for (const auto& f : analysis.cine_follicles) {
    for (const auto& a : f.appearances) {
      if (a.frame == frame_index) ids[a.follicle_id] = f.id;
    }
  }
  return ids;
}

cv::Mat RenderOverlay(const Frame& frame, const FrameAnalysis& analysis, const Calibration& calibration,
                      const FrameTrace* trace, const std::map<int, int>* unique_ids) {
  cv::Mat image;
  if (!frame.rgb.empty()) cv::cvtColor(frame.rgb, image, cv::COLOR_RGB2BGR);
  else cv::cvtColor(frame.luma, image, cv::COLOR_GRAY2BGR);
  const double scale = std::clamp(std::max(image.cols, image.rows) / 1400.0, 0.35, 1.2);
  const int thickness = std::max(1, int(std::lround(scale * 1.6)));

  if (trace) {
    for (const auto& r : trace->rejected) {
      std::vector<cv::Point> contour;
      for (const auto& p : r.outline_px) contour.push_back(Pt(p));
      cv::polylines(image, std::vector<std::vector<cv::Point>>{contour}, true, cv::Scalar(60, 60, 230), 1, cv::LINE_AA);
      if (!contour.empty()) {
        const cv::Rect box = cv::boundingRect(contour);
        Label(image, r.reason.substr(0, r.reason.find(' ', 6)), {box.x, box.y - 2}, 0.3 * scale + 0.1,
              cv::Scalar(120, 120, 255));
      }
    }
  }
  if (analysis.ovary) {
    const std::vector<std::vector<cv::Point>> contour{analysis.ovary->contour_px};
    cv::polylines(image, contour, true, kOvary, thickness, cv::LINE_AA);
  }
  for (const auto& f : analysis.follicles) {
    const std::vector<std::vector<cv::Point>> contour{f.contour_px};
    cv::polylines(image, contour, true, kOutline, thickness, cv::LINE_AA);
    cv::line(image, Pt(f.long_axis.a), Pt(f.long_axis.b), kLongAxis, 1, cv::LINE_AA);
    cv::line(image, Pt(f.short_axis.a), Pt(f.short_axis.b), kShortAxis, 1, cv::LINE_AA);
    std::string size = f.mean_mm ? Format("%.1f", *f.mean_mm)
                                 : Format("%.0fpx", (f.long_axis.LengthPx() + f.short_axis.LengthPx()) / 2);
    if (unique_ids) {
      const auto it = unique_ids->find(f.id);
      size = (it != unique_ids->end() ? "#" + std::to_string(it->second) : std::string("#-")) + " " + size;
    }
    double right = f.center_px.x;
    for (const auto& p : f.contour_px) right = std::max(right, double(p.x));
    Label(image, size, Pt({right + 3, f.center_px.y + 4}), 0.45 * scale + 0.15, kText);
  }
  const bool calibrated = calibration.calibrated();
  Label(image, Header(analysis, calibration), {6, int(20 * scale + 8)}, 0.5 * scale + 0.1,
        calibrated ? kText : kWarning);
  return image;
}

}  // namespace antra::pipeline
