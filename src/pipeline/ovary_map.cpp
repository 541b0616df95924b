#include "pipeline/ovary_map.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <opencv2/imgproc.hpp>
#include <opencv2/ml.hpp>

namespace antra::pipeline {

const std::vector<std::string>& OvaryFeatureNames() {
  static const std::vector<std::string> names = {
      "mean_2mm",     "mean_6mm",      "mean_14mm",     "mean_26mm",    "std_6mm",
      "std_14mm",     "centre_surround", "dark_10mm",   "dark_26mm",    "candidates_10mm",
      "candidates_26mm", "tissue_level", "depth_fraction", "lateral_fraction", "border_mm",
      "depth_mm",     "valid_fraction", "mean_6_minus_26", "dark_2mm",  "std_26mm"};
  return names;
}

Status OvaryMapOptions::Check() const {
  if (!(cell_mm >= 0.5 && cell_mm <= 10)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map.cell_mm must be in 0.5..10");
  if (!(dark_ratio > 0 && dark_ratio < 1)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map.dark_ratio must be in (0, 1)");
  for (double p : {region_threshold, region_relative, accept_probability, keep_elsewhere_probability}) {
    if (!(p >= 0 && p <= 1)) return MakeError(ErrorCode::kInvalidArgument, "ovary_map probabilities must be in 0..1");
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
          dark2.at<float>(y, x), std26.at<float>(y, x)};
      std::copy(std::begin(values), std::end(values), f);
    }
  }
  return cells;
}

Result<std::shared_ptr<const OvaryModel>> OvaryModel::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "ovary model not found: " + path);
  auto model = std::shared_ptr<OvaryModel>(new OvaryModel());
  try {
    model->model_ = cv::Algorithm::load<cv::ml::RTrees>(path);
  } catch (const cv::Exception& e) {
    return MakeError(ErrorCode::kCorrupt, "ovary model " + path + " cannot be read: " + e.what());
  }
  if (!model->model_ || !model->model_->isTrained() || model->model_->getVarCount() != kOvaryFeatureCount) {
    return MakeError(ErrorCode::kCorrupt, "ovary model " + path + " is not a trained " +
                                              std::to_string(kOvaryFeatureCount) + "-feature model");
  }
  return std::shared_ptr<const OvaryModel>(std::move(model));
}

cv::Mat OvaryModel::Predict(const OvaryCells& cells) const {
  cv::Mat probability(cells.grid, CV_32F, cv::Scalar(0));
  if (cells.features.empty()) return probability;
  cv::Mat out;
  model_->predict(cells.features, out);
  for (int y = 0; y < cells.grid.height; ++y) {
    for (int x = 0; x < cells.grid.width; ++x) {
      if (cells.usable.at<uchar>(y, x)) {
        probability.at<float>(y, x) = std::clamp(out.at<float>(y * cells.grid.width + x), 0.0f, 1.0f);
      }
    }
  }
  return probability;
}

}  // namespace antra::pipeline
