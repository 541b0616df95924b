#include "study/key_image.h"

#include <map>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pipeline/image_area.h"
#include "pipeline/overlay_mask.h"

namespace antra {

namespace {

const cv::Scalar kCounted(80, 220, 80);    // green (BGR): 2 to 10 mm
const cv::Scalar kNotCounted(0, 200, 255); // amber: outside the AFC range
const cv::Scalar kText(255, 255, 255);

cv::Point ToPixel(const cv::Point2d& p) { return {cvRound(p.x), cvRound(p.y)}; }

cv::Mat ToBgr(const Frame& frame) {
  cv::Mat bgr;
  if (!frame.rgb.empty()) {
    cv::cvtColor(frame.rgb, bgr, cv::COLOR_RGB2BGR);
  } else if (!frame.luma.empty()) {
    cv::cvtColor(frame.luma, bgr, cv::COLOR_GRAY2BGR);
  }
  return bgr;
}

void DrawFollicle(cv::Mat& img, const VisitFollicle& f) {
  const cv::Scalar colour = f.counted_in_afc() ? kCounted : kNotCounted;
  bool drawn = false;
  for (const Caliper* c : {&f.long_axis, &f.short_axis}) {
    if (c->LengthPx() < 1) continue;
    cv::line(img, ToPixel(c->a), ToPixel(c->b), colour, 1, cv::LINE_AA);
    cv::drawMarker(img, ToPixel(c->a), colour, cv::MARKER_CROSS, 7, 1);
    cv::drawMarker(img, ToPixel(c->b), colour, cv::MARKER_CROSS, 7, 1);
    drawn = true;
  }
  if (!drawn) cv::circle(img, ToPixel(f.center_px), 4, colour, 1, cv::LINE_AA);
  cv::putText(img, f.id, ToPixel(f.center_px) + cv::Point(6, -6), cv::FONT_HERSHEY_SIMPLEX, 0.45, colour, 1,
              cv::LINE_AA);
}

// Where the visit stands in review (key images are redrawn by every
// reviewer's save, so this is current).
std::string ReviewLabel(const VisitResult& visit) {
  if (visit.signed_off()) return "signed off";
  return visit.reviewer_changes ? "edited, not signed off" : "unreviewed";
}

std::vector<std::string> LegendLines(const VisitResult& visit, const OvaryResult& ovary, int frame_index,
                                     int off_frame) {
  std::vector<std::string> lines;
  lines.push_back(visit.subject_id + "  " + visit.FolderName() + "  " + (ovary.side == Side::kLeft ? "LEFT" : "RIGHT") +
                  " OVARY  (" + ReviewLabel(visit) + ")");
  if (auto counts = ovary.Counts()) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "AFC %d  (2-<6 mm: %d, 6-10 mm: %d)", counts->afc(), counts->from_2_to_6,
                  counts->from_6_to_10);
    lines.push_back(buf);
    std::snprintf(buf, sizeof buf, "not counted: >10 mm: %d, <2 mm: %d", counts->over_10, counts->under_2);
    lines.push_back(buf);
  } else {
    lines.push_back(std::string("AFC not available (") + ToString(ovary.status) + ")");
  }
  lines.push_back(std::string("counting scan: ") + ToString(ovary.basis) + ", frame " + std::to_string(frame_index));
  if (ovary.afc_from_single_frame()) lines.push_back("AFC from a single frame");
  if (off_frame > 0) lines.push_back(std::to_string(off_frame) + " follicle(s) drawn on other frames");
  return lines;
}

}  // namespace

int KeyFrameIndex(const OvaryResult& ovary) {
  std::map<int, int> per_frame;
  for (const auto& f : ovary.follicles) {
    if (f.sop_instance_uid == ovary.counting_scan) ++per_frame[f.frame];
  }
  int best = 0, best_count = 0;
  for (const auto& [frame, count] : per_frame) {
    if (count > best_count) best = frame, best_count = count;
  }
  return best;
}

