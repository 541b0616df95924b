#include "pipeline/candidates.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cmath>
#include <map>
#include <numeric>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status BackgroundOptions::Check() const {
  if (!(cell_mm >= 0.5 && cell_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "background.cell_mm must be in 0.5..10");
  if (!(window_mm >= 2 * cell_mm && window_mm <= 200)) {
    return MakeError(ErrorCode::kInvalidArgument, "background.window_mm must be in 2 x cell_mm..200");
  }
  if (!(percentile > 0 && percentile < 1)) return MakeError(ErrorCode::kInvalidArgument, "background.percentile must be in (0, 1)");
  if (min_tissue_level < 0 || min_tissue_level > 250) {
    return MakeError(ErrorCode::kInvalidArgument, "background.min_tissue_level must be in 0..250");
  }
  return Status::Ok();
}

Status CandidateOptions::Check() const {
  if (!(core_ratio > 0 && core_ratio < extent_ratio && extent_ratio < 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidates: need 0 < core_ratio < extent_ratio < 1");
  }
  if (!(open_mm >= 0 && open_mm <= 3)) return MakeError(ErrorCode::kInvalidArgument, "candidates.open_mm must be in 0..3");
  if (!(min_core_mm >= 0 && min_core_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "candidates.min_core_mm must be in 0..10");
  if (!(min_diameter_mm > 0 && min_diameter_mm < max_diameter_mm && max_diameter_mm <= 200)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidates: need 0 < min_diameter_mm < max_diameter_mm <= 200");
  }
  if (!(blob_min_mm > 0 && blob_min_mm < blob_max_mm && blob_max_mm <= 20)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidates: need 0 < blob_min_mm < blob_max_mm <= 20");
  }
  if (!(blob_contrast >= 0 && blob_contrast < 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidates.blob_contrast must be in [0, 1)");
  }
  if (!(blob_max_darkness > 0 && blob_max_darkness <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidates.blob_max_darkness must be in (0, 1]");
  }
  return Status::Ok();
}

Status SplitOptions::Check() const {
  if (!(septum_contrast >= 0 && septum_contrast <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "split.septum_contrast must be in 0..1");
  }
  if (!(neck_solidity >= 0 && neck_solidity <= 1)) return MakeError(ErrorCode::kInvalidArgument, "split.neck_solidity must be in 0..1");
  if (!(neck_depth_mm >= 0 && neck_depth_mm <= 20)) return MakeError(ErrorCode::kInvalidArgument, "split.neck_depth_mm must be in 0..20");
  return Status::Ok();
}

namespace {

constexpr double kPi = 3.14159265358979323846;

// Value at fraction q of the sorted values (nearest rank); values is modified.
float Percentile(std::vector<float>& values, double q) {
  const size_t k = std::min(values.size() - 1, size_t(q * (values.size() - 1) + 0.5));
  std::nth_element(values.begin(), values.begin() + long(k), values.end());
  return values[k];
}

double AreaForDiameter(double diameter_px) { return kPi / 4.0 * diameter_px * diameter_px; }

cv::Mat Disk(int diameter) {
  diameter = std::max(1, diameter);
  return cv::getStructuringElement(cv::MORPH_ELLIPSE, {diameter, diameter});
}

// Union-find over label ids.
class Merger {
 public:
  explicit Merger(int n) : parent_(size_t(n)) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[size_t(x)] != x) x = parent_[size_t(x)] = parent_[size_t(parent_[size_t(x)])];
    return x;
  }
  void Join(int keep, int other) { parent_[size_t(Find(other))] = Find(keep); }

 private:
  std::vector<int> parent_;
};

double Solidity(const std::vector<cv::Point>& contour) {
  if (contour.size() < 3) return 1.0;
  std::vector<cv::Point> hull;
  cv::convexHull(contour, hull);
  const double hull_area = cv::contourArea(hull);
  return hull_area > 0 ? cv::contourArea(contour) / hull_area : 1.0;
}

std::vector<cv::Point> OuterContour(const cv::Mat& mask, cv::Point offset) {
  std::vector<std::vector<cv::Point>> contours;
  // (No copy: findContours leaves its input alone since OpenCV 3.2.)
  cv::findContours(mask, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE, offset);
  if (contours.empty()) return {};
  return *std::max_element(contours.begin(), contours.end(), [](const auto& a, const auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
}

// Median of `image` over the pixels where `labels` == id (inside `roi`).
double MedianWhere(const cv::Mat& image, const cv::Mat& labels, int id) {
  int histogram[256] = {};
  int total = 0;
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* v = image.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (l[x] == id) {
        ++histogram[v[x]];
        ++total;
      }
    }
  }
  int seen = 0;
  for (int i = 0; i < 256; ++i) {
    seen += histogram[i];
    if (total > 0 && 2 * seen >= total) return i;
  }
  return 0;
}

// MedianWhere for every label 1..n-1 at once (one pass instead of one per
// label): the same lower median, the value at rank (count - 1) / 2.
std::vector<double> MediansByLabel(const cv::Mat& image, const cv::Mat& labels, int n) {
  std::vector<std::vector<uchar>> values(size_t(std::max(n, 1)));
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* v = image.ptr<uchar>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (l[x] > 0 && l[x] < n) values[size_t(l[x])].push_back(v[x]);
    }
  }
  std::vector<double> median(values.size(), 0.0);
  for (size_t id = 1; id < values.size(); ++id) {
    auto& v = values[id];
    if (v.empty()) continue;
    const auto middle = v.begin() + long((v.size() - 1) / 2);
    std::nth_element(v.begin(), middle, v.end());
    median[id] = *middle;
  }
  return median;
}

// Splits one region (labels == id inside an ROI) at distance-transform maxima
// deeper than `depth_px`; new labels are taken from next_label.
void SplitAtNecks(cv::Mat& labels, int id, double depth_px, int& next_label) {
  cv::Mat mask = labels == id;
  cv::Mat dist;
  cv::distanceTransform(mask, dist, cv::DIST_L2, cv::DIST_MASK_5);
  double max_dist = 0;
  cv::minMaxLoc(dist, nullptr, &max_dist);
  if (max_dist < 2.0 * depth_px) return;
  cv::Mat dilated;
  cv::dilate(dist, dilated, Disk(3));
  // Peaks: plateau-or-top of the distance (at least its 3 x 3 neighbourhood's
  // dilation), deeper than depth_px, inside the region; one pass rather than
  // three whole-box comparisons and two ANDs.
  // (OpenCV compared a float image with the scalar converted to float.)
  const float depth_f = static_cast<float>(depth_px);
  cv::Mat peaks(mask.size(), CV_8UC1);
  for (int y = 0; y < mask.rows; ++y) {
    const float* d = dist.ptr<float>(y);
    const float* top = dilated.ptr<float>(y);
    const uchar* inside = mask.ptr<uchar>(y);
    uchar* out = peaks.ptr<uchar>(y);
    for (int x = 0; x < mask.cols; ++x) out[x] = (d[x] >= top[x] && d[x] > depth_f && inside[x]) ? 255 : 0;
  }
  cv::Mat seeds;
  const int n = cv::connectedComponents(peaks, seeds, 8, CV_32S);
  if (n <= 2) return;  // one peak (or none): nothing to split
  const double scale = std::min(4.0, 250.0 / max_dist);
  cv::Mat level;
  cv::Mat inverted = max_dist - dist;
  inverted.convertTo(level, CV_8U, scale);
  std::vector<double> peak(size_t(n), 0.0);
  for (int y = 0; y < seeds.rows; ++y) {
    const int* seed = seeds.ptr<int>(y);
    const float* d = dist.ptr<float>(y);
    for (int x = 0; x < seeds.cols; ++x) {
      const int s = seed[x];
      if (s > 0) peak[size_t(s)] = std::max(peak[size_t(s)], double(d[x]));
    }
  }
  auto saddles = FloodFromSeeds(level, mask, seeds);
  // Shallowest saddles (highest distance) first.
  std::sort(saddles.begin(), saddles.end(), [](const Saddle& a, const Saddle& b) { return a.level < b.level; });
  Merger merger(n);
  for (const auto& s : saddles) {
    const int ra = merger.Find(s.a), rb = merger.Find(s.b);
    if (ra == rb) continue;
    const double saddle_dist = max_dist - s.level / scale;
    if (std::min(peak[size_t(ra)], peak[size_t(rb)]) - saddle_dist < depth_px) {
      merger.Join(ra, rb);
      peak[size_t(ra)] = std::max(peak[size_t(ra)], peak[size_t(rb)]);
    }
  }
  // Merged regions numbered in order of first appearance: the first keeps `id`.
  std::vector<int> new_id(size_t(n), 0);
  bool first = true;
  for (int y = 0; y < seeds.rows; ++y) {
    const int* seed = seeds.ptr<int>(y);
    int* out = labels.ptr<int>(y);
    for (int x = 0; x < seeds.cols; ++x) {
      const int s = seed[x];
      if (s <= 0) continue;
      int& assigned = new_id[size_t(merger.Find(s))];
      if (assigned == 0) {
        assigned = first ? id : next_label++;
        first = false;
      }
      out[x] = assigned;
    }
  }
}

// Splits one extent component (inside its ROI) along bright septa between its cores.
void SplitAtSepta(const cv::Mat& level, const cv::Mat& component, cv::Mat& labels, double tissue,
                  double septum_contrast) {
  double max_label = 0;
  cv::minMaxLoc(labels, nullptr, &max_label);
  const int n = int(max_label) + 1;
  std::vector<double> lumen = MediansByLabel(level, labels, n);
  auto saddles = FloodFromSeeds(level, component, labels);
  std::sort(saddles.begin(), saddles.end(), [](const Saddle& a, const Saddle& b) { return a.level < b.level; });
  Merger merger(n);
  for (const auto& s : saddles) {
    const int ra = merger.Find(s.a), rb = merger.Find(s.b);
    if (ra == rb) continue;
    const double darker = std::max(lumen[size_t(ra)], lumen[size_t(rb)]);
    const double strength = (s.level - darker) / std::max(1.0, tissue - darker);
    if (strength < septum_contrast) {
      merger.Join(ra, rb);
      lumen[size_t(ra)] = std::min(lumen[size_t(ra)], lumen[size_t(rb)]);
    }
  }
  for (int y = 0; y < labels.rows; ++y) {
    int* l = labels.ptr<int>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (l[x] > 0) l[x] = merger.Find(l[x]);
    }
  }
}

