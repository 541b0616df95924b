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

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

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

  // The packed form (native byte order), for compiled forest files below.
  void AppendTo(std::string& bytes) const;
  // Reads one forest from `bytes` at `at` (advanced past it). Checks every
  // index and walks every tree (a node reached twice is refused), so a
  // damaged file can neither read out of bounds nor loop. Empty, with the
  // reason in `why`, when the bytes are not a valid forest.
  static std::optional<CompiledForest> Parse(std::string_view bytes, size_t& at, std::string& why);

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

// Compiled forest files. OpenCV parses the judge's 17 MB of YAML in about
// 130 ms, a tenth of a 60-frame sweep's time budget, paid by every process
// that analyses anything. So beside each model file "<name>.yml.gz" sits
// "<name>.forest": the model's compiled forests, packed, stamped with a
// fingerprint of the model file's bytes and a checksum of their own; it
// loads in a few milliseconds. A forest file that is missing, damaged or
// stale (the model file was retrained after it) is not used: the model file
// is then parsed and compiled as before, so results never depend on it.
// The trainers write both; `antra-compile-forest` rewrites one.

// FNV-1a (64-bit), continuing from `hash`: the forest file's checksum and
// its model fingerprint are this hash.
inline constexpr std::uint64_t kFnv1aStart = 1469598103934665603ull;
std::uint64_t Fnv1a(std::string_view bytes, std::uint64_t hash = kFnv1aStart);

// "<model minus .yml.gz/.yml/.xml.gz/.xml>.forest".
std::string CompiledForestPath(const std::string& model_path);
// FNV-1a (64-bit) of a file's bytes.
Result<std::uint64_t> FileFingerprint(const std::string& path);
// Parses `model_path` with OpenCV, compiles the forest under each of
// `nodes` ("" = the file's top-level model) and writes the forest file
// atomically. Fails when OpenCV cannot read a node or the compiler refuses it.
Status WriteCompiledForestFile(const std::string& model_path, const std::vector<std::string>& nodes);
// The forests of `model_path`'s forest file when it exists, is intact, was
// compiled from the model file as it is now, and holds one forest per
// expected variable count; otherwise an error saying why (not fatal: parse
// the model file then).
Result<std::vector<CompiledForest>> ReadCompiledForestFile(const std::string& model_path,
                                                           const std::vector<int>& var_counts);
// The same from the forest file's bytes, given the model file's fingerprint
// (`var_counts` empty: any number of forests of any width; the fuzz target).
Result<std::vector<CompiledForest>> ParseCompiledForests(std::string_view bytes, std::uint64_t model_fingerprint,
                                                         const std::vector<int>& var_counts);

// An OpenCV forest parsed from its model file only when first needed: with a
// compiled forest file the OpenCV model is needed only for rows holding
// OpenCV's missing-value marker, which the pipeline's features never do.
class LazyForest {
 public:
  LazyForest(std::string path, std::string node) : path_(std::move(path)), node_(std::move(node)) {}
  explicit LazyForest(cv::Ptr<cv::ml::StatModel> loaded);
  // Throws std::runtime_error when the file can no longer be read (it was
  // read or fingerprinted when the model was loaded).
  const cv::ml::StatModel& Get() const;

 private:
  std::string path_, node_;
  mutable std::once_flag once_;
  mutable cv::Ptr<cv::ml::StatModel> model_;
};

// One forest of a model file, and where the loader puts it.
struct ForestSlot {
  std::string node;  // top-level node in the model file ("" = the file's model)
  int var_count = 0;
  std::optional<LazyForest>* opencv = nullptr;
  std::optional<CompiledForest>* compiled = nullptr;
};
// Loads every slot's forest from `path`: from its compiled forest file when
// that is intact and current, else parsed by OpenCV (each forest must be
// trained and `var_count` wide) and compiled. `what` names the model in the
// error ("candidate model").
Status LoadForests(const std::string& path, const std::string& what, const std::vector<ForestSlot>& slots);

}  // namespace antra::pipeline
