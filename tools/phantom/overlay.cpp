#include "phantom/overlay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

namespace antra::phantom {

namespace {

using nlohmann::json;

// Colours in R, G, B order (the image is RGB).
const cv::Scalar kWhite(235, 235, 235);
const cv::Scalar kGrey(180, 180, 180);
const cv::Scalar kYellow(255, 225, 40);
const cv::Scalar kBlue(110, 120, 255);

double FontScale(const cv::Mat& img) { return 0.36 * img.rows / 600.0 + 0.06; }

json DrawText(cv::Mat& img, const std::string& s, cv::Point origin, const cv::Scalar& colour, bool right_aligned) {
  const double scale = FontScale(img);
  int baseline = 0;
  const cv::Size size = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  if (right_aligned) origin.x -= size.width;
  cv::putText(img, s, origin, cv::FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv::LINE_AA);
  return {{"kind", "text"}, {"text", s}, {"box_px", {origin.x, origin.y - size.height, size.width, size.height + baseline}}};
}

void Cross(cv::Mat& img, cv::Point2d c, int arm, const cv::Scalar& colour) {
  const cv::Point p(cvRound(c.x), cvRound(c.y));
  cv::line(img, p - cv::Point(arm, 0), p + cv::Point(arm, 0), colour, 1, cv::LINE_8);
  cv::line(img, p - cv::Point(0, arm), p + cv::Point(0, arm), colour, 1, cv::LINE_8);
}

void DottedLine(cv::Mat& img, cv::Point2d a, cv::Point2d b, const cv::Scalar& colour) {
  const double len = std::hypot(b.x - a.x, b.y - a.y);
  const int dots = static_cast<int>(len / 4.0);
  for (int k = 1; k < dots; ++k) {
    const cv::Point2d p = a + (b - a) * (static_cast<double>(k) / dots);
    cv::circle(img, cv::Point(cvRound(p.x), cvRound(p.y)), 0, colour, -1, cv::LINE_8);
  }
}

std::string Cm(double mm) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fcm", mm / 10.0);
  return buf;
}

json DrawRuler(cv::Mat& img, const ProbeGeometry& p) {
  const int x = std::max(3, cvRound(0.045 * img.cols));
  json ticks = json::array();
  for (int half_cm = 0; half_cm * 5 <= p.depth_mm; ++half_cm) {
    const double y = p.DepthToPixelY(half_cm * 5.0);
    if (y < 0 || y >= img.rows) continue;
    const int yi = cvRound(y);
    if (half_cm % 2 == 1) {
      cv::circle(img, {x, yi}, 0, kWhite, -1);  // 0.5 cm: a dot
    } else {
      const int len = (half_cm % 10 == 0) ? 9 : 5;  // 5 cm: long, 1 cm: short
      cv::line(img, {x - len / 2, yi}, {x + len / 2, yi}, kWhite, half_cm % 10 == 0 ? 2 : 1);
      ticks.push_back(yi);
    }
  }
  // Focus marker: a small triangle pointing at the fan.
  const int yf = cvRound(p.DepthToPixelY(p.focus_mm));
  std::vector<cv::Point> tri{{x + 8, yf - 4}, {x + 8, yf + 4}, {x + 13, yf}};
  cv::fillConvexPoly(img, tri, kWhite, cv::LINE_AA);
  return {{"kind", "depth-ruler"}, {"x_px", x}, {"cm_ticks_y_px", ticks}, {"tick_mm", 10},
          {"dots_every_mm", 5}, {"focus_marker_y_px", yf}};
}

json DrawGreyBar(cv::Mat& img) {
  const int x0 = 2, w = std::max(6, img.cols / 80);
  const int y0 = std::max(2, img.rows / 60), h = img.rows / 4;
  for (int y = 0; y < h; ++y) {
    const int v = 255 - 255 * y / std::max(1, h - 1);
    cv::line(img, {x0, y0 + y}, {x0 + w - 1, y0 + y}, cv::Scalar(v, v, v));
  }
  return {{"kind", "grey-bar"}, {"box_px", {x0, y0, w, h}}};
}

}  // namespace

