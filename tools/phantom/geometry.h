#pragma once
// Geometry of the phantom in millimetres: 3D shapes (ellipsoids, half-spaces
// that flatten touching follicles, tubes), frame planes, and the 2D sections a
// plane cuts from them. The truth is measured on these sections, which are the
// same functions the renderer samples, so truth and pixels cannot disagree.

#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include <opencv2/core/types.hpp>

namespace antra::phantom {

struct Vec3 {
  double x = 0, y = 0, z = 0;
  Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
  double Dot(const Vec3& o) const { return x * o.x + y * o.y + z * o.z; }
  Vec3 Cross(const Vec3& o) const { return {y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x}; }
  double Norm() const { return std::sqrt(Dot(*this)); }
  Vec3 Normalized() const { const double n = Norm(); return {x / n, y / n, z / n}; }
};

// Rotation as three orthonormal columns (the body axes in world coordinates).
struct Rotation {
  std::array<Vec3, 3> axis{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}};
  Vec3 ToBody(const Vec3& w) const { return {axis[0].Dot(w), axis[1].Dot(w), axis[2].Dot(w)}; }
  Vec3 ToWorld(const Vec3& b) const { return axis[0] * b.x + axis[1] * b.y + axis[2] * b.z; }
  // Rotation by angles (radians) about world x, then y, then z.
  static Rotation FromEuler(double rx, double ry, double rz);
  Rotation Then(const Rotation& outer) const;  // outer applied after this
};

// A frame's plane: image-plane point (X lateral, Y depth from the probe apex,
// both mm) maps to world point origin + X u + Y v.
struct PlanePose {
  Vec3 origin{0, 0, 0};
  Vec3 u{1, 0, 0};
  Vec3 v{0, 1, 0};
  Vec3 At(double X, double Y) const { return origin + u * X + v * Y; }
  Vec3 Normal() const { return u.Cross(v); }
};

// Half-plane a x + b y <= c in image-plane millimetres.
struct HalfPlane {
  double a = 0, b = 0, c = 0;
  bool Contains(double x, double y) const { return a * x + b * y <= c; }
  double SignedDistance(double x, double y) const { return (a * x + b * y - c) / std::hypot(a, b); }
};

// Filled ellipse (p - center)^T A (p - center) <= 1 in image-plane mm.
struct Ellipse2D {
  cv::Point2d center;
  double a11 = 1, a12 = 0, a22 = 1;
  double semi_major = 0, semi_minor = 0;  // mm
  double angle = 0;                       // of the major axis, radians from +X
  double Value(double x, double y) const {
    const double dx = x - center.x, dy = y - center.y;
    return a11 * dx * dx + 2 * a12 * dx * dy + a22 * dy * dy;
  }
  bool Contains(double x, double y) const { return Value(x, y) <= 1.0; }
  cv::Rect2d Bounds() const;
  std::vector<cv::Point2d> Boundary(int points) const;
};

// Half-space n . p <= offset (n unit).
struct HalfSpace {
  Vec3 normal;
  double offset = 0;
  bool Contains(const Vec3& p) const { return normal.Dot(p) <= offset; }
};

struct Ellipsoid {
  Vec3 center;
  Rotation rotation;
  Vec3 semi_axes{1, 1, 1};  // along rotation.axis[0..2], mm
  double Value(const Vec3& p) const {
    const Vec3 b = rotation.ToBody(p - center);
    return (b.x * b.x) / (semi_axes.x * semi_axes.x) + (b.y * b.y) / (semi_axes.y * semi_axes.y) +
           (b.z * b.z) / (semi_axes.z * semi_axes.z);
  }
  bool Contains(const Vec3& p) const { return Value(p) <= 1.0; }
  // Distance from the centre to the surface along unit direction d.
  double ExtentAlong(const Vec3& d) const;
  // The ellipse the plane cuts, or empty when it misses.
  std::optional<Ellipse2D> Section(const PlanePose& plane) const;
};

// Where a half-space meets a plane; `always` / `never` when the plane is parallel.
struct PlaneCut {
  enum Kind { kHalfPlane, kAlways, kNever } kind = kAlways;
  HalfPlane half_plane;
};
PlaneCut SectionOf(const HalfSpace& h, const PlanePose& plane);

// A convex lumen in a plane: an ellipse cut by half-planes.
struct Lumen2D {
  Ellipse2D ellipse;
  std::vector<HalfPlane> cuts;
  bool Contains(double x, double y) const {
    if (!ellipse.Contains(x, y)) return false;
    for (const auto& c : cuts) if (!c.Contains(x, y)) return false;
    return true;
  }
  // Closed convex polygon of the boundary (ellipse sampled at `points`,
  // clipped exactly by each half-plane). Empty if nothing is left.
  std::vector<cv::Point2d> Polygon(int points = 360) const;
};

// What a sonographer's calipers measure on a lumen outline.
struct LumenMeasurement {
  double area = 0;
  cv::Point2d centroid;
  cv::Point2d long_a, long_b;    // longest chord
  cv::Point2d short_a, short_b;  // longest chord perpendicular to it
  double long_length = 0, short_length = 0;
  double Mean() const { return 0.5 * (long_length + short_length); }
};

// Measures a convex polygon (units of its coordinates). Throws on an empty one.
LumenMeasurement MeasureConvexPolygon(const std::vector<cv::Point2d>& polygon);

// Sutherland-Hodgman clip of a convex polygon by one half-plane.
std::vector<cv::Point2d> ClipPolygon(const std::vector<cv::Point2d>& polygon, const HalfPlane& h);

// Distance from p to segment [a, b].
double DistanceToSegment(const Vec3& p, const Vec3& a, const Vec3& b);

}  // namespace antra::phantom
