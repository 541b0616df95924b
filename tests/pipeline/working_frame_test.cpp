#include "pipeline/working_frame.h"

#include <cmath>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "synthetic.h"

namespace antra::pipeline {
namespace {

TEST(WorkingGrid, ResamplesToSquarePixelsOfTheRequestedSize) {
  const auto grid = MakeWorkingGrid({800, 600}, PixelScale{0.1, 0.1}, 500, {});
  EXPECT_NEAR(grid.mm_per_px, 0.2, 1e-9);
  EXPECT_EQ(grid.size, cv::Size(400, 300));
  EXPECT_FALSE(grid.assumed_scale);
  // Round trip of a point.
  const cv::Point2d p(123.4, 456.7);
  const cv::Point2d back = grid.ToFull(grid.ToWorking(p));
  EXPECT_NEAR(back.x, p.x, 1e-9);
  EXPECT_NEAR(back.y, p.y, 1e-9);
}

TEST(WorkingGrid, AnisotropicPixelsBecomeSquare) {
  // 0.3 mm across, 0.2 mm down: the working copy has the same mm per pixel both ways.
  const auto grid = MakeWorkingGrid({480, 430}, PixelScale{0.3, 0.2}, 400, {});
  EXPECT_NEAR(grid.fx * grid.mm_per_px, 0.3, 0.002);
  EXPECT_NEAR(grid.fy * grid.mm_per_px, 0.2, 0.002);
}

TEST(WorkingGrid, CoarsePixelsAreKept) {
  const auto grid = MakeWorkingGrid({320, 240}, PixelScale{0.5, 0.5}, 200, {});
  EXPECT_NEAR(grid.mm_per_px, 0.5, 1e-9);
  EXPECT_EQ(grid.size, cv::Size(320, 240));
}

TEST(WorkingGrid, UncalibratedFramesUseAnAssumedDepth) {
  WorkingOptions o;
  o.uncalibrated_area_height_mm = 75;
  const auto grid = MakeWorkingGrid({800, 600}, std::nullopt, 500, o);
  EXPECT_TRUE(grid.assumed_scale);
  EXPECT_NEAR(grid.mm_per_px, 0.2, 1e-9);  // 75 mm / 500 px = 0.15, coarsened to 0.2
}

TEST(Despeckle, ReducesSpeckleAndKeepsLevels) {
  const cv::Mat luma = test::SpeckleFrame(cv::Mat(200, 200, CV_32F, cv::Scalar(1.0)), 9);
  const auto grid = MakeWorkingGrid({200, 200}, PixelScale{0.2, 0.2}, 200, {});
  const cv::Mat smooth = Despeckle(luma, grid, {});
  cv::Scalar mean_before, std_before, mean_after, std_after;
  cv::meanStdDev(luma, mean_before, std_before);
  cv::meanStdDev(smooth, mean_after, std_after);
  EXPECT_LT(std_after[0], 0.7 * std_before[0]);
  EXPECT_NEAR(mean_after[0], mean_before[0], 0.1 * mean_before[0]);
}

// The separable area resampler against OpenCV's INTER_AREA on random images,
// for the non-integer factors real frames need (0.13 to 0.19 mm pixels onto
// 0.2 mm) and an anisotropic one: at most one grey level apart (summation
// order), and nearly always equal.
TEST(ToWorking, MatchesOpenCvAreaResamplingWithinOneLevel) {
  cv::RNG rng(11);
  for (const auto& [scale, size] : std::vector<std::pair<PixelScale, cv::Size>>{
           {{0.165, 0.165}, {800, 600}}, {{0.13, 0.13}, {959, 528}}, {{0.19, 0.15}, {640, 480}}}) {
    cv::Mat full(size, CV_8UC1);
    rng.fill(full, cv::RNG::UNIFORM, 0, 256);
    const auto grid = MakeWorkingGrid(size, scale, size.height, {});
    ASSERT_LT(grid.fx, 1.0);
    cv::Mat expected;
    cv::resize(full, expected, grid.size, 0, 0, cv::INTER_AREA);
    const cv::Mat got = ToWorking(full, grid);
    ASSERT_EQ(got.size(), expected.size());
    cv::Mat diff;
    cv::absdiff(got, expected, diff);
    double worst = 0;
    cv::minMaxLoc(diff, nullptr, &worst);
    EXPECT_LE(worst, 1.0) << size;
    EXPECT_LT(cv::countNonZero(diff), int(diff.total() / 100)) << size;
  }
}

// A thin line or a single pixel of burned-in graphics must survive the
// shrinking (area averaging would round a one-pixel sliver away).
TEST(MaskToWorking, KeepsEveryWorkingPixelThatTouchesTheMask) {
  const auto grid = MakeWorkingGrid({800, 600}, PixelScale{0.165, 0.165}, 600, {});
  cv::Mat mask = cv::Mat::zeros(600, 800, CV_8UC1);
  mask.at<uchar>(300, 401) = 255;
  cv::line(mask, {10, 50}, {700, 52}, 255, 1);
  const cv::Mat got = MaskToWorking(mask, grid);
  cv::Mat expected;
  cv::resize(mask, expected, grid.size, 0, 0, cv::INTER_AREA);
  expected = expected > 0;
  // Every pixel OpenCV's average marks is marked, and the lone pixel is kept.
  EXPECT_EQ(cv::countNonZero(expected & ~got), 0);
  const cv::Point2d p = grid.ToWorking({401, 300});
  EXPECT_EQ(got.at<uchar>(int(std::lround(p.y)), int(std::lround(p.x))), 255);
  EXPECT_GE(cv::countNonZero(got), cv::countNonZero(expected));
  EXPECT_LE(cv::countNonZero(got), cv::countNonZero(expected) + 8);
  EXPECT_EQ(cv::countNonZero(MaskToWorking(cv::Mat::zeros(600, 800, CV_8UC1), grid)), 0);
}

TEST(WorkingOptions, Check) {
  WorkingOptions o;
  EXPECT_TRUE(o.Check());
  o.mm_per_px = 0;
  EXPECT_FALSE(o.Check());
  DespeckleOptions d;
  d.median_mm = -1;
  EXPECT_FALSE(d.Check());
}

}  // namespace
}  // namespace antra::pipeline
