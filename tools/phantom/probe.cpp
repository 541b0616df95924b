#include "phantom/probe.h"

#include <algorithm>
#include <cmath>

namespace antra::phantom {

namespace {
constexpr double kPi = 3.14159265358979323846;
// Screen margins kept free for the ruler and grey bar (left), text (top) and
// the measurement read-out (bottom), as on GE and Mindray screens.
constexpr double kLeftMargin = 0.075, kRightMargin = 0.02, kTopMargin = 0.01, kBottomMargin = 0.02;
}  // namespace

double ProbeGeometry::HalfAngle() const { return 0.5 * sector_deg * kPi / 180.0; }

bool ProbeGeometry::InFan(double X, double Y) const {
  const double r = std::hypot(X, Y);
  if (r < radius_mm || r > MaxRadius()) return false;
  return std::abs(std::atan2(X, Y)) <= HalfAngle();
}

cv::Rect ProbeGeometry::FanBox() const {
  const double half = HalfAngle();
  const double r0 = radius_mm, r1 = MaxRadius();
  // Extremes: the corners of the sector and the bottom of the arc.
  const double x_extent = r1 * std::sin(half);
  const double y_top = std::min(r0 * std::cos(half), r1 * std::cos(half));
  const double y_bottom = r1;
  const cv::Point2d tl = ToPixel(-x_extent, y_top);
  const cv::Point2d br = ToPixel(x_extent, y_bottom);
  const int x0 = std::clamp(static_cast<int>(std::floor(tl.x)), 0, width - 1);
  const int y0 = std::clamp(static_cast<int>(std::floor(tl.y)), 0, height - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(br.x)), 0, width - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(br.y)), 0, height - 1);
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

ProbeGeometry LayoutProbe(double radius_mm, double depth_mm, double sector_deg, double focus_mm, int width,
                          int height, double zoom) {
  ProbeGeometry g;
  g.radius_mm = radius_mm;
  g.depth_mm = depth_mm;
  g.sector_deg = sector_deg;
  g.focus_mm = focus_mm;
  g.width = width;
  g.height = height;
  const double half = g.HalfAngle();
  const double r1 = g.MaxRadius();
  const double fan_w = 2 * r1 * std::sin(half);
  const double y_top = std::min(radius_mm * std::cos(half), r1 * std::cos(half));
  const double fan_h = r1 - y_top;
  const double avail_w = width * (1 - kLeftMargin - kRightMargin);
  const double avail_h = height * (1 - kTopMargin - kBottomMargin);
  // Zoom relaxes only the width: the sides of a wide sector leave the screen
  // while the full depth stays visible.
  g.mm_per_px = std::max(fan_w / avail_w / std::max(1.0, zoom), fan_h / avail_h);
  (void)fan_w;
  const double left = width * kLeftMargin;
  g.apex_px.x = left + avail_w / 2;
  // The top of the sector sits at the top margin, as on scanner screens.
  g.apex_px.y = height * kTopMargin - y_top / g.mm_per_px;
  return g;
}

}  // namespace antra::phantom
