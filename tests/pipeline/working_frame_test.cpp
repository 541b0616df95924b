#include "pipeline/working_frame.h"

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
