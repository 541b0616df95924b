#pragma once
// Hand-built phantom scenes for tests: a known probe, a large axis-aligned
// ovary, no look-alikes or screen overlays, and follicles placed by the test.

#include <opencv2/imgproc.hpp>

#include "phantom/generator.h"
#include "phantom/scene.h"

namespace antra::phantom::scenes {

inline Scene CleanScene(std::uint64_t seed = 1, Difficulty difficulty = Difficulty::kEasy) {
  SceneOptions o;
  o.difficulty = difficulty;
  o.seed = seed;
  o.follicle_count = 0;
  Scene s = GenerateScene(o);
  s.vessels.clear();
  s.bowel.clear();
  s.bladder.reset();
  s.sheets.clear();
  s.overlay = OverlayParams{};
  s.overlay.text = s.overlay.ruler = s.overlay.grey_bar = s.overlay.calipers = false;
  s.probe = LayoutProbe(10, 70, 150, 40, 800, 600, 1.5);
  s.has_ovary = true;
  s.ovary.shape.center = {0, 50, 0};
  s.ovary.shape.rotation = Rotation{};
  s.ovary.shape.semi_axes = {22, 15, 18};
  s.ovary.lump_amplitude = 0.02;
  s.imaging.gain_db = 0;
  s.imaging.tgc_error_db.assign(8, 0.0);
  s.follicles.clear();
  return s;
}

inline FollicleShape Follicle(int id, Vec3 center, Vec3 semi_axes, Rotation rotation = {}) {
  FollicleShape f;
  f.id = id;
  f.shape.center = center;
  f.shape.semi_axes = semi_axes;
  f.shape.rotation = rotation;
  f.wall_mm = 0.4;
  return f;
}

inline CaseSpec StillSpec(const std::string& stem = "test", std::uint64_t seed = 1) {
  CaseSpec c;
  c.stem = stem;
  c.scene.seed = seed;
  return c;
}

// Pixels of follicle `id` in a rendered label map.
inline cv::Mat LumenMask(const RenderedFrame& r, int id) {
  return r.labels == static_cast<std::uint16_t>(kLabelFollicleBase + id);
}

// Extent (in pixels, counting whole pixels) of a mask along a unit direction.
inline double ExtentAlong(const cv::Mat& mask, cv::Point2d dir) {
  std::vector<cv::Point> pts;
  cv::findNonZero(mask, pts);
  double lo = 1e18, hi = -1e18;
  for (const auto& p : pts) {
    const double s = p.x * dir.x + p.y * dir.y;
    lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  // The span of pixel centres plus one pixel pitch: what a caliper placed on
  // the outermost pixels would read.
  return pts.empty() ? 0.0 : hi - lo + 1.0;
}

}  // namespace antra::phantom::scenes
