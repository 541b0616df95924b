#include "pipeline/image_area.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "synthetic.h"

namespace antra::pipeline {
namespace {

// A sector fan of speckle on a black screen, with text and a grey bar beside it.
cv::Mat Screen(bool linear = false) {
  cv::Mat echo(600, 800, CV_32F, cv::Scalar(1.0));
  cv::Mat luma = test::SpeckleFrame(echo, 3);
  cv::Mat fan = cv::Mat::zeros(luma.size(), CV_8UC1);
  if (linear) {
    fan(cv::Rect(200, 80, 400, 480)).setTo(255);  // a transabdominal linear probe's rectangle
  } else {
    cv::ellipse(fan, {400, 40}, {520, 520}, 90, -35, 35, 255, cv::FILLED);
    cv::circle(fan, {400, 40}, 60, 0, cv::FILLED);  // the probe's footprint
  }
  cv::Mat screen = cv::Mat::zeros(luma.size(), CV_8UC1);
  luma.copyTo(screen, fan);
  cv::putText(screen, "GYN 7.5MHz", {10, 30}, cv::FONT_HERSHEY_SIMPLEX, 0.8, 255, 2);
  cv::rectangle(screen, {770, 100, 12, 200}, 200, cv::FILLED);  // grey bar
  return screen;
}

TEST(ImageArea, FindsTheFanAndLeavesOutTextAndBars) {
  const cv::Mat screen = Screen();
  const ImageArea area = FindImageArea(screen, Calibration::Uncalibrated("test"), {});
  ASSERT_TRUE(area.found());
  EXPECT_EQ(area.source, "pixels");
  const cv::Mat mask = area.MaskAt(screen.size());
  EXPECT_TRUE(mask.at<uchar>(300, 400));   // inside the fan
  EXPECT_FALSE(mask.at<uchar>(25, 60));    // the text
  EXPECT_FALSE(mask.at<uchar>(200, 775));  // the grey bar
  EXPECT_FALSE(mask.at<uchar>(590, 10));   // the black corner
}

TEST(ImageArea, DoesNotDependOnTheFanShape) {
  const cv::Mat screen = Screen(true);
  const ImageArea area = FindImageArea(screen, Calibration::Uncalibrated("test"), {});
  ASSERT_TRUE(area.found());
  EXPECT_NEAR(area.box.x, 200, 8);
  EXPECT_NEAR(area.box.width, 400, 16);
  EXPECT_NEAR(area.box.height, 480, 16);
}

TEST(ImageArea, RegionBoxLimitsTheArea) {
  const cv::Mat screen = Screen();
  UltrasoundRegion r;
  r.spatial_format = 1;
  r.data_type = 1;
  r.units_x = r.units_y = 3;
  r.physical_delta_x = r.physical_delta_y = 0.02;
  r.min_x0 = 100, r.min_y0 = 100, r.max_x1 = 499, r.max_y1 = 499;
  std::vector<UltrasoundRegion> regions{r};
  ValidateRegions(regions, screen.cols, screen.rows);
  const auto calibration = Calibration::FromRegions(regions, "test");
  const ImageArea area = FindImageArea(screen, calibration, {});
  ASSERT_TRUE(area.found());
  EXPECT_EQ(area.source, "ultrasound-region+pixels");
  EXPECT_GE(area.box.x, 100);
  EXPECT_LE(area.box.br().x, 500);
  const cv::Mat mask = area.MaskAt(screen.size());
  EXPECT_FALSE(mask.at<uchar>(300, 600));  // fan, but outside the region
}

TEST(ImageArea, BlankFrameHasNoArea) {
  const ImageArea area = FindImageArea(cv::Mat::zeros(480, 640, CV_8UC1), Calibration::Uncalibrated("t"), {});
  EXPECT_FALSE(area.found());
  EXPECT_EQ(cv::countNonZero(area.MaskAt({640, 480})), 0);
}

TEST(ImageArea, OptionsCheck) {
  ImageAreaOptions o;
  EXPECT_TRUE(o.Check());
  o.min_area_fraction = 0;
  EXPECT_FALSE(o.Check());
  o = {};
  o.analysis_max_side = 10;
  EXPECT_FALSE(o.Check());
}

}  // namespace
}  // namespace antra::pipeline