struct LabelStats {
  int area = 0;
  cv::Rect box;
};

// Area and bounding box of every label 1..n-1 in one pass (what
// cv::connectedComponentsWithStats reports, at a third of its cost; the
// background, label 0, is left empty). Only `within` is scanned (the caller
// knows every label lies inside it); boxes are in the coordinates of `labels`.
std::vector<LabelStats> StatsByLabel(const cv::Mat& labels, int n, cv::Rect within) {
  std::vector<int> x0(size_t(n), INT_MAX), y0(size_t(n), INT_MAX), x1(size_t(n), -1), y1(size_t(n), -1);
  std::vector<LabelStats> stats(static_cast<size_t>(n));
  for (int y = within.y; y < within.br().y; ++y) {
    const int* l = labels.ptr<int>(y);
    for (int x = within.x; x < within.br().x; ++x) {
      if (l[x] == 0) continue;
      const size_t id = size_t(l[x]);
      ++stats[id].area;
      x0[id] = std::min(x0[id], x);
      x1[id] = std::max(x1[id], x);
      y0[id] = std::min(y0[id], y);
      y1[id] = y;
    }
  }
  for (size_t id = 0; id < stats.size(); ++id) {
    if (stats[id].area > 0) stats[id].box = cv::Rect(x0[id], y0[id], x1[id] - x0[id] + 1, y1[id] - y0[id] + 1);
  }
  return stats;
}

