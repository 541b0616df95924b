#include "phantom/geometry.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace antra::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;
// Chords at least this share of the longest count as ties for the long axis.
constexpr double kLongTieFraction = 0.99;

cv::Point2d Lerp(const cv::Point2d& a, const cv::Point2d& b, double t) { return a + (b - a) * t; }

// The segment where the line p0 + t d (d unit) crosses a convex polygon, as
// parameters [t0, t1]; empty when it misses.
std::optional<std::pair<double, double>> LineThroughPolygon(const std::vector<cv::Point2d>& poly,
                                                            const cv::Point2d& p0, const cv::Point2d& d) {
  const cv::Point2d nrm(-d.y, d.x);
  double t_min = std::numeric_limits<double>::infinity();
  double t_max = -std::numeric_limits<double>::infinity();
  const size_t n = poly.size();
  for (size_t i = 0; i < n; ++i) {
    const cv::Point2d& a = poly[i];
    const cv::Point2d& b = poly[(i + 1) % n];
    const double sa = (a - p0).dot(nrm);
    const double sb = (b - p0).dot(nrm);
    if ((sa > 0 && sb > 0) || (sa < 0 && sb < 0)) continue;
    if (sa == sb) {  // the edge lies on the line
      t_min = std::min({t_min, (a - p0).dot(d), (b - p0).dot(d)});
      t_max = std::max({t_max, (a - p0).dot(d), (b - p0).dot(d)});
      continue;
    }
    const cv::Point2d x = Lerp(a, b, sa / (sa - sb));
    const double t = (x - p0).dot(d);
    t_min = std::min(t_min, t);
    t_max = std::max(t_max, t);
  }
  if (!(t_max >= t_min)) return std::nullopt;
  return std::make_pair(t_min, t_max);
}

double Distance2(const cv::Point2d& a, const cv::Point2d& b) {
  return (a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y);
}

struct Chord {
  double length = 0;
  cv::Point2d a, b;
};

// The longest chord of a convex polygon perpendicular to segment a-b. The
// chord length along lines at offset s along a-b is concave in s for a convex
// shape, so a ternary search finds its maximum; a coarse scan guards against
// flat stretches where the search stalls.
Chord LongestPerpendicularChord(const std::vector<cv::Point2d>& poly, const cv::Point2d& a, const cv::Point2d& b) {
  const double len = std::sqrt(Distance2(a, b));
  const cv::Point2d e = (b - a) / len;
  const cv::Point2d perp(-e.y, e.x);
  auto chord = [&](double s) {
    const cv::Point2d p0 = a + e * s;
    Chord c;
    c.a = c.b = p0;
    if (auto span = LineThroughPolygon(poly, p0, perp)) {
      c.length = span->second - span->first;
      c.a = p0 + perp * span->first;
      c.b = p0 + perp * span->second;
    }
    return c;
  };
  double lo = 0, hi = len;
  for (int it = 0; it < 60 && hi - lo > 1e-9 * len; ++it) {
    const double m1 = lo + (hi - lo) / 3, m2 = hi - (hi - lo) / 3;
    if (chord(m1).length < chord(m2).length) lo = m1; else hi = m2;
  }
  Chord best = chord(0.5 * (lo + hi));
  for (int k = 1; k < 32; ++k) {
    const Chord c = chord(len * k / 32.0);
    if (c.length > best.length + 1e-12) best = c;
  }
  return best;
}

}  // namespace

