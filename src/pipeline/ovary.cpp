#include "pipeline/ovary.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "pipeline/ovary_map.h"

namespace antra::pipeline {

Status OvaryOptions::Check() const {
  if (!(link_mm >= 0 && link_mm <= 100)) return MakeError(ErrorCode::kInvalidArgument, "ovary.link_mm must be in 0..100");
  if (!(margin_mm >= 0 && margin_mm <= 30)) return MakeError(ErrorCode::kInvalidArgument, "ovary.margin_mm must be in 0..30");
  if (!(min_group_score >= 0)) return MakeError(ErrorCode::kInvalidArgument, "ovary.min_group_score must be >= 0");
  return Status::Ok();
}

bool GivenOvary::Contains(cv::Point2d full_px) const {
  if (!inside.empty()) {
    const cv::Point p(cvRound(full_px.x), cvRound(full_px.y));
    return p.x >= 0 && p.y >= 0 && p.x < inside.cols && p.y < inside.rows && inside.at<uchar>(p) != 0;
  }
  for (const auto& outline : outlines_px) {
    if (outline.size() >= 3 && cv::pointPolygonTest(outline, cv::Point2f(full_px), false) >= 0) return true;
  }
  return false;
}

cv::Rect GivenOvary::Bounds() const {
  // A box's outline runs along its edges: its bounds are the box itself, not
  // the pixels its far corners touch (one more column and row).
  if (box) return *box;
  cv::Rect bounds;
  for (const auto& outline : outlines_px) bounds |= cv::boundingRect(outline);
  return bounds;
}

Result<GivenOvary> GivenOvaryFromMask(const cv::Mat& mask, double min_piece_px) {
  if (mask.empty() || mask.type() != CV_8UC1) {
    return MakeError(ErrorCode::kInvalidArgument, "ovary mask must be a one-channel 8-bit image");
  }
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask != 0, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<std::pair<double, size_t>> pieces;
  for (size_t i = 0; i < contours.size(); ++i) {
    const double area = cv::contourArea(contours[i]);
    if (area >= min_piece_px) pieces.emplace_back(area, i);
  }
  const size_t kept = std::min(pieces.size(), size_t(kMaxGivenOvaryPieces));
  std::partial_sort(pieces.begin(), pieces.begin() + std::ptrdiff_t(kept), pieces.end(), std::greater<>());
  GivenOvary given;
  given.inside = cv::Mat::zeros(mask.size(), CV_8UC1);
  for (size_t k = 0; k < kept; ++k) {
    const auto& c = contours[pieces[k].second];
    cv::drawContours(given.inside, contours, int(pieces[k].second), 255, cv::FILLED);
    std::vector<cv::Point> simplified;
    cv::approxPolyDP(c, simplified, 1.0, true);  // one pixel: what the JSON and the overlay need
    given.outlines_px.push_back(simplified.size() >= 3 ? std::move(simplified) : c);
  }
  if (given.empty()) return MakeError(ErrorCode::kInvalidArgument, "ovary mask holds no ovary (no region of at least " +
                                                                       std::to_string(int(min_piece_px)) + " pixels)");
  return given;
}

GivenOvary GivenOvaryFromBox(const cv::Rect& box) {
  GivenOvary given;
  given.box = box;
  given.outlines_px.push_back({box.tl(), {box.x + box.width, box.y}, box.br(), {box.x, box.y + box.height}});
  return given;
}

namespace {

// Shortest distance between two polygons' vertices (edge-to-edge gap).
double Gap(const std::vector<cv::Point2d>& a, const std::vector<cv::Point2d>& b) {
  double best = 1e300;
  for (const auto& p : a) {
    for (const auto& q : b) best = std::min(best, std::hypot(p.x - q.x, p.y - q.y));
  }
  return best;
}

int Root(std::vector<int>& parent, int x) {
  while (parent[size_t(x)] != x) x = parent[size_t(x)] = parent[size_t(parent[size_t(x)])];
  return x;
}

}  // namespace

double OvaryEstimate::ProbabilityAt(cv::Point2d w) const {
  if (map.empty() || map_px <= 0) return -1.0;
  const int x = std::clamp(int(std::lround((w.x + 0.5) / map_px - 0.5)), 0, map.cols - 1);
  const int y = std::clamp(int(std::lround((w.y + 0.5) / map_px - 0.5)), 0, map.rows - 1);
  return map.at<float>(y, x);
}

bool OvaryEstimate::InRegion(cv::Point2d w) const {
  if (!region.empty() && map_px > 0) {
    const int x = std::clamp(int(std::lround((w.x + 0.5) / map_px - 0.5)), 0, region.cols - 1);
    const int y = std::clamp(int(std::lround((w.y + 0.5) / map_px - 0.5)), 0, region.rows - 1);
    return region.at<uchar>(y, x) != 0;
  }
  if (!found || outline.size() < 3) return false;
  std::vector<cv::Point2f> poly(outline.begin(), outline.end());
  return cv::pointPolygonTest(poly, cv::Point2f(w), false) >= 0;
}

OvaryEstimate LocateOvary(const std::vector<OvaryMember>& members, const WorkingGrid& grid, const OvaryOptions& o) {
  OvaryEstimate out;
  out.inside.assign(members.size(), !o.reject_outside);
  if (members.empty()) return out;
  const int n = int(members.size());
  std::vector<int> parent(static_cast<size_t>(n));
  std::iota(parent.begin(), parent.end(), 0);
  const double link = grid.Px(o.link_mm);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (Gap(members[size_t(i)].polygon, members[size_t(j)].polygon) <= link) {
        parent[size_t(Root(parent, j))] = Root(parent, i);
      }
    }
  }
  std::vector<double> score(size_t(n), 0.0);
  for (int i = 0; i < n; ++i) score[size_t(Root(parent, i))] += members[size_t(i)].confidence;
  const int best = int(std::max_element(score.begin(), score.end()) - score.begin());
  if (score[size_t(best)] < o.min_group_score) return out;

  std::vector<cv::Point2f> points;
  for (int i = 0; i < n; ++i) {
    if (Root(parent, i) != best) continue;
    for (const auto& p : members[size_t(i)].polygon) points.emplace_back(p);
  }
  std::vector<cv::Point2f> hull;
  cv::convexHull(points, hull);
  // Grow the hull by the margin: offset each hull vertex away from the hull's centre
  // would distort thin hulls, so rasterise, dilate and trace instead.
  cv::Rect box = cv::boundingRect(hull);
  const int margin = int(std::ceil(grid.Px(o.margin_mm)));
  box.x -= margin + 2;
  box.y -= margin + 2;
  box.width += 2 * margin + 4;
  box.height += 2 * margin + 4;
  cv::Mat mask = cv::Mat::zeros(box.size(), CV_8UC1);
  std::vector<cv::Point> shifted;
  for (const auto& p : hull) shifted.emplace_back(int(std::lround(p.x)) - box.x, int(std::lround(p.y)) - box.y);
  cv::fillConvexPoly(mask, shifted, 255);
  if (margin > 0) {
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * margin + 1, 2 * margin + 1}));
  }
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE, box.tl());
  if (contours.empty()) return out;
  for (const auto& p : contours.front()) out.outline.emplace_back(p.x, p.y);
  out.found = true;
  out.confidence = 1.0 - std::exp(-score[size_t(best)] / 1.5);
  for (int i = 0; i < n; ++i) {
    const bool member = Root(parent, i) == best;
    const bool within = cv::pointPolygonTest(contours.front(), cv::Point2f(members[size_t(i)].center), false) >= 0;
    out.inside[size_t(i)] = member || within || !o.reject_outside;
  }
  return out;
}

