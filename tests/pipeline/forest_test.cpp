// CompiledForest must give exactly what OpenCV's RTrees gives, and must refuse
// what it does not reproduce.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/ml.hpp>

#include "pipeline/candidate_model.h"
#include "pipeline/forest.h"
#include "pipeline/ovary_map.h"
#include "pipeline/presets.h"
#include "support/test_support.h"

namespace antra::pipeline {
namespace {

// Rows of `vars` features, the response a noisy non-linear function of them.
void MakeData(int rows, int vars, unsigned seed, cv::Mat& samples, cv::Mat& responses) {
  cv::RNG rng(seed);
  samples.create(rows, vars, CV_32F);
  responses.create(rows, 1, CV_32F);
  for (int r = 0; r < rows; ++r) {
    for (int v = 0; v < vars; ++v) samples.at<float>(r, v) = float(rng.uniform(-3.0, 3.0));
    const float* x = samples.ptr<float>(r);
    responses.at<float>(r) = float((x[0] * x[1] > 0 ? 1.0 : 0.0) + 0.3 * std::sin(x[2]) + rng.gaussian(0.1));
  }
}

cv::Ptr<cv::ml::RTrees> TrainForest(bool classifier) {
  cv::Mat samples, responses;
  MakeData(600, 6, 7, samples, responses);
  auto forest = cv::ml::RTrees::create();
  forest->setMaxDepth(10);
  forest->setMinSampleCount(2);
  forest->setRegressionAccuracy(0.0f);
  forest->setTermCriteria({cv::TermCriteria::MAX_ITER, 40, 0});
  if (classifier) {
    cv::Mat labels;
    responses.convertTo(labels, CV_32S);  // 0 / 1 (and a few -1, 2): categorical response
    forest->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, labels));
  } else {
    forest->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, responses));
  }
  return forest;
}

void ExpectSameAsOpenCv(const cv::ml::StatModel& model, const CompiledForest& compiled, const cv::Mat& rows) {
  cv::Mat expected;
  model.predict(rows, expected);
  std::vector<float> got;
  ASSERT_TRUE(compiled.Predict(rows, got));
  ASSERT_EQ(int(got.size()), rows.rows);
  int differing = 0;
  for (int r = 0; r < rows.rows; ++r) differing += std::memcmp(&got[size_t(r)], expected.ptr<float>(r), sizeof(float)) != 0;
  EXPECT_EQ(differing, 0) << "rows whose value is not bit-identical to OpenCV's";
}

TEST(CompiledForest, RegressionForestGivesOpenCvsValuesBitForBit) {
  const auto forest = TrainForest(false);
  const auto compiled = CompiledForest::Compile(*forest);
  ASSERT_TRUE(compiled.has_value());
  EXPECT_EQ(compiled->var_count(), 6);
  cv::Mat rows, unused;
  MakeData(2000, 6, 99, rows, unused);  // rows never seen in training
  ExpectSameAsOpenCv(*forest, *compiled, rows);
  // The values vary (a constant forest would pass trivially).
  std::vector<float> got;
  ASSERT_TRUE(compiled->Predict(rows, got));
  EXPECT_GT(*std::max_element(got.begin(), got.end()) - *std::min_element(got.begin(), got.end()), 0.5f);
}

TEST(CompiledForest, RefusesClassifiers) {
  const auto forest = TrainForest(true);
  ASSERT_TRUE(forest->isClassifier());
  EXPECT_FALSE(CompiledForest::Compile(*forest).has_value());
}

TEST(CompiledForest, HandsRowsWithMissingValuesBack) {
  const auto forest = TrainForest(false);
  const auto compiled = CompiledForest::Compile(*forest);
  ASSERT_TRUE(compiled.has_value());
  cv::Mat rows(2, 6, CV_32F, cv::Scalar(0.5));
  rows.at<float>(1, 3) = cv::ml::TrainData::missingValue();
  std::vector<float> got = {42.f};
  EXPECT_FALSE(compiled->Predict(rows, got));
  EXPECT_EQ(got, std::vector<float>{42.f});
  std::vector<float> none;
  EXPECT_TRUE(compiled->Predict(cv::Mat(), none));
  EXPECT_TRUE(none.empty());
}