Result<cv::Mat> MaskOutsideUltrasoundRegions(const cv::Mat& bgr, const Calibration& calibration) {
  cv::Mat mask = cv::Mat::zeros(bgr.size(), CV_8UC1);
  bool any = false;
  for (const auto& r : calibration.regions()) {
    if (!r.usable || r.spatial_format != 1) continue;
    const cv::Rect box = r.box & cv::Rect(0, 0, bgr.cols, bgr.rows);
    if (box.area() <= 0) continue;
    mask(box).setTo(255);
    any = true;
  }
  if (!any) {
    return MakeError(ErrorCode::kUnsupported,
                     "no usable ultrasound region: key image withheld (burned-in text cannot be excluded)");
  }
  // Scanners often declare a region as large as the screen, with the name and
  // birth date printed inside it. Keep only the scanned area itself (the
  // connected echo-bearing image the pipeline finds inside the region);
  // separate text blocks fall outside it.
  cv::Mat luma;
  cv::cvtColor(bgr, luma, cv::COLOR_BGR2GRAY);
  const pipeline::ImageArea area = pipeline::FindImageArea(luma, calibration, pipeline::ImageAreaOptions{});
  if (!area.found()) {
    return MakeError(ErrorCode::kUnsupported, "no scanned area found inside the ultrasound region: key image withheld");
  }
  cv::Mat keep;
  cv::bitwise_and(mask, area.MaskAt(mask.size()), keep);
  // Text printed over the image itself (white or coloured strokes): the
  // pipeline's overlay detector finds the strokes; a wide dilation covers the
  // whole word, so no letter survives.
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  cv::Mat graphics = pipeline::FindOverlayMask(rgb, luma, keep, pipeline::OverlayMaskOptions{});
  cv::dilate(graphics, graphics, cv::getStructuringElement(cv::MORPH_RECT, {21, 11}));
  keep.setTo(0, graphics);
  cv::Mat out = cv::Mat::zeros(bgr.size(), bgr.type());
  bgr.copyTo(out, keep);
  return out;
}

cv::Rect KeyImageWindow(const cv::Size& size, const OvaryResult& ovary, int frame_index) {
  cv::Rect window;
  for (const auto& f : ovary.follicles) {
    if (f.sop_instance_uid != ovary.counting_scan || f.frame != frame_index) continue;
    for (const cv::Point2d& p : {f.center_px, f.long_axis.a, f.long_axis.b, f.short_axis.a, f.short_axis.b}) {
      if (p.x == 0 && p.y == 0) continue;  // typed-in follicle without calipers
      const cv::Rect point(cvRound(p.x), cvRound(p.y), 1, 1);
      window = window.empty() ? point : (window | point);
    }
  }
  const cv::Rect frame(0, 0, size.width, size.height);
  if (window.empty()) {
    // No follicle on this frame: the middle of the screen, where the probe points.
    return cv::Rect(size.width / 6, size.height / 6, size.width * 2 / 3, size.height * 2 / 3) & frame;
  }
  const int mx = std::max(60, size.width / 5), my = std::max(60, size.height / 5);
  return cv::Rect(window.x - mx, window.y - my, window.width + 2 * mx, window.height + 2 * my) & frame;
}

Result<std::string> RenderKeyImagePng(const Frame& frame, const Calibration& calibration, const VisitResult& visit,
                                      Side side) {
  const OvaryResult& ovary = visit.ovary(side);
  cv::Mat bgr = ToBgr(frame);
  if (bgr.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty frame");
  auto masked = MaskOutsideUltrasoundRegions(bgr, calibration);
  if (!masked) return masked.error();
  // Only the neighbourhood of the follicles is shown: the least of the screen
  // that does the job, far from the banners where scanners print names.
  const cv::Rect window = KeyImageWindow(masked->size(), ovary, frame.index);
  cv::Mat image = cv::Mat::zeros(masked->size(), masked->type());
  (*masked)(window).copyTo(image(window));
  int off_frame = 0;
  for (const auto& f : ovary.follicles) {
    if (f.sop_instance_uid == ovary.counting_scan && f.frame == frame.index) {
      DrawFollicle(image, f);
    } else {
      ++off_frame;
    }
  }
  const auto lines = LegendLines(visit, ovary, frame.index, off_frame);
  const int line_height = 20;
  cv::Mat canvas = cv::Mat::zeros(image.rows + line_height * static_cast<int>(lines.size()) + 10, image.cols, CV_8UC3);
  image.copyTo(canvas(cv::Rect(0, 0, image.cols, image.rows)));
  for (size_t i = 0; i < lines.size(); ++i) {
    cv::putText(canvas, lines[i], cv::Point(8, image.rows + line_height * static_cast<int>(i + 1)),
                cv::FONT_HERSHEY_SIMPLEX, 0.5, kText, 1, cv::LINE_AA);
  }
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", canvas, png)) return MakeError(ErrorCode::kIo, "PNG encoding failed");
  return std::string(png.begin(), png.end());
}

}  // namespace antra
