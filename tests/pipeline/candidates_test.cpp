#include "pipeline/candidates.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "synthetic.h"

namespace antra::pipeline {
namespace {

struct Prepared {
  WorkingGrid grid;
  cv::Mat despeckled, tissue, valid;
};

// Frames are made at 0.2 mm per pixel so the working grid is the frame itself.
Prepared Prepare(const cv::Mat& luma) {
  Prepared p;
  p.grid = MakeWorkingGrid(luma.size(), PixelScale{0.2, 0.2}, luma.rows, {});
  p.despeckled = Despeckle(luma, p.grid, {});
  p.valid = cv::Mat(luma.size(), CV_8UC1, cv::Scalar(255));
  p.tissue = EstimateTissueLevel(p.despeckled, p.valid, p.grid, {});
  return p;
}

const Candidate* Near(const CandidateMap& map, cv::Point2d c, double within) {
  for (const auto& k : map.candidates) {
    if (cv::norm(k.centroid - c) <= within) return &k;
  }
  return nullptr;
}

TEST(TissueLevel, FollowsTheTissueNotTheFluid) {
  const cv::Mat echo = test::EchoMap({300, 300}, {{{150, 150}, 25, 25}});
  const auto p = Prepare(test::SpeckleFrame(echo, 11));
  const float at_centre = p.tissue.at<float>(150, 150);
  const double tissue_mean = cv::mean(p.despeckled(cv::Rect(0, 0, 60, 60)))[0];
  EXPECT_NEAR(at_centre, tissue_mean, 0.25 * tissue_mean);  // the follicle does not pull it down
}

TEST(Candidates, FindsDarkDiscsOfSeveralSizes) {
  // Diameters 3, 6 and 12 mm at 0.2 mm per pixel.
  const std::vector<test::Blob> blobs{{{80, 80}, 7.5, 7.5}, {{220, 90}, 15, 15}, {{150, 220}, 30, 30}};
  const auto p = Prepare(test::SpeckleFrame(test::EchoMap({300, 300}, blobs), 12));
  const CandidateMap map = FindDarkCandidates(p.despeckled, p.tissue, p.valid, p.grid, {}, {});
  for (const auto& b : blobs) EXPECT_NE(Near(map, b.center, 0.4 * b.rx + 2), nullptr) << b.center;
}

TEST(Candidates, FindsSmallFollicleWhoseLumenIsFilledByClutter) {
  // 3 mm follicles whose lumen echo is a third of the tissue's (clutter), no
  // bright wall: blurred, their centres are well above the extent ratio of
  // the tissue level, so only the blob search's looser gate reaches them.
  const std::vector<test::Blob> blobs{{{80, 80}, 7.5, 7.5}, {{220, 90}, 7.5, 7.5}, {{150, 220}, 7.5, 7.5}};
  const auto p = Prepare(test::SpeckleFrame(test::EchoMap({300, 300}, blobs, 0.33, 1.0), 14));
  const CandidateMap map = FindDarkCandidates(p.despeckled, p.tissue, p.valid, p.grid, {}, {});
  int found = 0;
  for (const auto& b : blobs) found += Near(map, b.center, 0.5 * b.rx + 2) != nullptr;
  EXPECT_GE(found, 2);  // measured: 2 of 3 (one is lost in the speckle)
  CandidateOptions strict;  // the gate before 2026-11-24: centre below the extent ratio
  strict.blob_max_darkness = strict.extent_ratio;
  strict.blob_contrast = 0.10;
  const CandidateMap strict_map = FindDarkCandidates(p.despeckled, p.tissue, p.valid, p.grid, strict, {});
  int strict_found = 0;
  for (const auto& b : blobs) strict_found += Near(strict_map, b.center, 0.5 * b.rx + 2) != nullptr;
  EXPECT_LT(strict_found, found) << "strict " << strict_found << " new " << found;
}

TEST(Candidates, UniformSpeckleHasNoFluidCores) {
  const auto p = Prepare(test::SpeckleFrame(cv::Mat(300, 300, CV_32F, cv::Scalar(1.0)), 13));
  const CandidateMap map = FindDarkCandidates(p.despeckled, p.tissue, p.valid, p.grid, {}, {});
  // Speckle holes may seed a few small candidates; none is large.
  for (const auto& c : map.candidates) EXPECT_LT(p.grid.Mm(2 * std::sqrt(c.area_px / CV_PI)), 4.0);
}

TEST(Candidates, SplitsFollicleSeparatedByASeptum) {
  // Two 8 mm follicles pressed together with a 0.6 mm bright septum.
  cv::Mat echo(300, 300, CV_32F, cv::Scalar(1.0));
  cv::circle(echo, {130, 150}, 20, 0.03, cv::FILLED);
  cv::circle(echo, {170, 150}, 20, 0.03, cv::FILLED);
  cv::line(echo, {150, 120}, {150, 180}, 2.0, 3);
  const auto p = Prepare(test::SpeckleFrame(echo, 14, 1.2, 0.8));
  const CandidateMap map = FindDarkCandidates(p.despeckled, p.tissue, p.valid, p.grid, {}, {});
  EXPECT_NE(Near(map, {128, 150}, 8), nullptr);
  EXPECT_NE(Near(map, {172, 150}, 8), nullptr);
}

TEST(FloodFromSeeds, ReportsTheSaddleBetweenTwoBasins) {
  // Two dark basins (10) separated by a ridge at 60.
  cv::Mat level(20, 40, CV_8UC1, cv::Scalar(10));
  level.col(20).setTo(60);
  cv::Mat allowed(level.size(), CV_8UC1, cv::Scalar(255));
  cv::Mat labels = cv::Mat::zeros(level.size(), CV_32S);
  labels.at<int>(10, 5) = 1;
  labels.at<int>(10, 35) = 2;
  const auto saddles = FloodFromSeeds(level, allowed, labels);
  ASSERT_EQ(saddles.size(), 1u);
  EXPECT_EQ(saddles[0].level, 60);
  EXPECT_EQ(labels.at<int>(0, 0), 1);
  EXPECT_EQ(labels.at<int>(19, 39), 2);
}

TEST(CandidateOptions, Check) {
  CandidateOptions o;
  EXPECT_TRUE(o.Check());
  o.core_ratio = 0.7;  // above extent_ratio
  EXPECT_FALSE(o.Check());
  SplitOptions s;
  s.septum_contrast = 2;
  EXPECT_FALSE(s.Check());
  BackgroundOptions b;
  b.percentile = 1.0;
  EXPECT_FALSE(b.Check());
}

}  // namespace
}  // namespace antra::pipeline