// The shipped models are the ones that matter: each must compile (else the
// pipeline silently runs at OpenCV's speed) and agree with OpenCV.
TEST(CompiledForest, ShippedModelsCompileAndAgree) {
  struct Shipped {
    const char* file;
    const char* node;  // "" = the file's only model
    int vars;
  };
  for (const Shipped& m : {Shipped{"candidates-rtrees.yml.gz", "", 18},
                           Shipped{"candidates-context-rtrees.yml.gz", "", kContextJudgeFeatureCount},
                           Shipped{"ovary-rtrees.yml.gz", "stage1", kOvaryFeatureCount},
                           Shipped{"ovary-rtrees.yml.gz", "stage2", kOvaryContextFeatureCount}}) {
    SCOPED_TRACE(std::string(m.file) + " " + m.node);
    const std::string path = (ModelsDir() / m.file).string();
    const auto model = cv::Algorithm::load<cv::ml::RTrees>(path, m.node);
    ASSERT_TRUE(model && model->isTrained());
    const auto compiled = CompiledForest::Compile(*model);
    ASSERT_TRUE(compiled.has_value());
    EXPECT_EQ(compiled->var_count(), m.vars);
    cv::Mat rows(500, m.vars, CV_32F);
    cv::randu(rows, -1.0, 3.0);
    ExpectSameAsOpenCv(*model, *compiled, rows);
  }
}

// Compiled forest files (models/*.forest).

std::uint64_t Fnv1a(const std::string& bytes) {
  std::uint64_t hash = 1469598103934665603ull;
  for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

// Replaces a file's trailing checksum with the right one for its new bytes,
// as a careless or hostile writer could.
void Reseal(const std::filesystem::path& path, std::string bytes) {
  bytes.resize(bytes.size() - 8);
  const std::uint64_t sum = Fnv1a(bytes);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  test::WriteBytes(path, bytes);
}

struct ForestFileFixture {
  test::TempDir dir{"forest-file"};
  std::string model = (dir / "judge.yml.gz").string();
  cv::Ptr<cv::ml::RTrees> forest = TrainForest(false);
  ForestFileFixture() {
    forest->save(model);
    EXPECT_TRUE(WriteCompiledForestFile(model, {""}));
  }
};

TEST(CompiledForestFile, RoundTripGivesOpenCvsValuesBitForBit) {
  ForestFileFixture f;
  EXPECT_EQ(CompiledForestPath(f.model), (f.dir / "judge.forest").string());
  auto read = ReadCompiledForestFile(f.model, {6});
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_EQ(read->size(), 1u);
  cv::Mat rows, unused;
  MakeData(2000, 6, 99, rows, unused);
  ExpectSameAsOpenCv(*f.forest, read->front(), rows);
}

TEST(CompiledForestFile, StaleDamagedOrMismatchedFilesAreNotUsed) {
  ForestFileFixture f;
  const auto forest_path = std::filesystem::path(CompiledForestPath(f.model));
  const std::string good = test::ReadBytes(forest_path);
  auto expect_refused = [&](const std::string& why_contains) {
    const auto read = ReadCompiledForestFile(f.model, {6});
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().message.find(why_contains), std::string::npos) << read.error().message;
  };
  // Other variable counts than the caller expects.
  EXPECT_FALSE(ReadCompiledForestFile(f.model, {7}));
  EXPECT_FALSE(ReadCompiledForestFile(f.model, {6, 6}));
  // One flipped byte.
  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  test::WriteBytes(forest_path, flipped);
  expect_refused("checksum");
  // Cut short.
  test::WriteBytes(forest_path, good.substr(0, good.size() / 3));
  expect_refused("checksum");
  test::WriteBytes(forest_path, "");
  expect_refused("not a compiled forest file");
  // A node pointing back at the root (a cycle) with a valid checksum: the
  // walk would never reach a leaf; refused at load. Header: 8 magic, 4
  // format, 4 byte order, 8 fingerprint, 4 count; forest: 4 vars, 4 nodes,
  // 4 trees; then 16-byte nodes (threshold, var, left, right).
  std::string cycle = good;
  std::int32_t root_child = 0;
  const size_t first_node = 8 + 4 + 4 + 8 + 4 + 12;
  std::int32_t first_left = 0;
  std::memcpy(&first_left, cycle.data() + first_node + 8, 4);
  ASSERT_GT(first_left, 0);  // node 0 is the first tree's root, a split
  std::memcpy(cycle.data() + first_node + 16 * size_t(first_left) + 8, &root_child, 4);
  Reseal(forest_path, cycle);
  expect_refused("reaches a node twice");
  // A node index out of range.
  std::string wild = good;
  const std::int32_t far = 1 << 30;
  std::memcpy(wild.data() + first_node + 8, &far, 4);
  Reseal(forest_path, wild);
  expect_refused("damaged");
  // Larger than any forest file (sparse: no disk used): refused unread.
  test::WriteBytes(forest_path, good);
  std::filesystem::resize_file(forest_path, (std::uintmax_t(128) << 20) + 1);
  expect_refused("larger than any forest file");
  // The model retrained after the forest file was written: stale.
  test::WriteBytes(forest_path, good);
  ASSERT_TRUE(ReadCompiledForestFile(f.model, {6}));
  auto other = TrainForest(false);
  other->setMaxDepth(4);
  cv::Mat samples, responses;
  MakeData(300, 6, 8, samples, responses);
  other->train(cv::ml::TrainData::create(samples, cv::ml::ROW_SAMPLE, responses));
  other->save(f.model);
  expect_refused("stale");
}

