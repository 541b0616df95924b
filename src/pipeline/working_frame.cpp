#include "pipeline/working_frame.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status WorkingOptions::Check() const {
  if (!(mm_per_px >= 0.02 && mm_per_px <= 2.0)) {
    return MakeError(ErrorCode::kInvalidArgument, "working.mm_per_px must be in 0.02..2");
  }
  if (!(uncalibrated_area_height_mm >= 10 && uncalibrated_area_height_mm <= 400)) {
    return MakeError(ErrorCode::kInvalidArgument, "working.uncalibrated_area_height_mm must be in 10..400");
  }
  if (max_side < 64 || max_side > 8192) return MakeError(ErrorCode::kInvalidArgument, "working.max_side must be in 64..8192");
  return Status::Ok();
}

WorkingGrid MakeWorkingGrid(cv::Size full, const std::optional<PixelScale>& scale, int area_height_px,
                            const WorkingOptions& options) {
  WorkingGrid grid;
  PixelScale s;
  if (scale && scale->mm_per_px_x > 0 && scale->mm_per_px_y > 0) {
    s = *scale;
  } else {
    const double assumed = options.uncalibrated_area_height_mm / std::max(16, area_height_px);
    s = {assumed, assumed};
    grid.assumed_scale = true;
  }
  // Square working pixels no finer than the requested size, nor than the finer axis.
  double side = std::max(options.mm_per_px, std::min(s.mm_per_px_x, s.mm_per_px_y));
  const double longest_mm = std::max(full.width * s.mm_per_px_x, full.height * s.mm_per_px_y);
  side = std::max(side, longest_mm / options.max_side);
  grid.mm_per_px = side;
  grid.fx = s.mm_per_px_x / side;
  grid.fy = s.mm_per_px_y / side;
  grid.size = cv::Size(std::max(1, int(std::lround(full.width * grid.fx))),
                       std::max(1, int(std::lround(full.height * grid.fy))));
  // Use the rounded size so that ToWorking/ToFull match cv::resize exactly.
  grid.fx = double(grid.size.width) / full.width;
  grid.fy = double(grid.size.height) / full.height;
  return grid;
}

