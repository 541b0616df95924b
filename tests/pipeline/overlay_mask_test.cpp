#include "pipeline/overlay_mask.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "synthetic.h"

namespace antra::pipeline {
namespace {

cv::Mat Grey(cv::Mat luma) {
  cv::Mat rgb;
  cv::cvtColor(luma, rgb, cv::COLOR_GRAY2RGB);
  return rgb;
}

TEST(OverlayMask, FindsYellowCalipersAndDottedLines) {
  cv::Mat luma = test::SpeckleFrame(cv::Mat(300, 400, CV_32F, cv::Scalar(1.0)), 5);
  cv::Mat rgb = Grey(luma);
  const cv::Scalar yellow(255, 230, 40);  // R, G, B
  cv::drawMarker(rgb, {100, 100}, yellow, cv::MARKER_CROSS, 12, 1);
  for (int x = 110; x < 300; x += 5) cv::circle(rgb, {x, 150}, 1, yellow, cv::FILLED);
  cv::Mat area(luma.size(), CV_8UC1, cv::Scalar(255));
  cv::Mat luma_with;
  cv::cvtColor(rgb, luma_with, cv::COLOR_RGB2GRAY);
  const cv::Mat mask = FindOverlayMask(rgb, luma_with, area, {});
  EXPECT_TRUE(mask.at<uchar>(100, 100));
  EXPECT_TRUE(mask.at<uchar>(150, 200));
  // Plain tissue is not masked.
  EXPECT_LT(cv::countNonZero(mask(cv::Rect(0, 200, 400, 100))), 10);
}

TEST(OverlayMask, TintedGreyMapIsNotAGraphic) {
  cv::Mat luma = test::SpeckleFrame(cv::Mat(200, 200, CV_32F, cv::Scalar(1.0)), 6);
  // A sepia-like map: every pixel coloured in the same proportion.
  std::vector<cv::Mat> ch{luma, luma * 0.85, luma * 0.65};
  cv::Mat rgb;
  cv::merge(ch, rgb);
  const cv::Mat mask = FindOverlayMask(rgb, luma, cv::Mat(luma.size(), CV_8UC1, cv::Scalar(255)), {});
  EXPECT_LT(cv::countNonZero(mask), int(0.01 * mask.total()));
}

TEST(OverlayMask, FindsThinWhiteCrossesOnGreyFrames) {
  cv::Mat luma(200, 200, CV_8UC1, cv::Scalar(90));
  cv::drawMarker(luma, {50, 50}, 255, cv::MARKER_CROSS, 14, 1);
  cv::rectangle(luma, {120, 120, 40, 40}, 250, cv::FILLED);  // a large bright structure is tissue
  const cv::Mat mask = FindOverlayMask({}, luma, cv::Mat(luma.size(), CV_8UC1, cv::Scalar(255)), {});
  EXPECT_TRUE(mask.at<uchar>(50, 50));
  EXPECT_FALSE(mask.at<uchar>(140, 140));
}

TEST(OverlayMask, FillMaskedUsesTheSurroundings) {
  cv::Mat image(100, 100, CV_8UC1, cv::Scalar(80));
  image(cv::Rect(0, 0, 50, 100)).setTo(20);  // dark left half
  cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
  cv::line(image, {10, 50}, {90, 50}, 255, 2);
  cv::line(mask, {10, 50}, {90, 50}, 255, 4);
  const cv::Mat filled = FillMasked(image, mask, 1.5);
  EXPECT_NEAR(filled.at<uchar>(50, 20), 20, 3);
  EXPECT_NEAR(filled.at<uchar>(50, 80), 80, 3);
  // A wide masked block is filled too (coarser passes).
  cv::Mat block = cv::Mat::zeros(image.size(), CV_8UC1);
  block(cv::Rect(60, 10, 30, 30)).setTo(255);
  const cv::Mat filled_block = FillMasked(image, block, 1.5);
  EXPECT_NEAR(filled_block.at<uchar>(25, 75), 80, 6);
}

TEST(OverlayMask, OptionsCheck) {
  OverlayMaskOptions o;
  EXPECT_TRUE(o.Check());
  o.min_saturation = 1.5;
  EXPECT_FALSE(o.Check());
}

}  // namespace
}  // namespace antra::pipeline