struct Blob {
  cv::Point2d center;  // working pixels
  double diameter_px;  // working pixels
  double response;
};

// The difference of two blurs relative to the tissue level, in one pass:
// (outer - inner) / level_floor, and 0 where the blob's centre is not
// fluid-dark (inner >= centre_threshold) or lies outside the image area.
void DogResponse(const cv::Mat& inner, const cv::Mat& outer, const cv::Mat& level_floor,
                 const cv::Mat& centre_threshold, const cv::Mat& usable, cv::Mat& response) {
  for (int y = 0; y < response.rows; ++y) {
    const uchar* in = inner.ptr<uchar>(y);
    const uchar* out = outer.ptr<uchar>(y);
    const float* level = level_floor.ptr<float>(y);
    const uchar* threshold = centre_threshold.ptr<uchar>(y);
    const uchar* use = usable.ptr<uchar>(y);
    float* r = response.ptr<float>(y);
    for (int x = 0; x < response.cols; ++x) {
      const bool counts = in[x] < threshold[x] && use[x] != 0;
      r[x] = counts ? (float(out[x]) - float(in[x])) / level[x] : 0.0f;
    }
  }
}

// Whether response(x, y) is at least each of its 8 neighbours inside the
// image (what comparing with a 3 x 3 dilation gives), checked only for the
// few pixels above the contrast gate rather than dilating the whole image.
bool IsLocalMaximum(const cv::Mat& response, int x, int y) {
  const float v = response.at<float>(y, x);
  for (int ny = std::max(0, y - 1); ny <= std::min(response.rows - 1, y + 1); ++ny) {
    const float* row = response.ptr<float>(ny);
    for (int nx = std::max(0, x - 1); nx <= std::min(response.cols - 1, x + 1); ++nx) {
      if (row[nx] > v) return false;
    }
  }
  return true;
}

