#include "pipeline/candidate_model.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include <opencv2/ml.hpp>

namespace antra::pipeline {

const std::vector<std::string>& CandidateFeatureNames() {
  static const std::vector<std::string> names = {
      "diameter_mm", "solidity",   "axis_ratio",     "darkness",       "contrast",     "ring_relative",
      "border",      "posterior",  "edge_rays",      "wall_ratio",     "lumen_spread", "depth_fraction",
      "p_ovary",     "in_ovary",   "rule_confidence", "tissue_relative", "dark_neighbours", "surround_darkness"};
  return names;
}

const std::vector<std::string>& ContextJudgeFeatureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all = CandidateFeatureNames();
    for (const char* name : {"p_first", "max_p_6mm", "max_p_12mm", "max_p_25mm", "likely_12mm", "sum_p_12mm",
                             "frame_max_p", "p_of_frame_max", "frame_likely", "nearest_likely_mm"}) {
      all.emplace_back(name);
    }
    return all;
  }();
  return names;
}

cv::Mat ContextJudgeRows(const cv::Mat& rows, const std::vector<double>& first_probability,
                         const std::vector<cv::Point2d>& centres_mm) {
  CV_Assert(rows.type() == CV_32F && rows.cols == kCandidateFeatureCount);
  CV_Assert(size_t(rows.rows) == first_probability.size() && first_probability.size() == centres_mm.size());
  constexpr double kNearestCapMm = 60.0;
  const size_t n = first_probability.size();
  double frame_max = 0;
  int frame_likely = 0;
  for (double p : first_probability) {
    frame_max = std::max(frame_max, p);
    frame_likely += p >= kLikelyFollicleProbability;
  }
  cv::Mat out(rows.rows, kContextJudgeFeatureCount, CV_32F);
  for (size_t i = 0; i < n; ++i) {
    double max6 = 0, max12 = 0, max25 = 0, sum12 = 0, nearest = kNearestCapMm;
    int likely12 = 0;
    for (size_t k = 0; k < n; ++k) {
      if (k == i) continue;
      const double d = cv::norm(centres_mm[k] - centres_mm[i]);
      const double p = first_probability[k];
      if (d <= 6.0) max6 = std::max(max6, p);
      if (d <= 12.0) max12 = std::max(max12, p), sum12 += p, likely12 += p >= kLikelyFollicleProbability;
      if (d <= 25.0) max25 = std::max(max25, p);
      if (p >= kLikelyFollicleProbability) nearest = std::min(nearest, d);
    }
    const double own = first_probability[i];
    const float context[kJudgeContextFeatureCount] = {
        float(own),      float(max6),         float(max12),     float(max25),
        float(likely12), float(sum12),        float(frame_max), float(frame_max > 0 ? own / frame_max : 0.0),
        float(frame_likely), float(nearest)};
    float* row = out.ptr<float>(int(i));
    std::copy_n(rows.ptr<float>(int(i)), kCandidateFeatureCount, row);
    std::copy(std::begin(context), std::end(context), row + kCandidateFeatureCount);
  }
  return out;
}

Status CandidateModelOptions::Check() const {
  if (!(accept_probability >= 0 && accept_probability <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidate_model.accept_probability must be in 0..1");
  }
  if (!context_model.empty() && model.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "candidate_model.context_model needs candidate_model.model: the context judge reads its output");
  }
  if (!(given_ovary_accept_probability >= 0 && given_ovary_accept_probability <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidate_model.given_ovary_accept_probability must be in 0..1");
  }
  return Status::Ok();
}

cv::Mat CandidateVector(const CandidateFeatures& f, const CandidateContext& c) {
  const double tissue = std::max(1.0, f.tissue);
  const float values[kCandidateFeatureCount] = {
      float(f.diameter_mm),     float(f.solidity),       float(f.axis_ratio),      float(f.darkness),
      float(f.contrast),        float(f.ring / tissue),  float(f.border_fraction), float(f.posterior_ratio),
      float(f.edge_rays),       float(f.wall_ratio),     float(f.lumen_spread),    float(c.depth_fraction),
      float(c.ovary_probability), c.in_ovary_region ? 1.f : 0.f, float(c.rule_confidence),
      float(c.tissue_relative), float(c.dark_neighbours), float(f.surround_darkness)};
  cv::Mat row(1, kCandidateFeatureCount, CV_32F);
  std::copy(std::begin(values), std::end(values), row.ptr<float>(0));
  return row;
}

Result<std::shared_ptr<const CandidateModel>> CandidateModel::Load(const std::string& path, int feature_count) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const CandidateModel>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "candidate model not found: " + path);
  auto model = std::shared_ptr<CandidateModel>(new CandidateModel());
  if (auto loaded = LoadForests(path, "candidate model", {{"", feature_count, &model->forest_, &model->compiled_}});
      !loaded) {
    return loaded.error();
  }
  std::shared_ptr<const CandidateModel> shared = std::move(model);
  cache.emplace(path, shared);
  return shared;
}

double CandidateModel::Predict(const cv::Mat& row) const {
  return PredictRows(row).front();
}

std::vector<double> CandidateModel::PredictRows(const cv::Mat& rows) const {
  std::vector<double> out;
  if (rows.empty()) return out;
  std::vector<float> values;
  if (!compiled_ || !compiled_->Predict(rows, values)) {
    cv::Mat predicted;
    forest_->Get().predict(rows, predicted);
    values.assign(predicted.begin<float>(), predicted.end<float>());
  }
  out.reserve(values.size());
  for (float v : values) out.push_back(std::clamp(double(v), 0.0, 1.0));
  return out;
}

}  // namespace antra::pipeline
