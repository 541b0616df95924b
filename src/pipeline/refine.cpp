#include "pipeline/refine.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status RefineOptions::Check() const {
  if (max_rays < 24 || max_rays > 720) return MakeError(ErrorCode::kInvalidArgument, "refine.max_rays must be in 24..720");
  if (!(edge_fraction > 0.05 && edge_fraction < 0.95)) {
    return MakeError(ErrorCode::kInvalidArgument, "refine.edge_fraction must be in 0.05..0.95");
  }
  if (!(wall_search_mm > 0 && wall_search_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "refine.wall_search_mm must be in (0, 10]");
  if (!(max_shift_mm > 0 && max_shift_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "refine.max_shift_mm must be in (0, 10]");
  if (!(min_edge_step >= 0 && min_edge_step < 1)) return MakeError(ErrorCode::kInvalidArgument, "refine.min_edge_step must be in [0, 1)");
  if (smooth_rays < 1 || smooth_rays > 31 || smooth_rays % 2 == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "refine.smooth_rays must be odd, 1..31");
  }
  if (!(measure_edge_fraction == 0 || (measure_edge_fraction > 0.05 && measure_edge_fraction < 0.95))) {
    return MakeError(ErrorCode::kInvalidArgument, "refine.measure_edge_fraction must be 0 or in 0.05..0.95");
  }
  if (!(trim_window_fraction >= 0 && trim_window_fraction <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "refine.trim_window_fraction must be in 0..1");
  }
  if (!(trim_max_excess >= 0 && trim_max_excess <= 10)) {
    return MakeError(ErrorCode::kInvalidArgument, "refine.trim_max_excess must be in 0..10");
  }
  return Status::Ok();
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kStep = 0.5;  // ray sampling step, working pixels

// Distance from `c` along `dir` to where the candidate's label ends.
double CandidateRadius(const cv::Mat& labels, int id, cv::Point2d c, cv::Point2d dir, double limit) {
  double r = 0;
  for (; r < limit; r += kStep) {
    const int x = RoundToInt(c.x + r * dir.x), y = RoundToInt(c.y + r * dir.y);
    if (x < 0 || y < 0 || x >= labels.cols || y >= labels.rows || labels.at<int>(y, x) != id) break;
  }
  return std::max(r, 1.0);
}

std::vector<double> CircularMedian(const std::vector<double>& v, int window) {
  const int n = int(v.size()), half = window / 2;
  std::vector<double> out(v.size());
  // On the stack for checked options (window <= 31); on the heap otherwise.
  double small[31];
  std::vector<double> large(window > 31 ? size_t(window) : 0);
  double* const buffer = window > 31 ? large.data() : small;
  for (int i = 0; i < n; ++i) {
    int used = 0;
    for (int k = -half; k <= half; ++k) buffer[used++] = v[size_t((i + k + n) % n)];
    std::nth_element(buffer, buffer + half, buffer + used);
    out[size_t(i)] = buffer[half];
  }
  return out;
}

struct RayEdge {
  double radius = 0;
  double wall = 0;
  bool found = false;
};

// `profile` is scratch space, reused across rays.
RayEdge FindEdge(const cv::Mat& image, cv::Point2d c, cv::Point2d dir, double r0, double lumen, double tissue,
                 const WorkingGrid& grid, const RefineOptions& o, std::vector<double>& profile) {
  RayEdge edge;
  edge.radius = r0;
  const double search = grid.Px(o.wall_search_mm);
  const double r_end = r0 + search;
  // Samples at r = i * kStep for every r <= r_end (r counted in halves is
  // exact, so these are the positions of the old `r += kStep` loop). Only
  // the part the wall search needs is sampled up front; the inner part is
  // sampled on demand (the inward crossing search rarely goes far), which
  // skips most of the lumen's samples without changing any value.
  const size_t count = size_t(std::floor(r_end / kStep)) + 1;
  const auto sample = [&](size_t i) { return SampleBilinear(image, c + (double(i) * kStep) * dir); };
  const size_t from = size_t(0.6 * r0 / kStep);
  profile.resize(count);
  size_t sampled_from = std::min(from, count);  // profile[sampled_from, count) is filled
  for (size_t i = sampled_from; i < count; ++i) profile[i] = sample(i);
  const auto at = [&](size_t i) {
    while (sampled_from > i) {
      --sampled_from;
      profile[sampled_from] = sample(sampled_from);
    }
    return profile[i];
  };
  // The wall: the brightest point between just inside the candidate's edge and the search limit.
  double wall = 0;
  for (size_t i = from; i < count; ++i) wall = std::max(wall, profile[i]);
  edge.wall = wall;
  if (wall - lumen < o.min_edge_step * std::max(tissue, 1.0)) return edge;
  const double threshold = lumen + o.edge_fraction * (wall - lumen);
  // The crossing nearest the candidate's edge: outward if still dark there, else inward.
  const size_t i0 = std::min(count - 1, size_t(std::lround(r0 / kStep)));
  double found = -1;
  if (at(i0) < threshold) {
    for (size_t i = i0 + 1; i < count; ++i) {
      if (profile[i] >= threshold) {
        const double t = (threshold - profile[i - 1]) / std::max(1e-9, profile[i] - profile[i - 1]);
        found = (double(i - 1) + t) * kStep;
        break;
      }
    }
  } else {
    for (size_t i = i0; i > 0; --i) {
      if (at(i - 1) < threshold) {
        const double t = (threshold - profile[i - 1]) / std::max(1e-9, profile[i] - profile[i - 1]);
        found = (double(i - 1) + t) * kStep;
        break;
      }
    }
  }
  if (found < 0 || std::abs(found - r0) > grid.Px(o.max_shift_mm)) return edge;
  edge.radius = found;
  edge.found = true;
  return edge;
}

// The unit direction of each of `rays` rays, angle 2 pi i / rays, computed
// once per ray count and thread (a frame refines hundreds of candidates with
// a few dozen different counts).
const std::vector<cv::Point2d>& RayDirections(int rays) {
  thread_local std::vector<std::vector<cv::Point2d>> by_count;
  if (by_count.size() <= size_t(rays)) by_count.resize(size_t(rays) + 1);
  std::vector<cv::Point2d>& directions = by_count[size_t(rays)];
  if (directions.empty()) {
    for (int i = 0; i < rays; ++i) {
      const double angle = 2.0 * kPi * i / rays;
      directions.emplace_back(std::cos(angle), std::sin(angle));
    }
  }
  return directions;
}

// The centroid, or for a bent candidate whose centroid falls outside it, its
// deepest interior point (distance-transform maximum).
cv::Point2d InsidePoint(const cv::Mat& labels, const Candidate& candidate) {
  const cv::Point c(int(std::lround(candidate.centroid.x)), int(std::lround(candidate.centroid.y)));
  if (candidate.box.contains(c) && labels.at<int>(c) == candidate.label) return candidate.centroid;
  cv::Mat mask = labels(candidate.box) == candidate.label;
  cv::Mat dist;
  cv::distanceTransform(mask, dist, cv::DIST_L2, 3);
  cv::Point best;
  cv::minMaxLoc(dist, nullptr, nullptr, nullptr, &best);
  return {double(best.x + candidate.box.x), double(best.y + candidate.box.y)};
}

}  // namespace