Rotation Rotation::FromEuler(double rx, double ry, double rz) {
  auto about = [](int k, double a) {
    Rotation r;
    const double c = std::cos(a), s = std::sin(a);
    const int i = (k + 1) % 3, j = (k + 2) % 3;
    // Columns are images of the basis vectors.
    std::array<std::array<double, 3>, 3> m{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    m[i][i] = c; m[j][i] = s;   // column i
    m[i][j] = -s; m[j][j] = c;  // column j
    for (int col = 0; col < 3; ++col) r.axis[col] = {m[0][col], m[1][col], m[2][col]};
    return r;
  };
  return about(0, rx).Then(about(1, ry)).Then(about(2, rz));
}

Rotation Rotation::Then(const Rotation& outer) const {
  Rotation r;
  for (int k = 0; k < 3; ++k) r.axis[k] = outer.ToWorld(axis[k]);
  return r;
}

cv::Rect2d Ellipse2D::Bounds() const {
  // Extent of the ellipse along x is sqrt((A^-1)_11), along y sqrt((A^-1)_22).
  const double det = a11 * a22 - a12 * a12;
  const double hx = std::sqrt(a22 / det);
  const double hy = std::sqrt(a11 / det);
  return {center.x - hx, center.y - hy, 2 * hx, 2 * hy};
}

std::vector<cv::Point2d> Ellipse2D::Boundary(int points) const {
  std::vector<cv::Point2d> out;
  out.reserve(points);
  const double c = std::cos(angle), s = std::sin(angle);
  for (int k = 0; k < points; ++k) {
    // Parameter steps in the ellipse's own frame include both ends of each
    // axis, so the polygon's longest chord is exactly the major axis.
    const double t = 2 * kPi * k / points;
    const double ex = semi_major * std::cos(t), ey = semi_minor * std::sin(t);
    out.emplace_back(center.x + c * ex - s * ey, center.y + s * ex + c * ey);
  }
  return out;
}

double Ellipsoid::ExtentAlong(const Vec3& d) const {
  const Vec3 b = rotation.ToBody(d);
  const double q = (b.x * b.x) / (semi_axes.x * semi_axes.x) + (b.y * b.y) / (semi_axes.y * semi_axes.y) +
                   (b.z * b.z) / (semi_axes.z * semi_axes.z);
  return 1.0 / std::sqrt(q);
}

std::optional<Ellipse2D> Ellipsoid::Section(const PlanePose& plane) const {
  // q(X, Y) = |w0 + X wu + Y wv|^2 with w = D^-1 R^T (.)
  auto scaled = [&](const Vec3& w) {
    const Vec3 b = rotation.ToBody(w);
    return Vec3{b.x / semi_axes.x, b.y / semi_axes.y, b.z / semi_axes.z};
  };
  const Vec3 w0 = scaled(plane.origin - center);
  const Vec3 wu = scaled(plane.u);
  const Vec3 wv = scaled(plane.v);
  const double m11 = wu.Dot(wu), m12 = wu.Dot(wv), m22 = wv.Dot(wv);
  const double g1 = wu.Dot(w0), g2 = wv.Dot(w0), h = w0.Dot(w0);
  const double det = m11 * m22 - m12 * m12;
  if (det <= 0) return std::nullopt;
  // Centre solves M c = -g.
  const double cx = (-g1 * m22 + g2 * m12) / det;
  const double cy = (-g2 * m11 + g1 * m12) / det;
  const double q0 = h + g1 * cx + g2 * cy;  // q at the centre
  if (q0 >= 1.0) return std::nullopt;
  const double k = 1.0 - q0;
  Ellipse2D e;
  e.center = {cx, cy};
  e.a11 = m11 / k;
  e.a12 = m12 / k;
  e.a22 = m22 / k;
  // Eigenvalues of A: the smaller belongs to the major axis.
  const double tr = e.a11 + e.a22;
  const double disc = std::sqrt(std::max(0.0, 0.25 * (e.a11 - e.a22) * (e.a11 - e.a22) + e.a12 * e.a12));
  const double l_small = 0.5 * tr - disc, l_large = 0.5 * tr + disc;
  e.semi_major = 1.0 / std::sqrt(l_small);
  e.semi_minor = 1.0 / std::sqrt(l_large);
  // Eigenvector of l_small.
  if (std::abs(e.a12) > 1e-15) {
    e.angle = std::atan2(l_small - e.a11, e.a12);
  } else {
    e.angle = e.a11 <= e.a22 ? 0.0 : kPi / 2;
  }
  return e;
}

PlaneCut SectionOf(const HalfSpace& h, const PlanePose& plane) {
  PlaneCut cut;
  const double a = h.normal.Dot(plane.u);
  const double b = h.normal.Dot(plane.v);
  const double c = h.offset - h.normal.Dot(plane.origin);
  if (std::hypot(a, b) < 1e-9) {
    cut.kind = c >= 0 ? PlaneCut::kAlways : PlaneCut::kNever;
    return cut;
  }
  cut.kind = PlaneCut::kHalfPlane;
  cut.half_plane = {a, b, c};
  return cut;
}

std::vector<cv::Point2d> ClipPolygon(const std::vector<cv::Point2d>& polygon, const HalfPlane& h) {
  std::vector<cv::Point2d> out;
  const size_t n = polygon.size();
  if (n == 0) return out;
  out.reserve(n + 2);
  auto f = [&](const cv::Point2d& p) { return h.a * p.x + h.b * p.y - h.c; };
  for (size_t i = 0; i < n; ++i) {
    const cv::Point2d& cur = polygon[i];
    const cv::Point2d& next = polygon[(i + 1) % n];
    const double fc = f(cur), fn = f(next);
    if (fc <= 0) out.push_back(cur);
    if ((fc < 0 && fn > 0) || (fc > 0 && fn < 0)) out.push_back(Lerp(cur, next, fc / (fc - fn)));
  }
  return out;
}

std::vector<cv::Point2d> Lumen2D::Polygon(int points) const {
  auto poly = ellipse.Boundary(points);
  for (const auto& c : cuts) {
    poly = ClipPolygon(poly, c);
    if (poly.size() < 3) return {};
  }
  return poly;
}

LumenMeasurement MeasureConvexPolygon(const std::vector<cv::Point2d>& poly) {
  if (poly.size() < 3) throw std::invalid_argument("MeasureConvexPolygon needs at least 3 points");
  LumenMeasurement m;
  // Area and centroid (shoelace).
  double a2 = 0, cx = 0, cy = 0;
  const size_t n = poly.size();
  for (size_t i = 0; i < n; ++i) {
    const auto& p = poly[i];
    const auto& q = poly[(i + 1) % n];
    const double cross = p.x * q.y - q.x * p.y;
    a2 += cross;
    cx += (p.x + q.x) * cross;
    cy += (p.y + q.y) * cross;
  }
  m.area = std::abs(a2) / 2;
  m.centroid = a2 != 0 ? cv::Point2d(cx / (3 * a2), cy / (3 * a2)) : poly[0];

  // Longest chord of a convex polygon joins two vertices.
  double best = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) best = std::max(best, Distance2(poly[i], poly[j]));
  }
  const double longest = std::sqrt(best);
  if (longest == 0) {
    m.long_a = m.long_b = m.short_a = m.short_b = poly[0];
    return m;
  }
  // Flattened follicles have many chords of (almost) the same greatest length
  // (a disc cut flat: every diameter clear of the cut). A sonographer measures
  // such a D-shape along its flat side, then across it. So among the chords
  // within kLongTieFraction of the longest (the longest of each 1-degree
  // direction), take the one whose perpendicular chord is shortest. For an
  // ellipse this is exactly the major and the minor axis.
  std::array<std::pair<double, std::pair<size_t, size_t>>, 180> by_direction{};
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const double d2 = Distance2(poly[i], poly[j]);
      if (d2 < kLongTieFraction * kLongTieFraction * best) continue;
      double angle = std::atan2(poly[j].y - poly[i].y, poly[j].x - poly[i].x);
      if (angle < 0) angle += kPi;
      const auto bin = std::min<size_t>(179, static_cast<size_t>(angle / kPi * 180.0));
      if (d2 > by_direction[bin].first) by_direction[bin] = {d2, {i, j}};
    }
  }
  bool chosen = false;
  for (const auto& [d2, ends] : by_direction) {
    if (d2 <= 0) continue;
    const cv::Point2d a = poly[ends.first], b = poly[ends.second];
    const auto perpendicular = LongestPerpendicularChord(poly, a, b);
    if (!chosen || perpendicular.length < m.short_length - 1e-9) {
      chosen = true;
      m.long_a = a;
      m.long_b = b;
      m.long_length = std::sqrt(d2);
      m.short_length = perpendicular.length;
      m.short_a = perpendicular.a;
      m.short_b = perpendicular.b;
    }
  }
  return m;
}

double DistanceToSegment(const Vec3& p, const Vec3& a, const Vec3& b) {
  const Vec3 ab = b - a;
  const double len2 = ab.Dot(ab);
  double t = len2 > 0 ? (p - a).Dot(ab) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return (p - (a + ab * t)).Norm();
}

}  // namespace antra::phantom
