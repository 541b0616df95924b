#include "pipeline/forest.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include <opencv2/ml.hpp>

namespace antra::pipeline {

namespace {

// Rows that reach both sides of every split: each value is a threshold of
// its variable, nudged one float step either way, or a value beyond them all.
cv::Mat ProbeRows(const std::vector<std::vector<float>>& thresholds, int count) {
  cv::RNG rng(20261124);
  cv::Mat rows(count, int(thresholds.size()), CV_32F);
  for (int r = 0; r < count; ++r) {
    for (size_t v = 0; v < thresholds.size(); ++v) {
      const auto& t = thresholds[v];
      float value = float(rng.uniform(-1.0, 1.0));
      if (!t.empty()) {
        const float c = t[size_t(rng.uniform(0, int(t.size())))];
        switch (rng.uniform(0, 4)) {
          case 0: value = c; break;
          case 1: value = std::nextafter(c, FLT_MAX); break;
          case 2: value = std::nextafter(c, -FLT_MAX); break;
          default: value = c + float(rng.uniform(-1.0, 1.0)) * (1.0f + std::abs(c)); break;
        }
      }
      rows.at<float>(r, int(v)) = value;
    }
  }
  return rows;
}

}  // namespace

std::optional<CompiledForest> CompiledForest::Compile(const cv::ml::StatModel& model) {
  const auto* trees = dynamic_cast<const cv::ml::RTrees*>(&model);
  if (!trees || !trees->isTrained() || trees->isClassifier()) return std::nullopt;
  CompiledForest forest;
  forest.var_count_ = trees->getVarCount();
  const auto& nodes = trees->getNodes();
  const auto& splits = trees->getSplits();
  forest.roots_ = trees->getRoots();
  if (forest.roots_.empty() || forest.var_count_ <= 0) return std::nullopt;
  forest.nodes_.resize(nodes.size());
  std::vector<std::vector<float>> thresholds(size_t(forest.var_count_));
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    Node& out = forest.nodes_[i];
    out.value = n.value;
    if (n.split < 0) continue;
    const auto& s = splits[size_t(n.split)];
    // Inverted splits and missing children are not reproduced. (Categorical
    // splits cannot be told from the public API: the self-check below
    // refuses them, OpenCV throwing on its non-integer probe values.)
    if (s.inversed || s.varIdx < 0 || s.varIdx >= forest.var_count_ || n.left < 0 || n.right < 0) {
      return std::nullopt;
    }
    out.var = s.varIdx;
    out.threshold = s.c;
    out.left = n.left;
    out.right = n.right;
    thresholds[size_t(s.varIdx)].push_back(s.c);
  }
  // The self-check: the same values as OpenCV, bit for bit, or not used.
  const cv::Mat probe = ProbeRows(thresholds, 512);
  cv::Mat expected;
  try {
    model.predict(probe, expected);
  } catch (const cv::Exception&) {
    return std::nullopt;
  }
  std::vector<float> got;
  if (!forest.Predict(probe, got)) return std::nullopt;
  for (int r = 0; r < probe.rows; ++r) {
    if (std::memcmp(&got[size_t(r)], expected.ptr<float>(r), sizeof(float)) != 0) return std::nullopt;
  }
  return forest;
}

bool CompiledForest::Predict(const cv::Mat& rows, std::vector<float>& out) const {
  CV_Assert(rows.empty() || (rows.type() == CV_32FC1 && rows.cols == var_count_));
  const float missing = cv::ml::TrainData::missingValue();
  for (int r = 0; r < rows.rows; ++r) {
    const float* row = rows.ptr<float>(r);
    if (std::find(row, row + rows.cols, missing) != row + rows.cols) return false;
  }
  std::vector<double> sum(size_t(rows.rows), 0.0);
  // Tree by tree: one tree's nodes stay in cache while every row walks it.
  for (const int root : roots_) {
    for (int r = 0; r < rows.rows; ++r) {
      const float* row = rows.ptr<float>(r);
      const Node* node = &nodes_[size_t(root)];
      while (node->var >= 0) node = &nodes_[size_t(row[node->var] <= node->threshold ? node->left : node->right)];
      sum[size_t(r)] += node->value;
    }
  }
  // OpenCV: (float)sum, times the float 1 / number of trees.
  const float scale = 1.f / float(int(roots_.size()));
  out.resize(size_t(rows.rows));
  for (int r = 0; r < rows.rows; ++r) out[size_t(r)] = float(sum[size_t(r)]) * scale;
  return true;
}

}  // namespace antra::pipeline
