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

// The longest path from `root` to a leaf, in steps (iterative: no recursion
// depth limit on deep trees); -1 when a node is reached twice, across all
// the trees checked with the same `seen` (not a forest of trees: a damaged
// model file, where walking every path could take exponential time).
int TreeDepth(const std::vector<cv::ml::DTrees::Node>& nodes, int root, std::vector<bool>& seen) {
  int deepest = 0;
  std::vector<std::pair<int, int>> stack{{root, 0}};
  while (!stack.empty()) {
    const auto [index, depth] = stack.back();
    stack.pop_back();
    if (seen[size_t(index)]) return -1;
    seen[size_t(index)] = true;
    const auto& n = nodes[size_t(index)];
    if (n.split < 0) {
      deepest = std::max(deepest, depth);
      continue;
    }
    stack.emplace_back(n.left, depth + 1);
    stack.emplace_back(n.right, depth + 1);
  }
  return deepest;
}

}  // namespace

std::optional<CompiledForest> CompiledForest::Compile(const cv::ml::StatModel& model) {
  const auto* trees = dynamic_cast<const cv::ml::RTrees*>(&model);
  if (!trees || !trees->isTrained() || trees->isClassifier()) return std::nullopt;
  CompiledForest forest;
  forest.var_count_ = trees->getVarCount();
  const auto& nodes = trees->getNodes();
  const auto& splits = trees->getSplits();
  const std::vector<int>& roots = trees->getRoots();
  if (roots.empty() || forest.var_count_ <= 0) return std::nullopt;
  forest.nodes_.resize(nodes.size());
  forest.values_.assign(nodes.size(), 0.0);
  std::vector<std::vector<float>> thresholds(size_t(forest.var_count_));
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    Node& out = forest.nodes_[i];
    if (n.split < 0) {
      out.child[0] = out.child[1] = int(i);  // a leaf: stay
      forest.values_[i] = n.value;
      continue;
    }
    const auto& s = splits[size_t(n.split)];
    // Inverted splits and missing children are not reproduced. (Categorical
    // splits cannot be told from the public API: the self-check below
    // refuses them, OpenCV throwing on its non-integer probe values.)
    if (s.inversed || s.varIdx < 0 || s.varIdx >= forest.var_count_ || n.left < 0 || n.right < 0 ||
        size_t(n.left) >= nodes.size() || size_t(n.right) >= nodes.size()) {
      return std::nullopt;
    }
    out.var = s.varIdx;
    out.threshold = s.c;
    out.child[0] = n.left;
    out.child[1] = n.right;
    thresholds[size_t(s.varIdx)].push_back(s.c);
  }
  std::vector<bool> seen(nodes.size(), false);
  for (const int root : roots) {
    if (root < 0 || size_t(root) >= nodes.size()) return std::nullopt;
    const int depth = TreeDepth(nodes, root, seen);
    if (depth < 0) return std::nullopt;
    forest.trees_.push_back({root, depth});
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
  // Rows walk in blocks, interleaved and without branches (a split's side is
  // a coin toss for the branch predictor): the block's independent chains of
  // loads overlap. Each row still adds its leaf's value in tree order, so
  // the sums are the same doubles as before.
  constexpr int kBlock = 16;
  const Node* nodes = nodes_.data();
  for (const Tree& tree : trees_) {
    for (int first = 0; first < rows.rows; first += kBlock) {
      const int count = std::min(kBlock, rows.rows - first);
      int at[kBlock];
      const float* row[kBlock];
      for (int k = 0; k < kBlock; ++k) {
        // A short last block repeats its last row (its results are not used).
        row[k] = rows.ptr<float>(first + std::min(k, count - 1));
        at[k] = tree.root;
      }
      for (int step = 0; step < tree.depth; ++step) {
        for (int k = 0; k < kBlock; ++k) {
          const Node& n = nodes[at[k]];
          at[k] = n.child[!(row[k][n.var] <= n.threshold)];
        }
      }
      for (int k = 0; k < count; ++k) sum[size_t(first + k)] += values_[size_t(at[k])];
    }
  }
  // OpenCV: (float)sum, times the float 1 / number of trees.
  const float scale = 1.f / float(int(trees_.size()));
  out.resize(size_t(rows.rows));
  for (int r = 0; r < rows.rows; ++r) out[size_t(r)] = float(sum[size_t(r)]) * scale;
  return true;
}

}  // namespace antra::pipeline
