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

Status CandidateModelOptions::Check() const {
  if (!(accept_probability >= 0 && accept_probability <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "candidate_model.accept_probability must be in 0..1");
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

Result<std::shared_ptr<const CandidateModel>> CandidateModel::Load(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const CandidateModel>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "candidate model not found: " + path);
  auto model = std::shared_ptr<CandidateModel>(new CandidateModel());
  if (auto loaded = LoadForests(path, "candidate model", {{"", kCandidateFeatureCount, &model->forest_, &model->compiled_}});
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
