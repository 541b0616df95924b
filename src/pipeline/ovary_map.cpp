#include "pipeline/ovary_map.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

namespace antra::pipeline {

const std::vector<std::string>& OvaryFeatureNames() {
  static const std::vector<std::string> names = {
      "mean_2mm",     "mean_6mm",      "mean_14mm",     "mean_26mm",    "std_6mm",
      "std_14mm",     "centre_surround", "dark_10mm",   "dark_26mm",    "candidates_10mm",
      "candidates_26mm", "tissue_level", "depth_fraction", "lateral_fraction", "border_mm",
      "depth_mm",     "valid_fraction", "mean_6_minus_26", "dark_2mm",  "std_26mm",
      "above_8mm",    "below_8mm",     "left_8mm",      "right_8mm",    "above_16mm",
      "below_16mm",   "left_16mm",     "right_16mm",
      "p1",           "p1_6mm",        "p1_14mm",       "p1_26mm",      "p1_frame_max",
      "p1_relative",  "p1_above_10mm", "p1_below_10mm", "p1_left_10mm", "p1_right_10mm"};
  return names;
}

Status OvaryMapOptions::Check() const {
  if (!(cell_mm >= 0.5 && cell_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map.cell_mm must be in 0.5..10");
  if (!(dark_ratio > 0 && dark_ratio < 1)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map.dark_ratio must be in (0, 1)");
  for (double p : {region_threshold, region_relative, accept_probability, keep_elsewhere_probability}) {
    if (!(p >= 0 && p <= 1)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map probabilities must be in 0..1");
  }
  if (!(candidate_weight >= 0 && candidate_weight <= 100)) {
    return MakeError(ErrorCode::kInvalidArgument, "ovary_map.candidate_weight must be in 0..100");
  }
  if (!(smooth_cells >= 0 && smooth_cells <= 10)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map.smooth_cells must be in 0..10");
  return Status::Ok();
}

namespace {

// Weighted box mean over k x k cells (k odd); cells with no weight get 0.
cv::Mat BoxMean(const cv::Mat& weighted_sum, const cv::Mat& weight, int k) {
  if (k <= 1) {
    cv::Mat out;
    cv::divide(weighted_sum, cv::max(weight, 1e-6f), out);
    return out;
  }
  cv::Mat num, den, out;
  cv::boxFilter(weighted_sum, num, CV_32F, {k, k}, {-1, -1}, false, cv::BORDER_CONSTANT);
  cv::boxFilter(weight, den, CV_32F, {k, k}, {-1, -1}, false, cv::BORDER_CONSTANT);
  cv::divide(num, cv::max(den, 1e-6f), out);
  return out;
}

float Median(const cv::Mat& values, const cv::Mat& mask) {
  std::vector<float> v;
  for (int y = 0; y < values.rows; ++y) {
    for (int x = 0; x < values.cols; ++x) {
      if (mask.at<uchar>(y, x)) v.push_back(values.at<float>(y, x));
    }
  }
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

OvaryCells DescribeOvaryCells(const cv::Mat& despeckled, const cv::Mat& tissue, const cv::Mat& valid,
                              const cv::Mat& candidates, const WorkingGrid& grid, const OvaryMapOptions& o) {
  OvaryCells cells;
  const int c = std::max(2, int(std::lround(grid.Px(o.cell_mm))));
  cells.cell_px = c;
  cells.grid = cv::Size((despeckled.cols + c - 1) / c, (despeckled.rows + c - 1) / c);
  const cv::Size g = cells.grid;
  const double cell_mm = grid.Mm(c);
  auto cells_for = [&](double mm) { return std::max(1, int(std::lround(mm / cell_mm))) | 1; };

  // Pad to whole cells so that each cell is exactly c x c working pixels, then
  // average each quantity over the cells (8-bit area averaging: fast).
  const int pad_x = g.width * c - despeckled.cols, pad_y = g.height * c - despeckled.rows;
  auto cell_mean = [&](const cv::Mat& m, double scale) {
    cv::Mat padded, small, out;
    cv::copyMakeBorder(m, padded, 0, pad_y, 0, pad_x, cv::BORDER_CONSTANT, 0);
    cv::resize(padded, small, g, 0, 0, cv::INTER_AREA);
    small.convertTo(out, CV_32F, scale);
    return out;
  };
  cv::Mat dark_threshold;
  tissue.convertTo(dark_threshold, CV_8U, o.dark_ratio);
  const cv::Mat w = cell_mean(valid, 1.0 / 255.0);
  const cv::Mat s1 = cell_mean(despeckled & valid, 1.0);
  const cv::Mat sd = cell_mean((despeckled < dark_threshold) & valid, 1.0 / 255.0);
  const cv::Mat sc = cell_mean(candidates & valid, 1.0 / 255.0);
  const cv::Mat st = cell_mean(tissue, 1.0);
  cells.usable = w > 0.5f;
  const cv::Mat cell_tissue = st;
  const cv::Mat cell_image = BoxMean(s1, w, 1);
  const cv::Mat s2 = cell_image.mul(cell_image).mul(w);  // for the spread of cell means
  float level = Median(cell_tissue, cells.usable);
  if (level <= 1.0f) level = std::max(1.0f, Median(cell_image, cells.usable));

  const int k2 = 1, k6 = cells_for(6), k10 = cells_for(10), k14 = cells_for(14), k26 = cells_for(26);
  const cv::Mat mean2 = cell_image / level, mean6 = BoxMean(s1, w, k6) / level;
  const cv::Mat mean14 = BoxMean(s1, w, k14) / level, mean26 = BoxMean(s1, w, k26) / level;
  auto stddev = [&](int k) {
    cv::Mat m = BoxMean(s1, w, k), m2 = BoxMean(s2, w, k), var = m2 - m.mul(m), out;
    cv::sqrt(cv::max(var, 0.0f), out);
    return cv::Mat(out / level);
  };
  const cv::Mat std6 = stddev(k6), std14 = stddev(k14), std26 = stddev(k26);
  const cv::Mat dark2 = BoxMean(sd, w, k2), dark10 = BoxMean(sd, w, k10), dark26 = BoxMean(sd, w, k26);
  const cv::Mat cand10 = BoxMean(sc, w, k10), cand26 = BoxMean(sc, w, k26);
  // Place in the image area.
  const cv::Rect area = cv::boundingRect(cells.usable);
  cv::Mat border;
  cv::Mat padded;
  cv::copyMakeBorder(cells.usable, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, 0);
  cv::distanceTransform(padded, border, cv::DIST_L2, 3);
  border = border(cv::Rect(1, 1, g.width, g.height)) * cell_mm;

  // What lies 8 and 16 mm above, below and beside (6 mm means; 0 off the grid).
  auto at = [&](const cv::Mat& m, int x, int y) {
    return (x >= 0 && y >= 0 && x < m.cols && y < m.rows) ? m.at<float>(y, x) : 0.0f;
  };
  const int o8 = std::max(1, int(std::lround(8.0 / cell_mm))), o16 = std::max(1, int(std::lround(16.0 / cell_mm)));
  cells.features = cv::Mat(g.area(), kOvaryFeatureCount, CV_32F, cv::Scalar(0));
  for (int y = 0; y < g.height; ++y) {
    for (int x = 0; x < g.width; ++x) {
      float* f = cells.features.ptr<float>(y * g.width + x);
      const float depth = area.height > 0 ? float(y - area.y + 0.5f) / area.height : 0.f;
      const float lateral = area.width > 0 ? std::abs(float(x + 0.5f - (area.x + area.width / 2.0f))) / (area.width / 2.0f) : 0.f;
      const float values[kOvaryFeatureCount] = {
          mean2.at<float>(y, x),  mean6.at<float>(y, x),  mean14.at<float>(y, x), mean26.at<float>(y, x),
          std6.at<float>(y, x),   std14.at<float>(y, x),
          mean6.at<float>(y, x) / std::max(0.05f, mean26.at<float>(y, x)),
          dark10.at<float>(y, x), dark26.at<float>(y, x), cand10.at<float>(y, x), cand26.at<float>(y, x),
          cell_tissue.at<float>(y, x) / level, depth, lateral, std::min(40.0f, border.at<float>(y, x)),
          float((y - area.y + 0.5) * cell_mm), w.at<float>(y, x), mean6.at<float>(y, x) - mean26.at<float>(y, x),
          dark2.at<float>(y, x), std26.at<float>(y, x),
          at(mean6, x, y - o8), at(mean6, x, y + o8), at(mean6, x - o8, y), at(mean6, x + o8, y),
          at(mean6, x, y - o16), at(mean6, x, y + o16), at(mean6, x - o16, y), at(mean6, x + o16, y)};
      std::copy(std::begin(values), std::end(values), f);
    }
  }
  return cells;
}

cv::Mat ToProbabilityGrid(const OvaryCells& cells, const cv::Mat& predictions) {
  cv::Mat probability(cells.grid, CV_32F, cv::Scalar(0));
  for (int y = 0; y < cells.grid.height; ++y) {
    for (int x = 0; x < cells.grid.width; ++x) {
      if (cells.usable.at<uchar>(y, x)) {
        probability.at<float>(y, x) = std::clamp(predictions.at<float>(y * cells.grid.width + x), 0.0f, 1.0f);
      }
    }
  }
  return probability;
}

cv::Mat ContextFeatures(const OvaryCells& cells, const cv::Mat& p1) {
  const cv::Size g = cells.grid;
  cv::Mat weight;
  cells.usable.convertTo(weight, CV_32F, 1.0 / 255.0);
  const cv::Mat weighted = p1.mul(weight);
  const double cell_mm = 2.0;  // features are defined on 2 mm cells
  auto cells_for = [&](double mm) { return std::max(1, int(std::lround(mm / cell_mm))) | 1; };
  const cv::Mat p6 = BoxMean(weighted, weight, cells_for(6)), p14 = BoxMean(weighted, weight, cells_for(14));
  const cv::Mat p26 = BoxMean(weighted, weight, cells_for(26));
  double highest = 0;
  cv::minMaxLoc(p1, nullptr, &highest);
  cv::Mat out(g.area(), kOvaryContextFeatureCount, CV_32F);
  for (int y = 0; y < g.height; ++y) {
    for (int x = 0; x < g.width; ++x) {
      const int row = y * g.width + x;
      float* f = out.ptr<float>(row);
      std::copy(cells.features.ptr<float>(row), cells.features.ptr<float>(row) + kOvaryFeatureCount, f);
      const float p = p1.at<float>(y, x);
      f[kOvaryFeatureCount + 0] = p;
      f[kOvaryFeatureCount + 1] = p6.at<float>(y, x);
      f[kOvaryFeatureCount + 2] = p14.at<float>(y, x);
      f[kOvaryFeatureCount + 3] = p26.at<float>(y, x);
      f[kOvaryFeatureCount + 4] = float(highest);
      f[kOvaryFeatureCount + 5] = highest > 0 ? float(p / highest) : 0.f;
      auto p6_at = [&](int dx, int dy) {
        const int xx = x + dx, yy = y + dy;
        return (xx >= 0 && yy >= 0 && xx < g.width && yy < g.height) ? p6.at<float>(yy, xx) : 0.0f;
      };
      const int o10 = cells_for(10) / 2 + 1;
      f[kOvaryFeatureCount + 6] = p6_at(0, -o10);
      f[kOvaryFeatureCount + 7] = p6_at(0, o10);
      f[kOvaryFeatureCount + 8] = p6_at(-o10, 0);
      f[kOvaryFeatureCount + 9] = p6_at(o10, 0);
    }
  }
  return out;
}

Result<std::shared_ptr<const OvaryModel>> OvaryModel::Load(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const OvaryModel>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "ovary model not found: " + path);
  auto model = std::shared_ptr<OvaryModel>(new OvaryModel());
  const Status loaded = LoadForests(path, "ovary model",
                                    {{"stage1", kOvaryFeatureCount, &model->stage1_, &model->compiled1_},
                                     {"stage2", kOvaryContextFeatureCount, &model->stage2_, &model->compiled2_}});
  if (!loaded) return loaded.error();
  std::shared_ptr<const OvaryModel> shared = std::move(model);
  cache.emplace(path, shared);
  return shared;
}

namespace {

// Predicts only the usable cells' rows (the rest stay 0): half the cost on a fan.
cv::Mat PredictUsable(const LazyForest& model, const std::optional<CompiledForest>& compiled,
                      const OvaryCells& cells, const cv::Mat& features) {
  cv::Mat rows;
  std::vector<int> index;
  for (int i = 0; i < features.rows; ++i) {
    if (cells.usable.at<uchar>(i / cells.grid.width, i % cells.grid.width)) {
      rows.push_back(features.row(i));
      index.push_back(i);
    }
  }
  cv::Mat all(features.rows, 1, CV_32F, cv::Scalar(0));
  if (rows.empty()) return all;
  std::vector<float> predicted;
  if (!compiled || !compiled->Predict(rows, predicted)) {
    cv::Mat by_model;
    model.Get().predict(rows, by_model);
    predicted.assign(by_model.begin<float>(), by_model.end<float>());
  }
  for (size_t k = 0; k < index.size(); ++k) all.at<float>(index[k]) = predicted[k];
  return all;
}

}  // namespace

cv::Mat OvaryModel::Predict(const OvaryCells& cells) const {
  if (cells.features.empty()) return cv::Mat(cells.grid, CV_32F, cv::Scalar(0));
  const cv::Mat p1 = ToProbabilityGrid(cells, PredictUsable(*stage1_, compiled1_, cells, cells.features));
  return ToProbabilityGrid(cells, PredictUsable(*stage2_, compiled2_, cells, ContextFeatures(cells, p1)));
}

}  // namespace antra::pipeline
