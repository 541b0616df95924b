#include "pipeline/refine.h"

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "pipeline/measure.h"

namespace antra::pipeline {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A noise-free blurred step: lumen 20 inside radius R, wall/tissue 120 outside.
struct Disc {
  cv::Mat image, tissue, labels;
  Candidate candidate;
  WorkingGrid grid;
};

Disc MakeDisc(double radius, double core_fraction, double blur) {
  Disc d;
  cv::Mat big(400, 400, CV_8UC1, cv::Scalar(120));
  cv::circle(big, {200, 200}, int(std::lround(radius * 4)), 20, cv::FILLED, cv::LINE_AA);
  cv::Mat small;
  cv::resize(big, small, {100, 100}, 0, 0, cv::INTER_AREA);  // subpixel-accurate edge
  cv::GaussianBlur(small, d.image, {}, blur);
  d.tissue = cv::Mat(d.image.size(), CV_32F, cv::Scalar(120));
  d.grid = MakeWorkingGrid(d.image.size(), PixelScale{0.2, 0.2}, 100, {});
  // The candidate is the dark core only (what a threshold gives: too small).
  d.labels = cv::Mat::zeros(d.image.size(), CV_32S);
  const double c = 49.625;  // centre of the 400-px disc on the 100-px grid ((200 + 0.5) / 4 - 0.5)
  cv::circle(d.labels, {50, 50}, int(std::lround(radius * core_fraction)), 1, cv::FILLED);
  d.candidate.label = 1;
  d.candidate.box = cv::boundingRect(d.labels == 1);
  d.candidate.centroid = {c, c};
  d.candidate.area_px = cv::countNonZero(d.labels == 1);
  d.candidate.lumen_level = 20;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(cv::Mat(d.labels == 1), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
  d.candidate.contour = contours.front();
  return d;
}

double EquivalentRadius(const RefinedOutline& o) { return std::sqrt(PolygonArea(o.polygon) / kPi); }

TEST(RefineOutline, HalfWayEdgeOfABlurredStepIsTheTrueEdge) {
  for (double radius : {6.0, 12.0, 25.0}) {
    const Disc d = MakeDisc(radius, 0.75, 1.5);
    RefineOptions o;
    o.edge_fraction = 0.5;
    const RefinedOutline out = RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, o);
    EXPECT_NEAR(EquivalentRadius(out), radius, 0.35) << "radius " << radius;
    EXPECT_GT(out.edge_rays_fraction, 0.95);
  }
}

TEST(RefineOutline, GrowsAThresholdCoreToTheWall) {
  const Disc d = MakeDisc(15.0, 0.6, 2.0);
  RefineOptions o;
  o.edge_fraction = 0.5;
  const RefinedOutline out = RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, o);
  EXPECT_NEAR(EquivalentRadius(out), 15.0, 0.5);
}

TEST(RefineOutline, HigherEdgeFractionReadsLarger) {
  const Disc d = MakeDisc(12.0, 0.75, 2.0);
  RefineOptions low, high;
  low.edge_fraction = 0.4;
  high.edge_fraction = 0.7;
  const double r_low = EquivalentRadius(RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, low));
  const double r_high = EquivalentRadius(RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, high));
  EXPECT_LT(r_low, r_high);
}

TEST(RefineOutline, FlatImageFindsNoEdge) {
  Disc d = MakeDisc(10.0, 0.8, 1.0);
  d.image.setTo(60);
  const RefinedOutline out = RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, {});
  EXPECT_EQ(out.edge_rays_fraction, 0.0);
}

// An outline of `rays` radii r(angle) around (50, 50).
RefinedOutline OutlineOf(int rays, const std::function<double(double)>& radius) {
  RefinedOutline out;
  out.center = {50, 50};
  for (int i = 0; i < rays; ++i) {
    const double angle = 2 * CV_PI * i / rays;
    out.radii.push_back(radius(angle));
    out.polygon.push_back(out.center + out.radii.back() * cv::Point2d(std::cos(angle), std::sin(angle)));
  }
  return out;
}