RefinedOutline TrimProtrusions(const RefinedOutline& outline, const RefineOptions& o) {
  const int rays = int(outline.radii.size());
  int window = int(std::lround(o.trim_window_fraction * rays)) | 1;  // odd
  if (o.trim_window_fraction <= 0 || rays < 3 || window < 3) return outline;
  window = std::min(window, rays % 2 == 1 ? rays : rays - 1);
  const std::vector<double> reference = CircularMedian(outline.radii, window);
  RefinedOutline out = outline;
  const std::vector<cv::Point2d>& directions = RayDirections(rays);
  for (int i = 0; i < rays; ++i) {
    double& r = out.radii[size_t(i)];
    r = std::min(r, (1.0 + o.trim_max_excess) * reference[size_t(i)]);
    out.polygon[size_t(i)] = out.center + r * directions[size_t(i)];
  }
  return out;
}

RefinedOutline RefineOutline(const cv::Mat& image, const cv::Mat& tissue, const cv::Mat& labels,
                             const Candidate& candidate, const WorkingGrid& grid, const RefineOptions& o) {
  CV_Assert(image.type() == CV_8UC1 && labels.type() == CV_32SC1 && tissue.type() == CV_32FC1);
  RefinedOutline out;
  out.center = InsidePoint(labels, candidate);
  out.lumen_level = candidate.lumen_level;
  const double perimeter = candidate.contour.empty() ? 0.0 : double(candidate.contour.size());
  const int rays = std::clamp(int(perimeter / 1.5), 24, o.max_rays);
  const cv::Point ci(int(std::lround(out.center.x)), int(std::lround(out.center.y)));
  const double tissue_level = (ci.x >= 0 && ci.y >= 0 && ci.x < tissue.cols && ci.y < tissue.rows)
                                  ? double(tissue.at<float>(ci))
                                  : 0.0;
  const double limit = 2.0 * std::sqrt(candidate.box.width * candidate.box.width +
                                       candidate.box.height * candidate.box.height) + 4.0;
  std::vector<double> radii(static_cast<size_t>(rays));
  std::vector<double> walls;
  std::vector<double> profile;
  int found = 0;
  const std::vector<cv::Point2d>& directions = RayDirections(rays);
  for (int i = 0; i < rays; ++i) {
    const cv::Point2d dir = directions[size_t(i)];
    const double r0 = CandidateRadius(labels, candidate.label, out.center, dir, limit);
    const RayEdge edge = FindEdge(image, out.center, dir, r0, out.lumen_level, tissue_level, grid, o, profile);
    radii[size_t(i)] = edge.radius;
    if (edge.found) {
      ++found;
      walls.push_back(edge.wall);
    }
  }
  out.edge_rays_fraction = double(found) / rays;
  if (!walls.empty()) {
    std::nth_element(walls.begin(), walls.begin() + long(walls.size() / 2), walls.end());
    out.wall_level = walls[walls.size() / 2];
  }
  out.radii = o.smooth_rays > 1 ? CircularMedian(radii, o.smooth_rays) : radii;
  out.polygon.reserve(size_t(rays));
  for (int i = 0; i < rays; ++i) out.polygon.push_back(out.center + out.radii[size_t(i)] * directions[size_t(i)]);
  return out;
}

RefinedOutline MeasuredOutline(const cv::Mat& image, const cv::Mat& tissue, const cv::Mat& labels,
                               const Candidate& candidate, const WorkingGrid& grid, const RefineOptions& o,
                               const RefinedOutline& judged) {
  if (o.measure_edge_fraction <= 0 || o.measure_edge_fraction == o.edge_fraction) return TrimProtrusions(judged, o);
  RefineOptions at_measure_edge = o;
  at_measure_edge.edge_fraction = o.measure_edge_fraction;
  return TrimProtrusions(RefineOutline(image, tissue, labels, candidate, grid, at_measure_edge), o);
}

}  // namespace antra::pipeline
