#include "pipeline/ovary.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "pipeline/ovary_map.h"

namespace antra::pipeline {
namespace {

OvaryMember Disc(cv::Point2d c, double r, double confidence = 0.8) {
  OvaryMember m;
  for (int i = 0; i < 32; ++i) {
    const double a = 2 * CV_PI * i / 32;
    m.polygon.emplace_back(c.x + r * std::cos(a), c.y + r * std::sin(a));
  }
  m.center = c;
  m.confidence = confidence;
  return m;
}

WorkingGrid Grid() { return MakeWorkingGrid({500, 500}, PixelScale{0.2, 0.2}, 500, {}); }

TEST(GivenOvary, AMaskGivesOneOutlinePerPieceAndDropsStrayMarks) {
  cv::Mat mask = cv::Mat::zeros(300, 400, CV_8UC1);
  cv::ellipse(mask, cv::Point(100, 150), cv::Size(60, 40), 0, 0, 360, 255, cv::FILLED);
  cv::circle(mask, cv::Point(300, 150), 30, 1, cv::FILLED);  // a 0/1 label mask counts too
  cv::rectangle(mask, cv::Rect(380, 10, 3, 3), 255, cv::FILLED);  // a stray mark of 9 pixels
  const auto given = GivenOvaryFromMask(mask);
  ASSERT_TRUE(given) << given.error().message;
  EXPECT_EQ(given->outlines_px.size(), 2u);
  EXPECT_TRUE(given->Contains({100, 150}));
  EXPECT_TRUE(given->Contains({300, 150}));
  EXPECT_FALSE(given->Contains({381, 11}));
  EXPECT_FALSE(given->Contains({200, 150}));
  // The outlines filled again cover the pieces, stray mark excluded.
  const double pieces = cv::countNonZero(mask(cv::Rect(0, 0, 370, 300)));
  EXPECT_NEAR(cv::countNonZero(given->inside), pieces, 0.01 * pieces);
  // Both pieces, not the stray mark (the ellipse spans x 40-160, the circle 270-330, y 110-190).
  const cv::Rect bounds = given->Bounds();
  EXPECT_NEAR(bounds.x, 40, 1);
  EXPECT_NEAR(bounds.y, 110, 1);
  EXPECT_NEAR(bounds.br().x, 331, 1);
  EXPECT_NEAR(bounds.br().y, 191, 1);
}

TEST(GivenOvary, AHostileMaskOfManyPiecesKeepsOnlyTheLargest) {
  // A grid of 10 x 10 squares: 2,500 pieces of 100 pixels, one larger block.
  cv::Mat mask = cv::Mat::zeros(1000, 1000, CV_8UC1);
  for (int y = 0; y < 1000; y += 20) {
    for (int x = 0; x < 1000; x += 20) cv::rectangle(mask, cv::Rect(x, y, 10, 10), 255, cv::FILLED);
  }
  cv::rectangle(mask, cv::Rect(400, 400, 100, 100), 255, cv::FILLED);
  const auto given = GivenOvaryFromMask(mask);
  ASSERT_TRUE(given);
  EXPECT_EQ(given->outlines_px.size(), size_t(kMaxGivenOvaryPieces));
  EXPECT_TRUE(given->Contains({450, 450}));                         // the largest piece
  // ... listed first (the block with the grid squares it touches).
  EXPECT_GE(cv::contourArea(given->outlines_px.front()), 99.0 * 99.0);
  for (const auto& outline : given->outlines_px) {
    EXPECT_LE(cv::contourArea(outline), cv::contourArea(given->outlines_px.front()));
  }
  // What Contains answers from: the kept pieces only, not the 2,500 squares.
  EXPECT_LE(cv::countNonZero(given->inside), 120 * 120 + (kMaxGivenOvaryPieces - 1) * 100);
}

TEST(GivenOvary, AnEmptyOrWrongMaskIsRefusedWithAReason) {
  const auto empty = GivenOvaryFromMask(cv::Mat::zeros(100, 100, CV_8UC1));
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("no ovary"), std::string::npos);
  EXPECT_FALSE(GivenOvaryFromMask(cv::Mat::zeros(100, 100, CV_32F)));
  EXPECT_FALSE(GivenOvaryFromMask(cv::Mat()));
}

TEST(GivenOvary, ABoxContainsItsInside) {
  const GivenOvary box = GivenOvaryFromBox({10, 20, 100, 50});
  EXPECT_TRUE(box.Contains({60, 45}));
  EXPECT_TRUE(box.Contains({10, 20}));
  EXPECT_FALSE(box.Contains({9, 45}));
  EXPECT_FALSE(box.Contains({60, 71}));
  EXPECT_FALSE(GivenOvary{}.Contains({60, 45}));
  EXPECT_EQ(box.Bounds(), cv::Rect(10, 20, 100, 50));  // the box as drawn (logged, saved with a review)
}

TEST(Ovary, TheGroupOfFolliclesIsTheOvaryAndLoneOnesAreOutside) {
  // Four follicles close together, one far away (50 mm).
  const std::vector<OvaryMember> members{Disc({100, 100}, 15), Disc({140, 105}, 12), Disc({120, 140}, 10),
                                         Disc({90, 150}, 8), Disc({400, 400}, 12)};
  const OvaryEstimate ovary = LocateOvary(members, Grid(), {});
  ASSERT_TRUE(ovary.found);
  EXPECT_TRUE(ovary.inside[0] && ovary.inside[1] && ovary.inside[2] && ovary.inside[3]);
  EXPECT_FALSE(ovary.inside[4]);
  EXPECT_TRUE(ovary.InRegion({115, 120}));
  EXPECT_FALSE(ovary.InRegion({400, 400}));
  EXPECT_EQ(ovary.ProbabilityAt({115, 120}), -1.0);
}

TEST(Ovary, NothingToGroupNoOvary) {
  const OvaryEstimate ovary = LocateOvary({}, Grid(), {});
  EXPECT_FALSE(ovary.found);
}

TEST(Ovary, FromAMapTheMostProbableRegionWins) {
  // 50 x 50 cells of 10 px: a strong region at the top left, a weak one at the bottom right.
  cv::Mat p(50, 50, CV_32F, cv::Scalar(0.02));
  p(cv::Rect(5, 5, 10, 8)).setTo(0.9);
  p(cv::Rect(35, 35, 6, 6)).setTo(0.45);
  const std::vector<OvaryMember> members{Disc({100, 90}, 12), Disc({380, 380}, 12)};
  const OvaryEstimate ovary = LocateOvaryFromMap(p, 10, {500, 500}, members, Grid(), {}, {});
  ASSERT_TRUE(ovary.found);
  EXPECT_TRUE(ovary.inside[0]);
  EXPECT_FALSE(ovary.inside[1]);
  EXPECT_GT(ovary.ProbabilityAt({100, 90}), 0.8);
  const cv::Rect box = cv::boundingRect(std::vector<cv::Point2f>(ovary.outline.begin(), ovary.outline.end()));
  EXPECT_NEAR(box.x, 50, 15);
  EXPECT_NEAR(box.width, 100, 25);
}

TEST(OvaryMap, CellFeaturesCoverTheFrame) {
  const auto grid = Grid();
  cv::Mat image(500, 500, CV_8UC1, cv::Scalar(100));
  cv::circle(image, {250, 250}, 60, 40, cv::FILLED);  // a hypoechoic oval
  const cv::Mat tissue(image.size(), CV_32F, cv::Scalar(100));
  const cv::Mat valid(image.size(), CV_8UC1, cv::Scalar(255));
  const OvaryCells cells = DescribeOvaryCells(image, tissue, valid, cv::Mat::zeros(image.size(), CV_8UC1), grid, {});
  EXPECT_EQ(cells.cell_px, 10);
  EXPECT_EQ(cells.grid, cv::Size(50, 50));
  EXPECT_EQ(cells.features.cols, kOvaryFeatureCount);
  EXPECT_EQ(cells.features.rows, 2500);
  EXPECT_EQ(int(OvaryFeatureNames().size()), kOvaryContextFeatureCount);
  // mean_2mm: darker in the oval than outside.
  EXPECT_LT(cells.features.at<float>(25 * 50 + 25, 0), 0.6f);
  EXPECT_NEAR(cells.features.at<float>(2 * 50 + 2, 0), 1.0f, 0.05f);
}

TEST(OvaryModel, MissingOrWrongFilesAreErrors) {
  EXPECT_FALSE(OvaryModel::Load("/nonexistent/ovary.yml.gz"));
}

}  // namespace
}  // namespace antra::pipeline