// Dark blobs of diameter blob_min_mm..blob_max_mm: maxima over space and
// scale of the difference of Gaussians (1.6 ratio, close to the scale-
// normalised Laplacian), relative to the tissue level. Run on a copy at about
// 0.4 mm per pixel: small follicles are still several pixels wide there.
std::vector<Blob> FindDarkBlobs(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                                const WorkingGrid& grid, const CandidateOptions& co) {
  std::vector<Blob> blobs;
  if (co.blob_contrast <= 0) return blobs;
  const double shrink = std::min(1.0, grid.mm_per_px / 0.4);
  cv::Mat image, level, usable;
  cv::resize(despeckled, image, {}, shrink, shrink, cv::INTER_AREA);
  cv::resize(tissue, level, image.size(), 0, 0, cv::INTER_AREA);
  cv::resize(valid, usable, image.size(), 0, 0, cv::INTER_NEAREST);
  const double mm_per_px = grid.mm_per_px / shrink;
  cv::Mat centre_threshold;
  level.convertTo(centre_threshold, CV_8U, co.blob_max_darkness);
  const cv::Mat level_floor = cv::max(level, 1.0f);
  // A ladder of Gaussian blurs 1.6 apart (8-bit: fast); each neighbouring pair
  // is one difference-of-Gaussians scale, so every blur is computed once.
  constexpr double kRatio = 1.6;
  std::vector<double> diameters;
  for (double d = co.blob_min_mm; d <= co.blob_max_mm * 1.001; d *= kRatio) diameters.push_back(d);
  // Only pixels inside the image area can respond (DogResponse gives 0
  // elsewhere), so each blur is made for the area's bounding box plus the
  // kernel's reach, on a copy of that part (a copy, not a submatrix view:
  // OpenCV blurs views by another, floating-point, path). Inside the box
  // every pixel's kernel then sees the same pixels as on the whole image,
  // and where the box meets the image's edge the same replicated border.
  const cv::Rect area_box = cv::boundingRect(usable);
  if (area_box.empty()) return blobs;
  const cv::Rect whole(0, 0, image.cols, image.rows);
  std::vector<cv::Mat> blurred(diameters.size() + 1);
  for (size_t k = 0; k <= diameters.size(); ++k) {
    const double d = co.blob_min_mm * std::pow(kRatio, double(k));
    const double sigma = d / 2.0 / std::sqrt(2.0) / mm_per_px;
    // OpenCV's 8-bit kernel is cvRound(6 sigma + 1) | 1 wide: half of it
    // is at most 3 sigma + 1.5; a margin of 4 sigma + 2 covers it.
    const int margin = int(std::ceil(4.0 * sigma)) + 2;
    const cv::Rect padded = (area_box - cv::Point(margin, margin) + cv::Size(2 * margin, 2 * margin)) & whole;
    cv::Mat part = image(padded).clone();
    cv::Mat part_blurred;
    cv::GaussianBlur(part, part_blurred, {}, sigma, sigma, cv::BORDER_REPLICATE);
    blurred[k] = part_blurred(area_box - padded.tl());
  }
  cv::Mat response(image.size(), CV_32F, cv::Scalar(0));  // 0 outside the box, as DogResponse gives there
  cv::Mat response_in_box = response(area_box);
  for (size_t k = 0; k < diameters.size(); ++k) {
    DogResponse(blurred[k], blurred[k + 1], level_floor(area_box), centre_threshold(area_box), usable(area_box),
                response_in_box);
    // Maxima at this scale (each scale separately, so that a small follicle
    // beside a large one is not drowned by the large one's response).
    // (Row by row over the box: the same maxima in the same order as over
    // the whole image, where nothing outside the box passes the gate.)
    for (int y = area_box.y; y < area_box.br().y; ++y) {
      const float* r = response.ptr<float>(y);
      for (int x = area_box.x; x < area_box.br().x; ++x) {
        if (r[x] < co.blob_contrast || !IsLocalMaximum(response, x, y)) continue;
        blobs.push_back({{(x + 0.5) / shrink - 0.5, (y + 0.5) / shrink - 0.5}, diameters[k] / grid.mm_per_px, double(r[x])});
      }
    }
  }
  // Strongest first; a weaker blob inside a stronger one is the same blob.
  std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.response > b.response; });
  std::vector<Blob> kept;
  for (const auto& b : blobs) {
    bool inside = false;
    for (const auto& k : kept) {
      const double dx = b.center.x - k.center.x, dy = b.center.y - k.center.y;
      const double reach = 0.5 * (b.diameter_px + k.diameter_px) * 0.6;
      // Clearly apart by the squared distance (cheap); hypot, as before, only
      // near the boundary, so the decision is exactly the old one.
      const double squared = dx * dx + dy * dy, reach_squared = reach * reach;
      if (squared > reach_squared * (1 + 1e-9)) continue;
      if (squared < reach_squared * (1 - 1e-9) || std::hypot(dx, dy) < reach) {
        inside = true;
        break;
      }
    }
    if (!inside) kept.push_back(b);
  }
  return kept;
}

}  // namespace

