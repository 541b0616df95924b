#include "pipeline/lookalikes.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "pipeline/measure.h"

namespace antra::pipeline {

Status LookalikeOptions::Check() const {
  if (!(min_diameter_mm > 0 && min_diameter_mm < max_diameter_mm && max_diameter_mm <= 200)) {
    return MakeError(ErrorCode::kInvalidArgument, "lookalikes: need 0 < min_diameter_mm < max_diameter_mm <= 200");
  }
  if (!(min_solidity >= 0 && min_solidity <= 1)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.min_solidity must be in 0..1");
  if (!(min_axis_ratio >= 0 && min_axis_ratio <= 1)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.min_axis_ratio must be in 0..1");
  if (!(min_contrast >= 0 && min_contrast < 1)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.min_contrast must be in [0, 1)");
  if (!(max_darkness > 0 && max_darkness <= 1)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.max_darkness must be in (0, 1]");
  if (!(max_border_fraction >= 0 && max_border_fraction <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "lookalikes.max_border_fraction must be in 0..1");
  }
  if (!(shadow_ratio >= 0 && shadow_ratio <= 2)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.shadow_ratio must be in 0..2");
  if (!(min_confidence >= 0 && min_confidence <= 1)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.min_confidence must be in 0..1");
  if (!(ring_mm > 0 && ring_mm <= 5)) return MakeError(ErrorCode::kInvalidArgument, "lookalikes.ring_mm must be in (0, 5]");
  return Status::Ok();
}

namespace {

constexpr double kPi = 3.14159265358979323846;

double Median(std::vector<double>& v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Selects values by rank (0-based, in sorted order) among bilinear samples
// of an 8-bit image (so in [0, 255]): the values are counted by whole grey
// level once, and only the level that holds a rank is sorted out. Levels keep
// the order (a value in a lower level is smaller), so each result is exactly
// the value nth_element selects, at a fraction of its cost.
class RankSelector {
 public:
  explicit RankSelector(const std::vector<double>& values) : values_(values) {
    for (double v : values) {
      if (!(v >= 0.0 && v < 256.0)) {  // not a grey level: select the slow way
        graded_ = false;
        return;
      }
      ++count_[int(v)];
    }
  }
  double At(size_t rank) {
    if (!graded_) {
      std::vector<double> copy = values_;
      std::nth_element(copy.begin(), copy.begin() + long(rank), copy.end());
      return copy[rank];
    }
    size_t below = 0;
    int level = 0;
    while (below + size_t(count_[level]) <= rank) below += size_t(count_[level++]);
    if (level != gathered_level_) {
      in_level_.clear();
      for (double v : values_) {
        if (int(v) == level) in_level_.push_back(v);
      }
      gathered_level_ = level;
    }
    const auto at = in_level_.begin() + long(rank - below);
    std::nth_element(in_level_.begin(), at, in_level_.end());
    return *at;
  }

 private:
  const std::vector<double>& values_;
  int count_[256] = {};
  bool graded_ = true;
  int gathered_level_ = -1;
  std::vector<double> in_level_;
};

// Median() of whole grey levels given as a histogram of `count` values: the
// value at rank count / 2 (0-based) of the sorted values, as nth_element
// there gives; 0 when there are none.
double RingMedian(const int (&histogram)[256], int count) {
  if (count == 0) return 0;
  const int rank = count / 2;
  int seen = 0;
  for (int level = 0; level < 256; ++level) {
    seen += histogram[level];
    if (seen > rank) return level;
  }
  return 255;
}

double Ramp(double x, double lo, double hi) {
  if (hi <= lo) return x >= hi ? 1.0 : 0.0;
  return std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
}

bool Inside(const cv::Mat& m, cv::Point p) { return p.x >= 0 && p.y >= 0 && p.x < m.cols && p.y < m.rows; }

// Mean grey level over the valid pixels of a rectangle (negative when none).
double MeanIn(const cv::Mat& image, const cv::Mat& valid, cv::Rect r) {
  r &= cv::Rect(0, 0, image.cols, image.rows);
  if (r.empty()) return -1;
  // One pass for the count and the sum (was countNonZero, then cv::mean: two
  // passes and two calls' overhead for each of three small boxes a
  // candidate). The sum of whole grey levels is exact in double; the mean is
  // formed as cv::mean forms it, sum times the reciprocal of the count.
  int count = 0;
  double sum = 0;
  for (int y = r.y; y < r.y + r.height; ++y) {
    const uchar* use = valid.ptr<uchar>(y);
    const uchar* value = image.ptr<uchar>(y);
    int row_sum = 0;
    for (int x = r.x; x < r.x + r.width; ++x) {
      if (use[x] == 0) continue;
      ++count;
      row_sum += value[x];
    }
    sum += row_sum;
  }
  if (count < 0.3 * r.area()) return -1;
  return sum * (1.0 / count);
}

double AxisRatio(const std::vector<cv::Point2d>& polygon) {
  std::vector<cv::Point2f> pts(polygon.begin(), polygon.end());
  const cv::Moments m = cv::moments(pts);
  if (m.m00 <= 0) return 0;
  const double a = m.mu20 / m.m00, b = m.mu11 / m.m00, c = m.mu02 / m.m00;
  const double root = std::sqrt(std::max(0.0, (a - c) * (a - c) + 4 * b * b));
  const double l1 = (a + c + root) / 2, l2 = (a + c - root) / 2;
  return l1 > 0 ? std::sqrt(std::max(0.0, l2) / l1) : 0;
}

double Solidity(const std::vector<cv::Point2d>& polygon) {
  std::vector<cv::Point2f> pts(polygon.begin(), polygon.end()), hull;
  if (pts.size() < 3) return 0;
  cv::convexHull(pts, hull);
  const double hull_area = cv::contourArea(hull);
  return hull_area > 0 ? PolygonArea(polygon) / hull_area : 0;
}

// Grey level behind the outline (deeper, +y) relative to beside it.
double PosteriorRatio(const std::vector<cv::Point2d>& polygon, const cv::Mat& image, const cv::Mat& valid,
                      const WorkingGrid& grid) {
  std::vector<cv::Point2f> pts(polygon.begin(), polygon.end());
  const cv::Rect box = cv::boundingRect(pts);
  const int gap = std::max(1, int(grid.Px(0.5)));
  const int depth = std::max(int(grid.Px(2.0)), int(0.7 * box.height));
  const int y = box.y + box.height + gap;
  const double behind = MeanIn(image, valid, {box.x + box.width / 4, y, std::max(1, box.width / 2), depth});
  const double left = MeanIn(image, valid, {box.x - gap - box.width, y, box.width, depth});
  const double right = MeanIn(image, valid, {box.x + box.width + gap, y, box.width, depth});
  double beside = 0;
  int n = 0;
  if (left >= 0) beside += left, ++n;
  if (right >= 0) beside += right, ++n;
  if (behind < 0 || n == 0 || beside <= 0) return 1.0;
  return behind / (beside / n);
}

}  // namespace

CandidateFeatures DescribeCandidate(const RefinedOutline& outline, const cv::Mat& image, const cv::Mat& tissue,
                                    const cv::Mat& valid, const WorkingGrid& grid, const LookalikeOptions& o) {
  CandidateFeatures f;
  const auto& poly = outline.polygon;
  if (poly.size() < 3) return f;
  const double area = PolygonArea(poly);
  f.diameter_mm = grid.Mm(2.0 * std::sqrt(area / kPi));
  f.solidity = Solidity(poly);
  f.axis_ratio = AxisRatio(poly);
  f.edge_rays = outline.edge_rays_fraction;

  // Inside: a disc of 60% of each radius; ring: a band just outside the outline.
  // The inside samples are reused between calls (capacity kept). The ring
  // holds whole grey levels (nearest pixels), so a histogram gives its median.
  thread_local std::vector<double> inside;
  inside.clear();
  int ring_histogram[256] = {};
  int ring_count = 0;
  int ring_total = 0, ring_outside = 0;
  double surround_sum = 0;
  int surround_n = 0;
  const double surround_from = grid.Px(0.3 + o.ring_mm);
  const double ring_from = grid.Px(0.3), ring_to = grid.Px(0.3 + o.ring_mm);
  for (size_t i = 0; i < poly.size(); ++i) {
    const cv::Point2d d = poly[i] - outline.center;
    const double r = std::hypot(d.x, d.y);
    if (r <= 0) continue;
    const cv::Point2d u = d / r;
    for (double t = 0; t <= 0.6 * r; t += 1.0) inside.push_back(SampleBilinear(image, outline.center + t * u));
    for (double t = r + ring_from; t <= r + ring_to; t += 0.5) {
      const cv::Point2d p = outline.center + t * u;
      const cv::Point q(RoundToInt(p.x), RoundToInt(p.y));
      ++ring_total;
      if (!Inside(valid, q) || !valid.at<uchar>(q)) {
        ++ring_outside;
        continue;
      }
      ++ring_histogram[image.at<uchar>(q)];
      ++ring_count;
    }
    const double surround_to = r + surround_from + std::max(grid.Px(1.5), r);
    for (double t = r + surround_from; t <= surround_to; t += 1.0) {
      const cv::Point2d p = outline.center + t * u;
      const cv::Point q(RoundToInt(p.x), RoundToInt(p.y));
      if (!Inside(valid, q) || !valid.at<uchar>(q)) continue;
      surround_sum += image.at<uchar>(q);
      ++surround_n;
    }
  }
  // The sum in sampling order.
  double inside_sum = 0;
  for (double v : inside) inside_sum += v;
  if (inside.size() >= 4) {
    // The quartiles and the median: the values at ranks n/4, n/2 and 3n/4
    // of the sorted samples (the same values nth_element gave).
    RankSelector select(inside);
    const double quartile_1 = select.At(inside.size() / 4);
    const double quartile_3 = select.At(3 * inside.size() / 4);
    f.lumen_spread = quartile_3 - quartile_1;
    f.lumen = select.At(inside.size() / 2);
  } else {
    f.lumen = Median(inside);
  }
  if (!inside.empty() && surround_n > 0 && surround_sum > 0) {
    f.surround_darkness = (inside_sum / double(inside.size())) / (surround_sum / surround_n);
  }
  f.ring = RingMedian(ring_histogram, ring_count);
  f.border_fraction = ring_total ? double(ring_outside) / ring_total : 1.0;
  const cv::Point c(int(std::lround(outline.center.x)), int(std::lround(outline.center.y)));
  f.tissue = Inside(tissue, c) ? double(tissue.at<float>(c)) : 0.0;
  f.contrast = f.ring > 0 ? (f.ring - f.lumen) / f.ring : 0.0;
  f.darkness = f.tissue > 0 ? f.lumen / f.tissue : 1.0;
  f.lumen_spread = f.tissue > 0 ? f.lumen_spread / f.tissue : 1.0;
  f.wall_ratio = f.tissue > 0 ? outline.wall_level / f.tissue : 0.0;
  f.posterior_ratio = PosteriorRatio(poly, image, valid, grid);
  return f;
}

Verdict JudgeCandidate(const CandidateFeatures& f, const LookalikeOptions& o) {
  Verdict v;
  // Confidence: a geometric mean of how clearly each property looks like a follicle.
  const double scores[] = {
      Ramp(f.contrast, o.min_contrast, o.min_contrast + 0.35),
      Ramp(o.max_darkness - f.darkness, 0.0, 0.25),
      Ramp(f.solidity, o.min_solidity, 0.95) * Ramp(f.axis_ratio, o.min_axis_ratio, 0.65),
      Ramp(f.edge_rays, 0.3, 0.85),
      Ramp(f.posterior_ratio, o.shadow_ratio, 1.0),
      Ramp(f.diameter_mm, o.min_diameter_mm, o.min_diameter_mm + 1.5),
  };
  double log_sum = 0;
  for (double s : scores) log_sum += std::log(0.1 + 0.9 * s);
  v.confidence = std::exp(log_sum / std::size(scores));
  if (f.diameter_mm < o.min_diameter_mm) v.reason = "too small (speckle)";
  else if (f.diameter_mm > o.max_diameter_mm) v.reason = "too large (bladder, bowel or cyst)";
  else if (f.border_fraction > o.max_border_fraction) v.reason = "cut by the edge of the image area";
  else if (f.axis_ratio < o.min_axis_ratio) v.reason = "elongated (vessel-like)";
  else if (f.solidity < o.min_solidity) v.reason = "irregular outline";
  else if (f.darkness > o.max_darkness) v.reason = "not dark enough for fluid";
  else if (f.contrast < o.min_contrast) v.reason = "no clear wall";
  else if (f.posterior_ratio < o.shadow_ratio) v.reason = "acoustic shadow (dark behind)";
  else if (v.confidence < o.min_confidence) v.reason = "low confidence";
  v.accepted = v.reason.empty();
  return v;
}

bool FailsGrossTests(const CandidateFeatures& f, const LookalikeOptions& o) {
  return f.diameter_mm < o.min_diameter_mm || f.diameter_mm > o.max_diameter_mm ||
         f.border_fraction > o.max_border_fraction;
}

}  // namespace antra::pipeline
