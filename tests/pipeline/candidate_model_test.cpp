// The context judge's rows (ContextJudgeRows): what the first judge thought of
// each candidate's neighbourhood, from which the second judge decides again.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "pipeline/candidate_model.h"

namespace antra::pipeline {
namespace {

float At(const cv::Mat& rows, int row, const std::string& feature) {
  const auto& names = ContextJudgeFeatureNames();
  const auto it = std::find(names.begin(), names.end(), feature);
  EXPECT_NE(it, names.end()) << feature;
  return rows.at<float>(row, int(it - names.begin()));
}

cv::Mat OwnRows(int n) {
  cv::Mat rows(n, kCandidateFeatureCount, CV_32F);
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < kCandidateFeatureCount; ++c) rows.at<float>(r, c) = float(100 * r + c);
  }
  return rows;
}

TEST(ContextJudgeRows, KeepTheOwnFeaturesAndNameEveryColumn) {
  EXPECT_EQ(ContextJudgeFeatureNames().size(), size_t(kContextJudgeFeatureCount));
  const cv::Mat own = OwnRows(2);
  const cv::Mat rows = ContextJudgeRows(own, {0.2, 0.9}, {{0, 0}, {3, 4}});
  ASSERT_EQ(rows.rows, 2);
  ASSERT_EQ(rows.cols, kContextJudgeFeatureCount);
  EXPECT_EQ(cv::norm(rows.colRange(0, kCandidateFeatureCount), own, cv::NORM_INF), 0.0);
}

// Each named context feature of `row` has the expected value.
void ExpectContext(const cv::Mat& rows, int row, const std::vector<std::pair<std::string, double>>& expected) {
  for (const auto& [feature, value] : expected) EXPECT_NEAR(At(rows, row, feature), value, 1e-6) << feature;
}

TEST(ContextJudgeRows, ALoneCandidateHasNoNeighbours) {
  const cv::Mat rows = ContextJudgeRows(OwnRows(1), {0.4}, {{10, 10}});
  ExpectContext(rows, 0, {{"p_first", 0.4}, {"max_p_12mm", 0}, {"likely_12mm", 0}, {"frame_max_p", 0.4},
                          {"p_of_frame_max", 1}, {"frame_likely", 1},
                          {"nearest_likely_mm", 60}});  // none: capped
}

// A doubtful spot 5 mm from a confident follicle, another 10 mm away and an
// unlikely one 20 mm away: each radius sees what lies within it, in mm.
TEST(ContextJudgeRows, NeighboursAreSeenByDistanceInMm) {
  const std::vector<double> p = {0.2, 0.9, 0.5, 0.1};
  const std::vector<cv::Point2d> mm = {{0, 0}, {5, 0}, {0, 10}, {20, 0}};
  const cv::Mat rows = ContextJudgeRows(OwnRows(4), p, mm);
  ExpectContext(rows, 0, {{"max_p_6mm", 0.9}, {"max_p_12mm", 0.9}, {"max_p_25mm", 0.9}, {"sum_p_12mm", 1.4},
                          {"likely_12mm", 2}, {"nearest_likely_mm", 5}, {"frame_max_p", 0.9},
                          {"p_of_frame_max", 0.2 / 0.9}, {"frame_likely", 2}});
  // The far, unlikely one: only the 25 mm radius reaches the others.
  ExpectContext(rows, 3, {{"max_p_6mm", 0}, {"max_p_12mm", 0}, {"max_p_25mm", 0.9}, {"nearest_likely_mm", 15}});
  // A candidate is never its own neighbour.
  ExpectContext(rows, 1, {{"max_p_6mm", 0.2}});
}

TEST(ContextJudgeRows, NoCandidatesNoRows) {
  EXPECT_EQ(ContextJudgeRows(cv::Mat(0, kCandidateFeatureCount, CV_32F), {}, {}).rows, 0);
}

}  // namespace
}  // namespace antra::pipeline