std::vector<Saddle> FloodFromSeeds(const cv::Mat& level, const cv::Mat& allowed, cv::Mat& labels) {
  CV_Assert(level.type() == CV_8UC1 && allowed.type() == CV_8UC1 && labels.type() == CV_32SC1);
  CV_Assert(level.size() == allowed.size() && level.size() == labels.size());
  const int w = level.cols, h = level.rows;
  // Pixels queued as (x, y): no division per pixel to recover them. The
  // buckets are kept per thread between calls (emptied, capacity kept): a
  // frame floods dozens of small regions, and 256 freshly grown vectors per
  // flood cost about as much as the flooding.
  thread_local std::vector<std::vector<cv::Point>> buckets(256);
  for (auto& bucket : buckets) bucket.clear();
  int max_label = 0;
  for (int y = 0; y < h; ++y) {
    const int* l = labels.ptr<int>(y);
    const uchar* v = level.ptr<uchar>(y);
    for (int x = 0; x < w; ++x) {
      if (l[x] > 0) {
        buckets[v[x]].emplace_back(x, y);
        max_label = std::max(max_label, l[x]);
      }
    }
  }
  // Where each pair of labels met (lowest priority): a dense table when the
  // labels are few (the usual case: the seeds of one component), else a map.
  constexpr int kDenseLabels = 512;  // table of at most 1 MiB
  const bool dense = max_label < kDenseLabels;
  const size_t side = dense ? size_t(max_label) + 1 : 0;
  std::vector<int> met_dense(side * side, -1);
  std::map<std::pair<int, int>, int> met_sparse;
  auto meet = [&](int a, int b, int priority) {
    const auto key = std::minmax(a, b);
    if (dense) {
      int& m = met_dense[size_t(key.first) * side + size_t(key.second)];
      m = m < 0 ? priority : std::min(m, priority);
      return;
    }
    auto it = met_sparse.find(key);
    if (it == met_sparse.end()) met_sparse.emplace(key, priority);
    else it->second = std::min(it->second, priority);
  };
  int* label = labels.ptr<int>(0);
  const uchar* levels = level.ptr<uchar>(0);
  const uchar* allow = allowed.ptr<uchar>(0);
  const size_t label_step = labels.step1(), level_step = level.step1(), allow_step = allowed.step1();
  // The buckets through a plain pointer: a thread_local's address is looked
  // up again at every use, and this loop pushes once per pixel.
  std::vector<cv::Point>* const bucket_at = buckets.data();
  // One neighbour q of a pixel labelled lp, popped at `current`: claim it or
  // note where two labels meet. (Neighbours in the order +x, -x, +y, -y.)
  const auto visit = [&](int current, int lp, int qx, int qy, size_t label_at, size_t level_at,
                          size_t allow_at) __attribute__((always_inline)) {
    if (!allow[allow_at]) return;
    int& lq = label[label_at];
    const int priority = std::max(current, int(levels[level_at]));
    if (lq == 0) {
      lq = lp;
      bucket_at[priority].emplace_back(qx, qy);
    } else if (lq != lp) {
      meet(lp, lq, priority);
    }
  };
  for (int current = 0; current < 256; ++current) {
    auto& bucket = bucket_at[current];
    // The bucket may grow while it is processed (neighbours at or below `current`).
    for (size_t i = 0; i < bucket.size(); ++i) {
      const int px = bucket[i].x, py = bucket[i].y;
      const size_t label_at = size_t(py) * label_step + size_t(px);
      const size_t level_at = size_t(py) * level_step + size_t(px);
      const size_t allow_at = size_t(py) * allow_step + size_t(px);
      const int lp = label[label_at];
      if (px + 1 < w) visit(current, lp, px + 1, py, label_at + 1, level_at + 1, allow_at + 1);
      if (px > 0) visit(current, lp, px - 1, py, label_at - 1, level_at - 1, allow_at - 1);
      if (py + 1 < h) visit(current, lp, px, py + 1, label_at + label_step, level_at + level_step, allow_at + allow_step);
      if (py > 0) visit(current, lp, px, py - 1, label_at - label_step, level_at - level_step, allow_at - allow_step);
    }
    bucket.clear();
  }
  // In order of (a, b), as the map orders them.
  std::vector<Saddle> out;
  if (dense) {
    for (size_t a = 0; a < side; ++a) {
      for (size_t b = a + 1; b < side; ++b) {
        const int m = met_dense[a * side + b];
        if (m >= 0) out.push_back({int(a), int(b), m});
      }
    }
    return out;
  }
  out.reserve(met_sparse.size());
  for (const auto& [key, value] : met_sparse) out.push_back({key.first, key.second, value});
  return out;
}