namespace {

// Which source pixels one output pixel of an area resampling covers along one
// axis, and with what weight: the footprint [i * scale, (i + 1) * scale) cut
// into whole and partial source pixels, as cv::resize(INTER_AREA) cuts it
// (slivers under 1e-3 of a pixel dropped). Every output has `taps` entries,
// unused ones with weight 0, so the loops have no per-pixel branches.
struct AreaTaps {
  int taps = 0;
  std::vector<int> source;    // size() * taps source indices
  std::vector<float> weight;  // size() * taps weights, summing to 1 per output
};

AreaTaps MakeAreaTaps(int source_size, int output_size) {
  const double scale = double(source_size) / output_size;
  AreaTaps t;
  t.taps = int(std::ceil(scale)) + 1;
  t.source.assign(size_t(output_size) * size_t(t.taps), 0);
  t.weight.assign(size_t(output_size) * size_t(t.taps), 0.0f);
  for (int i = 0; i < output_size; ++i) {
    const double from = i * scale, to = from + scale;
    const double cell = std::min(scale, source_size - from);
    const int whole_to = std::min(int(std::floor(to)), source_size - 1);
    const int whole_from = std::min(int(std::ceil(from)), whole_to);
    size_t k = size_t(i) * size_t(t.taps);
    const size_t end = k + size_t(t.taps);
    auto add = [&](int index, double w) {
      if (k < end) {
        t.source[k] = index;
        t.weight[k++] = float(w / cell);
      }
    };
    if (whole_from - from > 1e-3) add(whole_from - 1, whole_from - from);
    for (int s = whole_from; s < whole_to; ++s) add(s, 1.0);
    if (to - whole_to > 1e-3) add(whole_to, std::min(std::min(to - whole_to, 1.0), cell));
    for (size_t u = k; u < end; ++u) t.source[u] = t.source[size_t(i) * size_t(t.taps)];  // weight 0
  }
  return t;
}

// Area-average downsampling of a CV_8UC1 image, done separably: the rows
// first (whole source width, contiguous, vectorised by the compiler), then
// the columns of the few rows that remain. The same footprints and weights
// as cv::resize(INTER_AREA), summed in another order (values can differ by
// one grey level where a sum falls at a half), at about a third of the cost
// of OpenCV's general non-integer path.
cv::Mat AreaDownsample(const cv::Mat& full, cv::Size size) {
  const AreaTaps rows = MakeAreaTaps(full.rows, size.height);
  const AreaTaps cols = MakeAreaTaps(full.cols, size.width);
  cv::Mat out(size, CV_8UC1);
  std::vector<float> line(size_t(full.cols));
  for (int y = 0; y < size.height; ++y) {
    std::fill(line.begin(), line.end(), 0.0f);
    for (int k = 0; k < rows.taps; ++k) {
      const size_t tap = size_t(y) * size_t(rows.taps) + size_t(k);
      const float w = rows.weight[tap];
      if (w == 0.0f) continue;
      const uchar* in = full.ptr<uchar>(rows.source[tap]);
      for (int x = 0; x < full.cols; ++x) line[size_t(x)] += w * float(in[x]);
    }
    uchar* o = out.ptr<uchar>(y);
    for (int x = 0; x < size.width; ++x) {
      const size_t first = size_t(x) * size_t(cols.taps);
      float sum = 0.0f;
      for (int k = 0; k < cols.taps; ++k) sum += cols.weight[first + size_t(k)] * line[size_t(cols.source[first + size_t(k)])];
      o[x] = cv::saturate_cast<uchar>(sum);
    }
  }
  return out;
}

// 255 where any source pixel of the output pixel's footprint is set: what
// `cv::resize(mask, INTER_AREA) > 0` gives, by a separable OR (no arithmetic).
cv::Mat AnyDownsample(const cv::Mat& mask, cv::Size size) {
  const AreaTaps rows = MakeAreaTaps(mask.rows, size.height);
  const AreaTaps cols = MakeAreaTaps(mask.cols, size.width);
  cv::Mat out(size, CV_8UC1);
  std::vector<uchar> line(size_t(mask.cols));
  // Graphics cover a few per cent of a frame: most source rows are empty,
  // and an output row whose source rows are all empty is simply cleared.
  std::vector<bool> row_set(size_t(mask.rows));
  for (int y = 0; y < mask.rows; ++y) row_set[size_t(y)] = cv::countNonZero(mask.row(y)) > 0;
  for (int y = 0; y < size.height; ++y) {
    uchar* o = out.ptr<uchar>(y);
    bool any_row = false;
    std::fill(line.begin(), line.end(), uchar(0));
    for (int k = 0; k < rows.taps; ++k) {
      const size_t tap = size_t(y) * size_t(rows.taps) + size_t(k);
      if (rows.weight[tap] == 0.0f || !row_set[size_t(rows.source[tap])]) continue;
      any_row = true;
      const uchar* in = mask.ptr<uchar>(rows.source[tap]);
      for (int x = 0; x < mask.cols; ++x) line[size_t(x)] |= in[x];
    }
    if (!any_row) {
      std::fill(o, o + size.width, uchar(0));
      continue;
    }
    for (int x = 0; x < size.width; ++x) {
      const size_t first = size_t(x) * size_t(cols.taps);
      uchar any = 0;
      for (int k = 0; k < cols.taps; ++k) {
        if (cols.weight[first + size_t(k)] != 0.0f) any |= line[size_t(cols.source[first + size_t(k)])];
      }
      o[x] = any ? 255 : 0;
    }
  }
  return out;
}

bool Shrinking(const WorkingGrid& grid) { return grid.fx <= 1.0 && grid.fy <= 1.0; }

}  // namespace

cv::Mat ToWorking(const cv::Mat& full, const WorkingGrid& grid) {
  CV_Assert(full.type() == CV_8UC1);
  if (Shrinking(grid)) return AreaDownsample(full, grid.size);
  cv::Mat out;
  cv::resize(full, out, grid.size, 0, 0, cv::INTER_LINEAR);
  return out;
}

cv::Mat MaskToWorking(const cv::Mat& mask, const WorkingGrid& grid) {
  CV_Assert(mask.type() == CV_8UC1);
  if (Shrinking(grid)) return AnyDownsample(mask, grid.size);
  cv::Mat out;
  cv::resize(mask, out, grid.size, 0, 0, cv::INTER_LINEAR);
  return out > 0;
}

Status DespeckleOptions::Check() const {
  if (!(median_mm >= 0 && median_mm <= 5)) return MakeError(ErrorCode::kInvalidArgument, "despeckle.median_mm must be in 0..5");
  if (!(gaussian_sigma_mm >= 0 && gaussian_sigma_mm <= 5)) {
    return MakeError(ErrorCode::kInvalidArgument, "despeckle.gaussian_sigma_mm must be in 0..5");
  }
  return Status::Ok();
}

cv::Mat Despeckle(const cv::Mat& working, const WorkingGrid& grid, const DespeckleOptions& options) {
  CV_Assert(working.type() == CV_8UC1);
  cv::Mat out = working.clone();
  const int median = int(std::lround(grid.Px(options.median_mm))) | 1;
  if (median >= 3) cv::medianBlur(out, out, std::min(median, 15));
  const double sigma = grid.Px(options.gaussian_sigma_mm);
  if (sigma >= 0.3) cv::GaussianBlur(out, out, {}, sigma, sigma, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace antra::pipeline