OvaryEstimate LocateOvaryFromMap(const cv::Mat& probability, int cell_px, cv::Size working_size,
                                 const std::vector<OvaryMember>& members, const WorkingGrid& grid,
                                 const OvaryOptions& o, const OvaryMapOptions& m) {
  OvaryEstimate out;
  out.inside.assign(members.size(), !o.reject_outside);
  if (probability.empty()) return out;
  cv::Mat p = probability.clone();
  if (m.smooth_cells > 0) cv::GaussianBlur(p, p, {}, m.smooth_cells, m.smooth_cells, cv::BORDER_REPLICATE);
  // Four map pixels per cell side: fine enough for an outline, cheap to label.
  constexpr int kUp = 4;
  const double fine_px = double(cell_px) / kUp;  // working pixels per map pixel
  cv::Mat fine;
  cv::resize(p, fine, cv::Size(p.cols * kUp, p.rows * kUp), 0, 0, cv::INTER_LINEAR);
  auto to_fine = [&](cv::Point2d w) {
    return cv::Point(std::clamp(int(std::lround((w.x + 0.5) / fine_px - 0.5)), 0, fine.cols - 1),
                     std::clamp(int(std::lround((w.y + 0.5) / fine_px - 0.5)), 0, fine.rows - 1));
  };
  double highest = 0;
  cv::minMaxLoc(fine, nullptr, &highest);
  const double threshold = std::max(m.region_threshold, m.region_relative * highest);
  cv::Mat regions;
  const int n = cv::connectedComponents(fine >= threshold, regions, 8, CV_32S);
  std::vector<double> score(size_t(std::max(n, 1)), 0.0);
  for (int y = 0; y < regions.rows; ++y) {
    for (int x = 0; x < regions.cols; ++x) {
      const int r = regions.at<int>(y, x);
      if (r > 0) score[size_t(r)] += fine.at<float>(y, x) * fine.at<float>(y, x) / (kUp * kUp);
    }
  }
  for (const auto& member : members) {
    const int r = regions.at<int>(to_fine(member.center));
    if (r > 0) score[size_t(r)] += m.candidate_weight * member.confidence;
  }
  const int best = n > 1 ? int(std::max_element(score.begin() + 1, score.end()) - score.begin()) : 0;
  cv::Mat region;
  if (best > 0) {
    region = regions == best;
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(region.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    if (!contours.empty()) {
      const auto& largest = *std::max_element(contours.begin(), contours.end(), [](const auto& a, const auto& b) {
        return cv::contourArea(a) < cv::contourArea(b);
      });
      for (const auto& q : largest) {
        const cv::Point2d w((q.x + 0.5) * fine_px - 0.5, (q.y + 0.5) * fine_px - 0.5);
        out.outline.emplace_back(std::clamp(w.x, 0.0, working_size.width - 1.0),
                                 std::clamp(w.y, 0.0, working_size.height - 1.0));
      }
      out.found = true;
      out.confidence = cv::mean(fine, region)[0];
    }
    const int margin = int(std::ceil(grid.Px(o.margin_mm) / fine_px));
    if (margin > 0) cv::dilate(region, region, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * margin + 1, 2 * margin + 1}));
  }
  out.map = fine;
  out.region = region;
  out.map_px = fine_px;
  for (size_t i = 0; i < members.size(); ++i) {
    const cv::Point c = to_fine(members[i].center);
    const double pc = fine.at<float>(c);
    const bool in_region = !region.empty() && region.at<uchar>(c);
    out.inside[i] = !o.reject_outside || (in_region && pc >= m.accept_probability) || pc >= m.keep_elsewhere_probability;
  }
  return out;
}

}  // namespace antra::pipeline