cv::Mat EstimateTissueLevel(const cv::Mat& despeckled, const cv::Mat& valid, const WorkingGrid& grid,
                            const BackgroundOptions& options) {
  CV_Assert(despeckled.type() == CV_8UC1 && valid.size() == despeckled.size());
  const int cell = std::max(2, int(std::lround(grid.Px(options.cell_mm))));
  const cv::Size coarse_size((despeckled.cols + cell - 1) / cell, (despeckled.rows + cell - 1) / cell);
  cv::Mat weight, value;
  valid.convertTo(weight, CV_32F, 1.0 / 255.0);
  despeckled.convertTo(value, CV_32F);
  value = value.mul(weight);
  cv::Mat wsum, vsum;
  cv::resize(weight, wsum, coarse_size, 0, 0, cv::INTER_AREA);
  cv::resize(value, vsum, coarse_size, 0, 0, cv::INTER_AREA);

  const int radius = std::max(1, int(std::lround(options.window_mm / 2.0 / std::max(options.cell_mm, grid.Mm(cell)))));
  cv::Mat coarse(coarse_size, CV_32F, cv::Scalar(0));
  std::vector<float> window;
  window.reserve(size_t((2 * radius + 1) * (2 * radius + 1)));
  for (int cy = 0; cy < coarse_size.height; ++cy) {
    for (int cx = 0; cx < coarse_size.width; ++cx) {
      if (wsum.at<float>(cy, cx) < 0.3f) continue;
      window.clear();
      for (int y = std::max(0, cy - radius); y <= std::min(coarse_size.height - 1, cy + radius); ++y) {
        for (int x = std::max(0, cx - radius); x <= std::min(coarse_size.width - 1, cx + radius); ++x) {
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) > radius * radius) continue;
          const float w = wsum.at<float>(y, x);
          if (w >= 0.3f) window.push_back(vsum.at<float>(y, x) / w);
        }
      }
      if (!window.empty()) coarse.at<float>(cy, cx) = Percentile(window, options.percentile);
    }
  }
  // Smooth over known cells only, then spread to the working grid.
  cv::Mat known = (coarse > 0);
  cv::Mat known_f;
  known.convertTo(known_f, CV_32F, 1.0 / 255.0);
  cv::Mat num, den;
  cv::GaussianBlur(coarse, num, {}, 1.0, 1.0, cv::BORDER_REPLICATE);
  cv::GaussianBlur(known_f, den, {}, 1.0, 1.0, cv::BORDER_REPLICATE);
  cv::Mat smooth;
  cv::divide(num, cv::max(den, 1e-3f), smooth);
  smooth.setTo(0, den < 0.05f);
  cv::Mat tissue;
  cv::resize(smooth, tissue, despeckled.size(), 0, 0, cv::INTER_LINEAR);
  tissue.setTo(0, tissue < float(options.min_tissue_level));
  return tissue;
}

