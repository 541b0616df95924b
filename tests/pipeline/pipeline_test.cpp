// The whole per-frame pipeline on synthetic frames: nothing found where there
// is nothing, the right things found where there are follicles, sizes in mm,
// uncalibrated and anisotropic frames, determinism.

#include "pipeline/pipeline.h"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "pipeline/presets.h"
#include "support/test_support.h"
#include "synthetic.h"

namespace antra::pipeline {
namespace {

constexpr double kMmPerPx = 0.15;

Calibration Calibrated(double sx = kMmPerPx, double sy = kMmPerPx) {
  return Calibration::Global(CalibrationSource::kUser, {sx, sy}, 1.0, "test");
}

FramePipeline Default() {
  auto p = FramePipeline::Create(PipelineOptions{});
  if (!p) throw std::runtime_error(p.error().message);
  return *p;
}

FramePipeline RulesOnly() {
  auto options = LoadPreset(test::SourceDir() / "models" / "rules-only.json");
  auto p = FramePipeline::Create(*options);
  if (!p) throw std::runtime_error(p.error().message);
  return *p;
}

// An ovary (hypoechoic oval) holding follicles of the given diameters (mm),
// in speckle, at kMmPerPx.
struct Scene {
  Frame frame;
  std::vector<test::Blob> follicles;
  std::vector<double> diameters_mm;
};

Scene OvaryScene(unsigned seed, double sx = kMmPerPx, double sy = kMmPerPx) {
  Scene s;
  const std::vector<std::pair<cv::Point2d, double>> layout{
      {{330, 280}, 12.0}, {{430, 270}, 8.0}, {{400, 350}, 6.0}, {{310, 360}, 4.5}, {{470, 330}, 3.5}};
  cv::Mat echo(600, 800, CV_32F, cv::Scalar(1.0));
  cv::ellipse(echo, cv::Point(390, 310), cv::Size(int(22 / sx), int(15 / sy)), 0, 0, 360, 0.7, cv::FILLED);
  for (const auto& [c, d] : layout) {
    s.follicles.push_back({{c.x * kMmPerPx / sx, c.y * kMmPerPx / sy}, d / 2 / sx, d / 2 / sy});
    s.diameters_mm.push_back(d);
  }
  const cv::Mat with_follicles = test::EchoMap(echo.size(), s.follicles, 0.03, 1.6, 2);
  cv::Mat combined = echo.mul(with_follicles);
  s.frame = test::MakeFrame(test::SpeckleFrame(combined, seed, 1.2, 1.0));
  return s;
}

TEST(Pipeline, BlankUniformAndNoiseFramesGiveNoFollicles) {
  const FramePipeline pipeline = Default();
  std::mt19937 rng(5);
  cv::Mat noise(600, 800, CV_8UC1);
  cv::randu(noise, 0, 256);
  const cv::Mat frames[] = {cv::Mat::zeros(600, 800, CV_8UC1), cv::Mat(600, 800, CV_8UC1, cv::Scalar(128)),
                            cv::Mat(600, 800, CV_8UC1, cv::Scalar(255)), noise,
                            test::SpeckleFrame(cv::Mat(600, 800, CV_32F, cv::Scalar(1.0)), 7)};
  for (const auto& luma : frames) {
    const FrameAnalysis a = pipeline.Analyze(test::MakeFrame(luma), Calibrated());
    EXPECT_TRUE(a.follicles.empty());
    ASSERT_TRUE(a.counts);
    EXPECT_EQ(a.counts->afc(), 0);
  }
}

TEST(Pipeline, TinyAndOddFramesDoNotFail) {
  const FramePipeline pipeline = Default();
  for (cv::Size size : {cv::Size(1, 1), cv::Size(3, 200), cv::Size(200, 3), cv::Size(17, 13)}) {
    const FrameAnalysis a = pipeline.Analyze(test::MakeFrame(cv::Mat(size, CV_8UC1, cv::Scalar(90))), Calibrated());
    EXPECT_TRUE(a.follicles.empty());
  }
  Frame grey_only;
  grey_only.luma = test::SpeckleFrame(cv::Mat(300, 300, CV_32F, cv::Scalar(1.0)), 8);
  EXPECT_NO_THROW(pipeline.Analyze(grey_only, Calibrated()));
}

void ExpectFound(const FrameAnalysis& a, const Scene& s, size_t first, double tolerance_mm) {
  for (size_t i = first; i < s.follicles.size(); ++i) {
    const Follicle* hit = nullptr;
    for (const auto& f : a.follicles) {
      if (cv::norm(f.center_px - s.follicles[i].center) < s.follicles[i].rx * 0.5 + 3) hit = &f;
    }
    ASSERT_NE(hit, nullptr) << "follicle " << s.diameters_mm[i] << " mm not found";
    ASSERT_TRUE(hit->mean_mm);
    EXPECT_NEAR(*hit->mean_mm, s.diameters_mm[i], tolerance_mm) << "follicle " << s.diameters_mm[i] << " mm";
    EXPECT_GT(hit->confidence, 0.0);
    EXPECT_GE(hit->contour_px.size(), 8u);
  }
}

TEST(Pipeline, FindsAndMeasuresFolliclesWithHandSetTests) {
  const Scene s = OvaryScene(31);
  const FrameAnalysis a = RulesOnly().Analyze(s.frame, Calibrated());
  ExpectFound(a, s, 0, 1.0);
  EXPECT_LE(a.follicles.size(), s.follicles.size() + 1);
  ASSERT_TRUE(a.counts);
  EXPECT_GE(a.counts->afc(), 3);
  ASSERT_TRUE(a.ovary);
  EXPECT_TRUE(a.ovary->long_mm);
}

TEST(Pipeline, DefaultPipelineFindsTheClearFollicles) {
  const Scene s = OvaryScene(32);
  const FrameAnalysis a = Default().Analyze(s.frame, Calibrated());
  ExpectFound(a, s, 0, 1.2);
}

TEST(Pipeline, UncalibratedFramesGetOutlinesButNoMillimetres) {
  const Scene s = OvaryScene(33);
  const FrameAnalysis a = RulesOnly().Analyze(s.frame, Calibration::Uncalibrated("no scale"));
  EXPECT_FALSE(a.counts);
  ASSERT_FALSE(a.notes.empty());
  EXPECT_EQ(a.notes.front(), kUncalibratedNote);
  ASSERT_FALSE(a.follicles.empty());
  for (const auto& f : a.follicles) {
    EXPECT_FALSE(f.mean_mm);
    EXPECT_FALSE(f.long_mm);
    EXPECT_FALSE(f.area_mm2);
    EXPECT_GT(f.long_axis.LengthPx(), 0);
    EXPECT_GT(f.area_px, 0);
  }
}

TEST(Pipeline, AnisotropicPixelsGiveRoundFolliclesRoundSizes) {
  // Pixels 0.2 mm wide and 0.14 mm tall: round follicles are ellipses in pixels.
  const Scene s = OvaryScene(34, 0.2, 0.14);
  const FrameAnalysis a = RulesOnly().Analyze(s.frame, Calibrated(0.2, 0.14));
  ExpectFound(a, s, 0, 1.2);
  for (const auto& f : a.follicles) {
    if (f.mean_mm && *f.mean_mm > 6) {
      EXPECT_LT(*f.long_mm / *f.short_mm, 1.35) << *f.mean_mm;
    }
  }
}

TEST(Pipeline, SameFrameSameResult) {
  const Scene s = OvaryScene(35);
  const FramePipeline pipeline = Default();
  const FrameAnalysis a = pipeline.Analyze(s.frame, Calibrated());
  const FrameAnalysis b = pipeline.Analyze(s.frame, Calibrated());
  ASSERT_EQ(a.follicles.size(), b.follicles.size());
  for (size_t i = 0; i < a.follicles.size(); ++i) {
    EXPECT_EQ(a.follicles[i].contour_px, b.follicles[i].contour_px);
    EXPECT_EQ(a.follicles[i].mean_mm, b.follicles[i].mean_mm);
  }
}

TEST(Pipeline, TraceRecordsEveryStage) {
  const Scene s = OvaryScene(36);
  FrameTrace trace;
  (void)Default().Analyze(s.frame, Calibrated(), &trace);
  EXPECT_TRUE(trace.area.found());
  EXPECT_FALSE(trace.despeckled.empty());
  EXPECT_FALSE(trace.judged.empty());
  EXPECT_FALSE(trace.ovary_probability.empty());
  EXPECT_GE(trace.stage_ms.size(), 8u);
}

// A reader's ovary replaces the estimate: only the follicles inside it are
// reported, and an ovary given where there are none gives a counted zero.
TEST(Pipeline, AGivenOvaryKeepsOnlyTheFolliclesInsideIt) {
  const Scene s = OvaryScene(32);
  const GivenOvary left_half = GivenOvaryFromBox({200, 180, 180, 240});  // holds the 12 and 4.5 mm follicles
  for (const FramePipeline& pipeline : {Default(), RulesOnly()}) {
    const FrameAnalysis a = pipeline.Analyze(s.frame, Calibrated(), nullptr, &left_half);
    ASSERT_FALSE(a.follicles.empty());
    bool found_largest = false;
    for (const auto& f : a.follicles) {
      EXPECT_TRUE(left_half.Contains(f.center_px)) << f.center_px;
      if (cv::norm(f.center_px - cv::Point2d(330, 280)) < 20) found_largest = true;
    }
    EXPECT_TRUE(found_largest);
    ASSERT_TRUE(a.ovary);
    EXPECT_EQ(a.ovary->source, "given");
    EXPECT_EQ(a.ovary->contour_px.size(), 4u);
    EXPECT_FALSE(a.ovary->long_mm);  // a box's sides are not the ovary's diameters
    EXPECT_DOUBLE_EQ(a.ovary->confidence, 1.0);
    EXPECT_NE(std::find_if(a.notes.begin(), a.notes.end(),
                           [](const std::string& n) { return n.find("ovary given") != std::string::npos; }),
              a.notes.end());
  }
  // An outline (from a mask) is measured like an estimated ovary.
  cv::Mat mask = cv::Mat::zeros(s.frame.luma.size(), CV_8UC1);
  cv::ellipse(mask, cv::Point(390, 310), cv::Size(150, 100), 0, 0, 360, 255, cv::FILLED);
  const GivenOvary outlined = *GivenOvaryFromMask(mask);
  const FrameAnalysis from_mask = Default().Analyze(s.frame, Calibrated(), nullptr, &outlined);
  ASSERT_TRUE(from_mask.ovary && from_mask.ovary->long_mm);
  EXPECT_NEAR(*from_mask.ovary->long_mm, 300 * kMmPerPx, 1.0);
  EXPECT_NEAR(*from_mask.ovary->short_mm, 200 * kMmPerPx, 1.0);
  const FrameAnalysis estimated = Default().Analyze(s.frame, Calibrated());
  ASSERT_TRUE(estimated.ovary);
  EXPECT_EQ(estimated.ovary->source, "estimated");

  const GivenOvary empty_corner = GivenOvaryFromBox({650, 480, 100, 80});
  const FrameAnalysis none = Default().Analyze(s.frame, Calibrated(), nullptr, &empty_corner);
  EXPECT_TRUE(none.follicles.empty());
  ASSERT_TRUE(none.counts);
  EXPECT_EQ(none.counts->afc(), 0);
}

TEST(Pipeline, BadOptionsAreRefused) {
  PipelineOptions o;
  o.refine.max_rays = 3;
  EXPECT_FALSE(FramePipeline::Create(o));
  PipelineOptions p;
  p.candidate_model.given_ovary_accept_probability = 1.5;
  EXPECT_FALSE(FramePipeline::Create(p));
}

}  // namespace
}  // namespace antra::pipeline
