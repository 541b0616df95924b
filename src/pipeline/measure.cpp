#include "pipeline/measure.h"

#include <algorithm>
#include <cmath>

namespace antra::pipeline {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

double Chord::Length() const { return std::hypot(b.x - a.x, b.y - a.y); }

Chord LongestChord(const std::vector<cv::Point2d>& polygon) {
  Chord best;
  double best_sq = -1;
  for (size_t i = 0; i < polygon.size(); ++i) {
    for (size_t j = i + 1; j < polygon.size(); ++j) {
      const cv::Point2d d = polygon[j] - polygon[i];
      const double sq = d.dot(d);
      if (sq > best_sq) {
        best_sq = sq;
        best = {polygon[i], polygon[j]};
      }
    }
  }
  return best;
}

Chord LongestPerpendicularChord(const std::vector<cv::Point2d>& polygon, const Chord& axis, double step) {
  Chord best{axis.a, axis.a};
  const double length = axis.Length();
  if (polygon.size() < 3 || length <= 0 || step <= 0) return best;
  const cv::Point2d u = (axis.b - axis.a) / length;  // along the axis
  const cv::Point2d v(-u.y, u.x);                    // across it
  double best_length = 0;
  std::vector<double> crossings;
  for (double t = step / 2; t < length; t += step) {
    const cv::Point2d origin = axis.a + t * u;
    // Where the polygon's edges cross the line origin + s v: s values, sorted.
    crossings.clear();
    for (size_t i = 0; i < polygon.size(); ++i) {
      const cv::Point2d p = polygon[i] - origin, q = polygon[(i + 1) % polygon.size()] - origin;
      const double dp = p.dot(u), dq = q.dot(u);
      if ((dp < 0) == (dq < 0)) continue;
      const double f = dp / (dp - dq);
      crossings.push_back(p.dot(v) + f * (q.dot(v) - p.dot(v)));
    }
    std::sort(crossings.begin(), crossings.end());
    for (size_t k = 0; k + 1 < crossings.size(); k += 2) {
      const double span = crossings[k + 1] - crossings[k];
      if (span > best_length) {
        best_length = span;
        best = {origin + crossings[k] * v, origin + crossings[k + 1] * v};
      }
    }
  }
  return best;
}

double PolygonArea(const std::vector<cv::Point2d>& polygon) {
  double twice = 0;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const auto& p = polygon[i];
    const auto& q = polygon[(i + 1) % polygon.size()];
    twice += p.x * q.y - q.x * p.y;
  }
  return std::abs(twice) / 2.0;
}

cv::Point2d PolygonCentroid(const std::vector<cv::Point2d>& polygon) {
  double twice_area = 0, cx = 0, cy = 0;
  for (size_t i = 0; i < polygon.size(); ++i) {
    const auto& p = polygon[i];
    const auto& q = polygon[(i + 1) % polygon.size()];
    const double cross = p.x * q.y - q.x * p.y;
    twice_area += cross;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  if (std::abs(twice_area) < 1e-12) {
    cv::Point2d mean;
    for (const auto& p : polygon) mean += p;
    return polygon.empty() ? mean : mean / double(polygon.size());
  }
  return {cx / (3.0 * twice_area), cy / (3.0 * twice_area)};
}

FollicleMeasurement MeasureOutline(const std::vector<cv::Point2d>& outline_px, const Calibration& calibration) {
  FollicleMeasurement m;
  if (outline_px.empty()) return m;
  const cv::Point2d center = PolygonCentroid(outline_px);
  m.center_px = center;
  m.area_px = PolygonArea(outline_px);
  m.contour_px.reserve(outline_px.size());
  for (const auto& p : outline_px) {
    const cv::Point q(int(std::lround(p.x)), int(std::lround(p.y)));
    if (m.contour_px.empty() || m.contour_px.back() != q) m.contour_px.push_back(q);
  }

  const auto scale = calibration.ScaleAt(center);
  const double sx = scale ? scale->mm_per_px_x : 1.0;
  const double sy = scale ? scale->mm_per_px_y : 1.0;
  // Work in metric space (mm, or pixels when uncalibrated) and map back.
  std::vector<cv::Point2d> metric;
  metric.reserve(outline_px.size());
  for (const auto& p : outline_px) metric.emplace_back(p.x * sx, p.y * sy);
  const Chord long_axis = LongestChord(metric);
  const double step = std::max(long_axis.Length() / 400.0, 1e-3);
  const Chord short_axis = LongestPerpendicularChord(metric, long_axis, step);
  auto to_px = [&](cv::Point2d q) { return cv::Point2d(q.x / sx, q.y / sy); };
  m.long_axis = {to_px(long_axis.a), to_px(long_axis.b)};
  m.short_axis = {to_px(short_axis.a), to_px(short_axis.b)};
  if (scale) {
    m.long_mm = long_axis.Length();
    m.short_mm = short_axis.Length();
    m.mean_mm = (*m.long_mm + *m.short_mm) / 2.0;
    m.area_mm2 = PolygonArea(metric);
    m.area_equivalent_diameter_mm = 2.0 * std::sqrt(*m.area_mm2 / kPi);
  }
  return m;
}

}  // namespace antra::pipeline
