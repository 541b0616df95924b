// CompiledForest must give exactly what OpenCV's RTrees gives, and must refuse
// what it does not reproduce.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/ml.hpp>

#include "pipeline/forest.h"
#include "pipeline/ovary_map.h"
#include "pipeline/presets.h"

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

}  // namespace
}  // namespace antra::pipeline
