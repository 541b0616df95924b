#pragma once
// A faster evaluator for the trained regression forests (OpenCV RTrees) of
// the candidate judge and the ovary map, giving bit-for-bit the values
// cv::ml::RTrees::predict gives.
//
// Why: OpenCV walks each row through all trees in turn, so a 100-tree,
// depth-16 forest (megabytes of nodes) is brought through the cache once per
// row; at 124 candidates a frame the judge cost 2 ms, the ovary map's two
// forests 2.5 ms. Here the nodes are packed (one 24-byte record, children
// adjacent) and the rows are walked tree by tree, so each tree is fetched
// once per frame. Each row's leaf values are still added in tree order in
// double and scaled as OpenCV does, so the sums are the same.
//
// Only what the project's models use is reproduced: regression, ordered
// (numeric) splits, no missing values. Compile() refuses anything else, and
// checks itself against OpenCV on rows built around the model's own split
// thresholds; the callers fall back to OpenCV when it refuses.

#include <optional>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace cv::ml {
class StatModel;
}

namespace antra::pipeline {

class CompiledForest {
 public:
  // Empty when `model` is not an RTrees regressor this evaluator reproduces exactly.
  static std::optional<CompiledForest> Compile(const cv::ml::StatModel& model);
  // One value per row of `rows` (CV_32F, var_count() columns), as
  // model.predict(rows, results) would give. Returns false (and leaves `out`
  // alone) when a row holds OpenCV's missing-value marker: use the model then.
  bool Predict(const cv::Mat& rows, std::vector<float>& out) const;
  int var_count() const { return var_count_; }

 private:
  // 16 bytes. A leaf points to itself on both sides (and tests variable 0),
  // so a walk that has reached its leaf stays there: rows can take a tree's
  // full depth of steps with no per-step test for "at a leaf yet".
  struct Node {
    float threshold = 0;  // go to child[0] when value <= threshold, else child[1]
    int var = 0;
    int child[2] = {0, 0};
  };
  struct Tree {
    int root = 0;
    int depth = 0;  // the longest root-to-leaf path, in steps
  };
  std::vector<Node> nodes_;
  std::vector<double> values_;  // leaf value of each node (0 for splits)
  std::vector<Tree> trees_;
  int var_count_ = 0;
};

}  // namespace antra::pipeline
