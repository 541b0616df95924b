#include "pipeline/ruler.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/calibration.h"
#include "io/open_image.h"
#include "support/test_support.h"
#include "synthetic.h"

namespace antra::pipeline {
namespace {

// A GE Voluson style ruler: a mark every `period` px down column x; widths by
// kind (dot, dash, long) chosen by `kind_of(k)`.
cv::Mat Ruler(double period, int count, int (*width_of)(int k), int x = 30) {
  cv::Mat screen = cv::Mat::zeros(600, 500, CV_8UC1);
  cv::Mat fan = test::SpeckleFrame(cv::Mat(600, 400, CV_32F, cv::Scalar(1.0)), 21);
  fan.copyTo(screen(cv::Rect(80, 0, 400, 600)));
  for (int k = 0; k < count; ++k) {
    const int y = int(std::lround(40 + k * period));
    cv::rectangle(screen, cv::Rect(x, y, width_of(k), 2), 240, cv::FILLED);
  }
  return screen;
}

TEST(Ruler, HalfCentimetreDotsAreNotTakenForCentimetres) {
  // Dots every 0.5 cm, dashes every 1 cm, a long mark every 5 cm; 76.8 px per cm.
  const cv::Mat screen = Ruler(38.4, 14, [](int k) { return k % 10 == 0 ? 10 : (k % 2 == 0 ? 5 : 2); });
  const auto ruler = DetectDepthRuler(screen, {});
  ASSERT_TRUE(ruler);
  EXPECT_NEAR(ruler->px_per_cm, 76.8, 0.5);
  EXPECT_NEAR(ruler->mm_per_px, 10.0 / 76.8, 0.001);
  EXPECT_DOUBLE_EQ(ruler->period_cm, 0.5);
  EXPECT_GT(ruler->confidence, 0.8);
  EXPECT_NEAR(ruler->column_x, 30, 1);
}

TEST(Ruler, OneMarkPerCentimetreWithALongMarkEveryFive) {
  const cv::Mat screen = Ruler(50.0, 11, [](int k) { return k % 5 == 0 ? 10 : 4; });
  const auto ruler = DetectDepthRuler(screen, {});
  ASSERT_TRUE(ruler);
  EXPECT_NEAR(ruler->px_per_cm, 50.0, 0.5);
  EXPECT_DOUBLE_EQ(ruler->period_cm, 1.0);
}

TEST(Ruler, SpeckleAloneIsNoRuler) {
  const cv::Mat screen = test::SpeckleFrame(cv::Mat(600, 500, CV_32F, cv::Scalar(1.0)), 22);
  EXPECT_FALSE(DetectDepthRuler(screen, {}));
  EXPECT_FALSE(DetectDepthRuler(cv::Mat::zeros(300, 300, CV_8UC1), {}));
}

TEST(Ruler, OptionsCheck) {
  RulerOptions o;
  EXPECT_TRUE(o.Check());
  o.min_px_per_cm = 500;
  EXPECT_FALSE(o.Check());
}

// Real GE Voluson screens: the ruler scale times a caliper pair's pixel length
// must match the scanner's printed read-out.
TEST(Ruler, RealScreensMatchCaliperReadouts) {
  ANTRA_REQUIRE_REAL_SAMPLES();
  struct Caliper {
    const char* image;
    cv::Point2d a, b;
    double readout_mm;
  };
  const Caliper calipers[] = {{"1002.JPG", {318, 128}, {545, 305}, 37.5}, {"1204.JPG", {382.5, 146}, {466, 187.5}, 19.4}};
  for (const auto& c : calipers) {
    auto source = OpenImage(*test::RealSamplesDir() / "images" / c.image);
    ASSERT_TRUE(source) << c.image;
    auto frame = (*source)->ReadFrame(0);
    ASSERT_TRUE(frame);
    const auto ruler = DetectDepthRuler(frame->luma, {});
    ASSERT_TRUE(ruler) << c.image;
    const double length_mm = cv::norm(c.b - c.a) * ruler->mm_per_px;
    EXPECT_NEAR(length_mm, c.readout_mm, 0.03 * c.readout_mm) << c.image << ": " << ruler->detail;
  }
}

}  // namespace
}  // namespace antra::pipeline