namespace {

// The dark regions the candidates are cut from, thresholded against the local
// tissue level, and the components of the wider ("extent") threshold.
struct DarkRegions {
  cv::Mat core;           // fluid-dark pixels where a min_core_mm disc fits
  cv::Mat extent_labels;  // CV_32S: components of the extent threshold (cores included)
  int n_extent = 1;       // labels in extent_labels, background included
  cv::Rect extent_box;    // where every extent pixel lies
  std::vector<LabelStats> extent_stats;
};

DarkRegions ThresholdDarkRegions(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                                 const WorkingGrid& grid, const CandidateOptions& co) {
  DarkRegions r;
  cv::Mat core_threshold, extent_threshold;
  tissue.convertTo(core_threshold, CV_8U, co.core_ratio);
  tissue.convertTo(extent_threshold, CV_8U, co.extent_ratio);
  r.core = (despeckled < core_threshold) & valid;
  // A core must hold a disc of min_core_mm (else it is a speckle hole); the
  // opening keeps exactly the parts where such a disc fits.
  const int open = std::max(int(std::lround(grid.Px(co.open_mm))), int(std::lround(grid.Px(co.min_core_mm))));
  if (open >= 2) cv::morphologyEx(r.core, r.core, cv::MORPH_OPEN, Disk(open));
  const cv::Mat extent = ((despeckled < extent_threshold) & valid) | r.core;
  // Components are labelled in the box of `extent` only: they are numbered in
  // raster order of their first pixel, the same in the box as over the frame,
  // where nothing outside it is set.
  r.extent_box = cv::boundingRect(extent);
  r.extent_labels = cv::Mat::zeros(extent.size(), CV_32S);
  cv::Mat labels_in_box = r.extent_labels(r.extent_box);
  r.n_extent = r.extent_box.empty() ? 1 : cv::connectedComponents(extent(r.extent_box), labels_in_box, 4, CV_32S);
  // (Written in place: create() keeps a header of the right size and type.)
  if (labels_in_box.data != r.extent_labels(r.extent_box).data) labels_in_box.copyTo(r.extent_labels(r.extent_box));
  r.extent_stats = StatsByLabel(r.extent_labels, r.n_extent, r.extent_box);
  return r;
}

// The seeds of one extent component (`component`, in its `box`): its cores,
// numbered 1..k, and a disc at each blob off the cores (small follicles pressed
// against a larger one have no core of their own but show as blobs). Returns
// how many.
int SeedComponent(const cv::Mat& core, const cv::Mat& component, const cv::Rect& box, const std::vector<Blob>& blobs,
                  cv::Mat& seeds) {
  int n_seeds = cv::connectedComponents(core(box) & component, seeds, 8, CV_32S) - 1;
  for (const Blob& blob : blobs) {
    const cv::Point c(int(std::lround(blob.center.x)) - box.x, int(std::lround(blob.center.y)) - box.y);
    if (c.x < 0 || c.y < 0 || c.x >= box.width || c.y >= box.height || !component.at<uchar>(c)) continue;
    if (seeds.at<int>(c) != 0) continue;
    const int radius = std::max(1, int(std::lround(0.2 * blob.diameter_px)));
    const cv::Rect disc_box =
        cv::Rect(c.x - radius, c.y - radius, 2 * radius + 1, 2 * radius + 1) & cv::Rect(0, 0, box.width, box.height);
    cv::Mat disc = cv::Mat::zeros(disc_box.size(), CV_8UC1);
    cv::circle(disc, c - disc_box.tl(), radius, 255, cv::FILLED);
    disc &= component(disc_box) & (seeds(disc_box) == 0);
    seeds(disc_box).setTo(++n_seeds, disc);
  }
  return n_seeds;
}

// A component's regions (`seeds`, local labels 1..n_seeds in `box`) as frame
// labels: global ids in order of first appearance, row by row. Returns each
// local region's global id, area and box (frame working coordinates).
struct LocalRegions {
  std::vector<int> global;
  std::vector<int> area;
  std::vector<cv::Rect> bounds;
};

LocalRegions CopyRegionsToFrame(const cv::Mat& seeds, int n_seeds, const cv::Rect& box, cv::Mat& labels,
                                int& next_label) {
  const size_t n_local = size_t(n_seeds) + 1;
  LocalRegions regions{std::vector<int>(n_local, 0), std::vector<int>(n_local, 0), {}};
  // Each region's box as running bounds: a cv::Rect union per pixel cost more
  // than the rest of this loop.
  std::vector<int> x0(n_local, INT_MAX), y0(n_local, INT_MAX), x1(n_local, -1), y1(n_local, -1);
  for (int y = 0; y < box.height; ++y) {
    const int* s = seeds.ptr<int>(y);
    int* out = labels.ptr<int>(box.y + y) + box.x;
    for (int x = 0; x < box.width; ++x) {
      if (s[x] <= 0) continue;
      const size_t local = size_t(s[x]);
      int& id = regions.global[local];
      if (id == 0) id = next_label++;
      out[x] = id;
      ++regions.area[local];
      x0[local] = std::min(x0[local], x);
      x1[local] = std::max(x1[local], x);
      y0[local] = std::min(y0[local], y);
      y1[local] = y;
    }
  }
  regions.bounds.resize(n_local);
  for (size_t l = 1; l < n_local; ++l) {
    if (regions.global[l] != 0) regions.bounds[l] = {box.x + x0[l], box.y + y0[l], x1[l] - x0[l] + 1, y1[l] - y0[l] + 1};
  }
  return regions;
}

// Regions of a plausible size that are not convex enough are split on their
// distance transform (SplitAtNecks), each inside its own box plus a margin:
// the split costs a distance transform and a flood over whatever it is given.
void SplitNeckedRegions(const LocalRegions& regions, double min_area, double max_area, double depth_px,
                        const SplitOptions& so, cv::Mat& labels, int& next_label) {
  for (size_t l = 1; l < regions.global.size(); ++l) {
    const int id = regions.global[l];
    if (id == 0) continue;
    // Size first: a large component can hold hundreds of regions.
    if (regions.area[l] < 2.0 * min_area || regions.area[l] > max_area || depth_px <= 0) continue;
    const cv::Rect region_box =
        (regions.bounds[l] + cv::Size(2, 2) - cv::Point(1, 1)) & cv::Rect(0, 0, labels.cols, labels.rows);
    cv::Mat roi = labels(region_box);
    const auto contour = OuterContour(roi == id, {});
    if (Solidity(contour) < so.neck_solidity) {
      cv::Mat local_labels = roi.clone();
      SplitAtNecks(local_labels, id, depth_px, next_label);
      local_labels.copyTo(roi, roi == id);
    }
  }
}

// Small dark blobs that no threshold region covers become round candidates;
// refinement then finds their real edge.
void AddBlobDiscs(const std::vector<Blob>& blobs, const cv::Mat& valid, const WorkingGrid& grid,
                  const CandidateOptions& co, cv::Mat& labels, int& next_label) {
  for (const Blob& blob : blobs) {
    const cv::Point c(int(std::lround(blob.center.x)), int(std::lround(blob.center.y)));
    if (c.x < 0 || c.y < 0 || c.x >= labels.cols || c.y >= labels.rows || labels.at<int>(c) != 0) continue;
    const int radius = int(std::lround(std::max(0.5 * blob.diameter_px * 0.8, 0.5 * grid.Px(co.min_diameter_mm) + 0.5)));
    // Only the disc's own box is touched: there can be hundreds of blobs.
    const cv::Rect box =
        cv::Rect(c.x - radius, c.y - radius, 2 * radius + 1, 2 * radius + 1) & cv::Rect(0, 0, labels.cols, labels.rows);
    cv::Mat disc = cv::Mat::zeros(box.size(), CV_8UC1);
    cv::circle(disc, c - box.tl(), radius, 255, cv::FILLED);
    disc &= (labels(box) == 0) & valid(box);
    labels(box).setTo(next_label++, disc);
  }
}

// One final region as a candidate: its outline, area, centroid and lumen level.
Candidate DescribeRegion(const cv::Mat& despeckled, const cv::Mat& labels, int id, const cv::Rect& box) {
  Candidate c;
  c.label = id;
  c.box = box;
  // The region's mask and its first moments in one pass (was a compare, then
  // cv::moments: the sums of whole coordinates are exact either way).
  cv::Mat mask(box.size(), CV_8UC1);
  int64_t count = 0, sum_x = 0, sum_y = 0;
  for (int y = 0; y < box.height; ++y) {
    const int* l = labels.ptr<int>(box.y + y) + box.x;
    uchar* out = mask.ptr<uchar>(y);
    for (int x = 0; x < box.width; ++x) {
      const bool inside = l[x] == id;
      out[x] = inside ? 255 : 0;
      count += inside;
      sum_x += inside ? x : 0;
      sum_y += inside ? y : 0;
    }
  }
  c.contour = OuterContour(mask, box.tl());
  const double m00 = double(count);
  c.area_px = m00;
  c.centroid = {box.x + double(sum_x) / m00, box.y + double(sum_y) / m00};
  c.lumen_level = MedianWhere(despeckled(box), labels(box), id);
  return c;
}

}  // namespace