TEST(TrimProtrusions, CutsALobeThroughTheWallBackToTheFolliclesRadius) {
  // A 10 px follicle whose outline ran through its wall into a neighbour
  // over 5 of 72 rays (25 degrees): those radii read 16 px.
  const RefinedOutline leaked = OutlineOf(72, [](double a) { return std::abs(a - 1.0) < 0.22 ? 16.0 : 10.0; });
  const RefinedOutline trimmed = TrimProtrusions(leaked, RefineOptions{});  // 1/6 of the rays, 10 %
  ASSERT_EQ(trimmed.radii.size(), 72u);
  for (size_t i = 0; i < 72; ++i) {
    EXPECT_LE(trimmed.radii[i], 11.0 + 1e-9) << i;
    EXPECT_NEAR(cv::norm(trimmed.polygon[i] - trimmed.center), trimmed.radii[i], 1e-9);
  }
  // The rest of the outline is untouched.
  EXPECT_DOUBLE_EQ(trimmed.radii[36], 10.0);
}

TEST(TrimProtrusions, LeavesAnOvalFollicleAlone) {
  // An ellipse with axes 12 and 7.2 px (ratio 0.6), radius in polar form.
  const RefinedOutline oval = OutlineOf(72, [](double a) {
    const double ax = 12, by = 7.2;
    return ax * by / std::hypot(by * std::cos(a), ax * std::sin(a));
  });
  const RefinedOutline trimmed = TrimProtrusions(oval, RefineOptions{});
  for (size_t i = 0; i < 72; ++i) EXPECT_NEAR(trimmed.radii[i], oval.radii[i], 1e-9) << i;
}

TEST(TrimProtrusions, DisabledOrTooFewRaysLeavesTheOutlineEqual) {
  const RefinedOutline leaked = OutlineOf(72, [](double a) { return a < 0.3 ? 20.0 : 10.0; });
  RefineOptions off;
  off.trim_window_fraction = 0;
  EXPECT_EQ(TrimProtrusions(leaked, off).radii, leaked.radii);
  RefinedOutline two = leaked;
  two.radii.resize(2);
  two.polygon.resize(2);
  EXPECT_EQ(TrimProtrusions(two, RefineOptions{}).radii, two.radii);
}

TEST(MeasuredOutline, TracesAgainAtTheMeasuringEdgeOnlyWhenItDiffers) {
  const Disc d = MakeDisc(12.0, 0.75, 2.0);
  RefineOptions o;
  const RefinedOutline judged = RefineOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, o);
  o.measure_edge_fraction = 0;  // measure what the judge saw
  EXPECT_EQ(MeasuredOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, o, judged).radii,
            TrimProtrusions(judged, o).radii);
  o.measure_edge_fraction = 0.8;  // further out on the wall
  EXPECT_GT(EquivalentRadius(MeasuredOutline(d.image, d.tissue, d.labels, d.candidate, d.grid, o, judged)),
            EquivalentRadius(judged));
}

// RoundToInt replaces std::lround in the hot loops: it must agree everywhere,
// above all at halves (away from zero), just beside them, and for negatives.
TEST(RoundToInt, AgreesWithLround) {
  std::vector<double> values = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
                                -0.49999999999999994, 1e6 + 0.5, -1e6 - 0.5, 123456.49999999999};
  for (double v : std::vector<double>(values)) {
    values.push_back(std::nextafter(v, 1e9));
    values.push_back(std::nextafter(v, -1e9));
  }
  cv::RNG rng(5);
  for (int i = 0; i < 200000; ++i) values.push_back(rng.uniform(-5000.0, 5000.0));
  for (int i = -4000; i <= 4000; ++i) values.push_back(i * 0.25);
  for (double v : values) EXPECT_EQ(RoundToInt(v), std::lround(v)) << std::hexfloat << v;
}

TEST(RefineOptions, Check) {
  RefineOptions o;
  EXPECT_TRUE(o.Check());
  o.smooth_rays = 4;
  EXPECT_FALSE(o.Check());
  o = {};
  o.edge_fraction = 1.0;
  EXPECT_FALSE(o.Check());
  o = {};
  o.measure_edge_fraction = 0.99;
  EXPECT_FALSE(o.Check());
  o.measure_edge_fraction = 0;  // the judge's edge fraction
  EXPECT_TRUE(o.Check());
  o.trim_window_fraction = -0.1;
  EXPECT_FALSE(o.Check());
  o = {};
  o.trim_max_excess = -1;
  EXPECT_FALSE(o.Check());
}

}  // namespace
}  // namespace antra::pipeline