TEST(CompiledForestFile, ModelsLoadTheSameWithAndWithoutTheirForestFile) {
  // The candidate judge's loader: with the forest file, without it, and with
  // a damaged one (the model file is parsed then), the same probabilities.
  test::TempDir dir("forest-load");
  const std::string model = (dir / "candidates.yml.gz").string();
  std::filesystem::copy_file(ModelsDir() / "candidates-rtrees.yml.gz", model);
  cv::Mat rows(300, kCandidateFeatureCount, CV_32F);
  cv::randu(rows, -1.0, 3.0);
  auto predict = [&](const std::string& path) {
    auto loaded = CandidateModel::Load(path);
    EXPECT_TRUE(loaded);
    return loaded ? (*loaded)->PredictRows(rows) : std::vector<double>{};
  };
  const auto parsed = predict(model);  // no forest file yet
  ASSERT_TRUE(WriteCompiledForestFile(model, {""}));
  // Load caches by path: a second path to the same files.
  const std::string via_link = (dir / "link.yml.gz").string();
  std::filesystem::create_symlink(model, via_link);
  std::filesystem::create_symlink(CompiledForestPath(model), CompiledForestPath(via_link));
  ASSERT_TRUE(ReadCompiledForestFile(via_link, {kCandidateFeatureCount}));
  EXPECT_EQ(predict(via_link), parsed);
  EXPECT_GT(*std::max_element(parsed.begin(), parsed.end()) - *std::min_element(parsed.begin(), parsed.end()), 0.3);
}

// The forest files in models/ must be compiled from the model files there:
// a retrained model without a new forest file would load 130 ms slower
// (correct, but the speed budget assumes the fast path).
TEST(CompiledForestFile, ShippedForestFilesAreCurrent) {
  const auto judge = ReadCompiledForestFile((ModelsDir() / "candidates-rtrees.yml.gz").string(), {kCandidateFeatureCount});
  EXPECT_TRUE(judge) << judge.error().message << " (run antra-compile-forest, models/README.md)";
  const auto context_judge = ReadCompiledForestFile((ModelsDir() / "candidates-context-rtrees.yml.gz").string(),
                                                    {kContextJudgeFeatureCount});
  EXPECT_TRUE(context_judge) << context_judge.error().message << " (run antra-compile-forest, models/README.md)";
  const auto ovary = ReadCompiledForestFile((ModelsDir() / "ovary-rtrees.yml.gz").string(),
                                            {kOvaryFeatureCount, kOvaryContextFeatureCount});
  EXPECT_TRUE(ovary) << ovary.error().message << " (run antra-compile-forest, models/README.md)";
}

}  // namespace
}  // namespace antra::pipeline