CandidateMap FindDarkCandidates(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                                const WorkingGrid& grid, const CandidateOptions& co, const SplitOptions& so) {
  CV_Assert(despeckled.type() == CV_8UC1 && tissue.type() == CV_32FC1 && valid.type() == CV_8UC1);
  CandidateMap map;
  map.labels = cv::Mat::zeros(despeckled.size(), CV_32S);
  const DarkRegions dark = ThresholdDarkRegions(despeckled, tissue, valid, grid, co);
  const double min_area = AreaForDiameter(grid.Px(co.min_diameter_mm));
  const double max_area = AreaForDiameter(grid.Px(co.max_diameter_mm));
  const double depth_px = grid.Px(so.neck_depth_mm);
  const std::vector<Blob> blobs = FindDarkBlobs(despeckled, tissue, valid, grid, co);
  int next_label = 1;
  for (int e = 1; e < dark.n_extent; ++e) {
    const int area = dark.extent_stats[size_t(e)].area;
    if (area < min_area || area > 2.0 * max_area) continue;
    const cv::Rect box = dark.extent_stats[size_t(e)].box;
    const cv::Mat component = dark.extent_labels(box) == e;
    cv::Mat seeds;
    const int n_seeds = SeedComponent(dark.core, component, box, blobs, seeds);
    if (n_seeds <= 0) continue;  // no fluid core: a speckle hole or a shadow's edge
    if (n_seeds == 1) {
      seeds.setTo(1, component);
    } else {
      SplitAtSepta(despeckled(box), component, seeds, cv::mean(tissue(box), component)[0], so.septum_contrast);
    }
    const LocalRegions regions = CopyRegionsToFrame(seeds, n_seeds, box, map.labels, next_label);
    SplitNeckedRegions(regions, min_area, max_area, depth_px, so, map.labels, next_label);
  }
  AddBlobDiscs(blobs, valid, grid, co, map.labels, next_label);

  // Describe each final region; drop those outside the size range. Every label
  // lies inside the box of the extent threshold or of `valid` (blob discs).
  // (Not `valid`'s box alone: an opening with an even-sized disc is not
  // centred in OpenCV and can leave a core pixel just outside `valid`; with
  // that box the results changed.)
  const int n_labels = next_label;
  const cv::Rect label_box = dark.extent_box | cv::boundingRect(valid);
  const std::vector<LabelStats> final_stats = StatsByLabel(map.labels, n_labels, label_box);
  for (int id = 1; id < n_labels; ++id) {
    const cv::Rect& box = final_stats[size_t(id)].box;
    const int region_area = final_stats[size_t(id)].area;
    if (region_area < min_area || region_area > max_area || box.empty()) {
      if (!box.empty()) map.labels(box).setTo(0, map.labels(box) == id);
      continue;
    }
    map.candidates.push_back(DescribeRegion(despeckled, map.labels, id, box));
  }
  return map;
}

}  // namespace antra::pipeline