json DrawOverlays(cv::Mat& img, const Scene& scene, const ScreenText& text, const eval::TruthFrame& frame_truth,
                  int frame_index, int frame_count) {
  json items = json::array();
  const OverlayParams& o = scene.overlay;
  const ProbeGeometry& p = scene.probe;
  const double line = 16.0 * img.rows / 600.0;
  if (o.grey_bar) items.push_back(DrawGreyBar(img));
  if (o.ruler) items.push_back(DrawRuler(img, p));
  if (o.text) {
    // Top left: who and where, as scanners print them (the privacy risk).
    const int left = std::max(4, img.cols / 40) + img.cols / 80 + 6;
    int y = cvRound(line);
    for (const auto& s : {text.clinic, text.patient_name, "ID " + text.patient_id, text.date_time}) {
      items.push_back(DrawText(img, s, {left, y}, kWhite, false));
      y += cvRound(line);
    }
    // Top right: probe, preset and settings.
    char depth[32], freq[32], gain[32];
    std::snprintf(depth, sizeof depth, "D %.1fcm", p.depth_mm / 10.0);
    std::snprintf(freq, sizeof freq, "Frq %.1fMHz", scene.imaging.frequency_mhz);
    std::snprintf(gain, sizeof gain, "Gn %+.0f", scene.imaging.gain_db);
    const std::vector<std::pair<std::string, cv::Scalar>> right[] = {
        {{"RIC5-9-D", kWhite}, {text.preset, kWhite}, {"C6 / M8", kWhite}, {"FF3 / E2", kWhite}, {"SRI II 2 / CRI 4", kBlue}},
        {{"V10-4B", kWhite}, {text.preset, kWhite}, {freq, kWhite}, {gain, kWhite}, {depth, kWhite}, {"MI 0.8 TIS 0.3", kGrey}},
        {{"EC9-4", kWhite}, {text.preset, kWhite}, {depth, kWhite}, {"DR 60  FR 24", kWhite}, {"Map C / P2", kBlue}}};
    const auto& lines = right[std::clamp(o.text_variant, 0, 2)];
    y = cvRound(line);
    for (const auto& [s, colour] : lines) {
      items.push_back(DrawText(img, s, {img.cols - 4, y}, colour, true));
      y += cvRound(line);
    }
    if (!text.laterality.empty()) {
      items.push_back(DrawText(img, text.laterality, {left, img.rows - cvRound(0.6 * line)}, kWhite, false));
    }
    if (frame_count > 1) {
      char f[32];
      std::snprintf(f, sizeof f, "%d/%d", frame_index + 1, frame_count);
      items.push_back(DrawText(img, f, {img.cols - 4, img.rows - cvRound(0.6 * line)}, kWhite, true));
    }
  }

  if (o.calipers) {
    // The sonographer measured the largest visible follicle: crosses on the
    // lumen's long and short axes, dotted lines, and the read-out.
    const eval::TruthCrossSection* target = nullptr;
    for (const auto& c : frame_truth.follicles) {
      if (c.visible_fraction < 0.9 || c.mean_mm < 3.0) continue;
      if (!target || c.mean_mm > target->mean_mm) target = &c;
    }
    if (target) {
      const int arm = std::max(3, img.rows / 120);
      int n = 1;
      std::vector<std::string> readout;
      json calipers = json::array();
      for (const Caliper* c : {&target->long_axis_px, &target->short_axis_px}) {
        Cross(img, c->a, arm, kYellow);
        Cross(img, c->b, arm, kYellow);
        DottedLine(img, c->a, c->b, kYellow);
        const std::string label = std::to_string(n);
        cv::putText(img, label, cv::Point(cvRound(c->a.x) + arm, cvRound(c->a.y) - arm), cv::FONT_HERSHEY_SIMPLEX,
                    FontScale(img) * 0.9, kYellow, 1, cv::LINE_AA);
        const double mm = (n == 1 ? target->long_mm : target->short_mm);
        readout.push_back(label + " D " + Cm(mm));
        calipers.push_back({{"label", label}, {"a_px", {c->a.x, c->a.y}}, {"b_px", {c->b.x, c->b.y}}, {"length_mm", mm}});
        ++n;
      }
      if (o.ovary_caliper && frame_truth.ovary) {
        // The ovary's length, measured across its outline.
        const auto& outline = frame_truth.ovary->contour_px;
        size_t ia = 0, ib = 0;
        double best = 0;
        for (size_t a = 0; a < outline.size(); ++a) {
          for (size_t b = a + 1; b < outline.size(); ++b) {
            const double d = std::hypot(outline[a].x - outline[b].x, outline[a].y - outline[b].y);
            if (d > best) { best = d; ia = a; ib = b; }
          }
        }
        Cross(img, outline[ia], arm, kYellow);
        Cross(img, outline[ib], arm, kYellow);
        DottedLine(img, outline[ia], outline[ib], kYellow);
        const double mm = best * p.mm_per_px;
        const std::string label = std::to_string(n);
        readout.push_back(label + " D " + Cm(mm));
        calipers.push_back({{"label", label}, {"a_px", {outline[ia].x, outline[ia].y}},
                            {"b_px", {outline[ib].x, outline[ib].y}}, {"length_mm", mm}, {"target", "ovary"}});
      }
      int y = img.rows - cvRound(0.6 * line) - cvRound(line) * static_cast<int>(readout.size() - 1) - cvRound(line);
      for (const auto& s : readout) {
        items.push_back(DrawText(img, s, {img.cols - 4, y}, kYellow, true));
        y += cvRound(line);
      }
      items.push_back({{"kind", "calipers"}, {"follicle_id", target->follicle_id}, {"pairs", calipers}});
    }
  }
  return items;
}

}  // namespace antra::phantom
