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

// The fan's edge crossing the ruler: marks `first` to `last` lie over bright
// tissue, where they are about 65 grey levels brighter than the tissue, not
// the 80 a clear mark needs.
void TissueOverMarks(cv::Mat& screen, double period, int first, int last) {
  const int top = int(40 + (first - 0.5) * period), bottom = int(40 + (last + 0.5) * period);
  cv::Mat tissue = test::SpeckleFrame(cv::Mat(bottom - top, 80, CV_32F, cv::Scalar(1.0)), 23, 1.5, 1.0);
  cv::Mat band = screen(cv::Rect(0, top, 80, bottom - top));
  for (int y = 0; y < band.rows; ++y) {
    for (int x = 0; x < band.cols; ++x) {
      // Keep the drawn marks, put tissue (about grey 160) everywhere else.
      if (band.at<uchar>(y, x) == 0) band.at<uchar>(y, x) = cv::saturate_cast<uchar>(0.3 * tissue.at<uchar>(y, x) + 115);
    }
  }
  for (int k = first; k <= last; ++k) {
    const int y = int(std::lround(40 + k * period));
    cv::Mat mark = screen(cv::Rect(30, y, 4, 2));
    mark.setTo(225);
  }
}

// The first pass alone: the faint-mark pass off.
RulerOptions ClearMarksOnly() {
  RulerOptions o;
  o.min_faint_mark_contrast = o.min_mark_contrast;
  return o;
}

TEST(Ruler, MarksOverBrightTissueAreFoundWhereTheClearMarksPredictThem) {
  // 1 cm marks (28 px per cm), a long one every 5; marks 1 to 5 (the long
  // one at 5 among them) and 13 to 18 over tissue. The clear marks 6 to 12
  // span too little of the screen alone, and with mark 0 they leave a gap the
  // first pass takes for a subharmonic: it finds no ruler.
  cv::Mat screen = Ruler(28.0, 19, [](int k) { return k % 5 == 0 ? 10 : 4; });
  TissueOverMarks(screen, 28.0, 1, 5);
  TissueOverMarks(screen, 28.0, 13, 18);
  EXPECT_FALSE(DetectDepthRuler(screen, ClearMarksOnly()));

  const auto ruler = DetectDepthRuler(screen, {});
  ASSERT_TRUE(ruler);
  EXPECT_NEAR(ruler->px_per_cm, 28.0, 0.3);
  // The long mark at 5 is hidden among the faint ones: the clear long marks
  // at 0 and 10 must not be read as "a long mark every 10", which would mean
  // 0.5 cm and halve every size.
  EXPECT_DOUBLE_EQ(ruler->period_cm, 1.0) << ruler->detail;
  EXPECT_EQ(ruler->marks.size(), 19u);
  EXPECT_NE(ruler->detail.find("11 of them faint"), std::string::npos) << ruler->detail;
  EXPECT_LT(ruler->confidence, 0.5);
}

TEST(Ruler, HalfCentimetreRulerOverTissueStillReadsItsDotsAndDashes) {
  // Dots and dashes alternate every 0.5 cm (76.8 px per cm); marks 2 to 9
  // over tissue, redrawn there as faint 4 px marks. The clear marks below
  // them span too little of the screen alone, but they still alternate.
  cv::Mat screen = Ruler(38.4, 14, [](int k) { return k % 10 == 0 ? 10 : (k % 2 == 0 ? 5 : 2); });
  TissueOverMarks(screen, 38.4, 2, 9);
  EXPECT_FALSE(DetectDepthRuler(screen, ClearMarksOnly()));
  const auto ruler = DetectDepthRuler(screen, {});
  ASSERT_TRUE(ruler);
  EXPECT_NEAR(ruler->px_per_cm, 76.8, 0.8);
  EXPECT_DOUBLE_EQ(ruler->period_cm, 0.5);
  EXPECT_EQ(ruler->marks.size(), 14u);
}

TEST(Ruler, MarksHiddenInTurnAreFoundFromTheClearOnesBetweenThem) {
  // As on a GE screen whose fan edge runs along the ruler (MMOTU 689):
  // tissue hides marks 3, 5 to 8 and 10 of 13, so no four clear marks follow
  // each other, but the seven clear ones lie on one period. The period
  // between two neighbouring marks is a pixel off (the marks sit on whole
  // rows), which would leave the marks ten periods away out of the fit.
  cv::Mat screen = Ruler(38.4, 13, [](int k) { return k % 10 == 0 ? 10 : (k % 2 == 0 ? 5 : 2); });
  TissueOverMarks(screen, 38.4, 3, 3);
  TissueOverMarks(screen, 38.4, 5, 8);
  TissueOverMarks(screen, 38.4, 10, 10);
  EXPECT_FALSE(DetectDepthRuler(screen, ClearMarksOnly()));
  const auto ruler = DetectDepthRuler(screen, {});
  ASSERT_TRUE(ruler);
  EXPECT_NEAR(ruler->px_per_cm, 76.8, 0.8);
  EXPECT_DOUBLE_EQ(ruler->period_cm, 0.5) << ruler->detail;
  EXPECT_EQ(ruler->marks.size(), 13u) << ruler->detail;
  EXPECT_NE(ruler->detail.find("6 of them faint"), std::string::npos) << ruler->detail;
}

TEST(Ruler, SpeckleAloneIsNoRuler) {
  const cv::Mat screen = test::SpeckleFrame(cv::Mat(600, 500, CV_32F, cv::Scalar(1.0)), 22);
  EXPECT_FALSE(DetectDepthRuler(screen, {}));
  EXPECT_FALSE(DetectDepthRuler(cv::Mat::zeros(300, 300, CV_8UC1), {}));
}

TEST(Ruler, ADenseGridOfDotsIsNoRuler) {
  // 110 000 isolated mark-like dots: every column is evenly spaced, but far
  // more marks than any ruler has. (Without the bounds on marks this took
  // 130 s: the column search is quadratic, the period fit cubic.)
  cv::Mat screen = cv::Mat::zeros(2000, 2000, CV_8UC1);
  for (int y = 2; y + 2 < screen.rows; y += 6) {
    for (int x = 2; x + 2 < screen.cols; x += 6) screen(cv::Rect(x, y, 2, 2)).setTo(255);
  }
  EXPECT_FALSE(DetectDepthRuler(screen, {}));
}

TEST(Ruler, OptionsCheck) {
  RulerOptions o;
  EXPECT_TRUE(o.Check());
  o.min_px_per_cm = 500;
  EXPECT_FALSE(o.Check());
  o = {};
  o.min_faint_mark_contrast = -1;
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
