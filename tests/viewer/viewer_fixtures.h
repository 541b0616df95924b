#pragma once
// Test images for the viewer, written by the tests themselves (nothing from
// ../shared): a speckle-like background with dark elliptical "follicles" at
// known places, a known pixel size (one ultrasound region) or none, and the
// matching analysis JSON, as `antra analyze` would write it.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/analysis.h"

namespace antra::test {

struct FixtureFollicle {
  cv::Point2d center;   // image pixels
  double radius_x = 20;  // half the horizontal diameter, pixels
  double radius_y = 15;
  // Cines: radius grows by this fraction per frame away from frame 0 ... peaks at `peak_frame`.
  int peak_frame = 0;
};

struct FixtureImage {
  int width = 640;
  int height = 480;
  int frames = 1;
  std::optional<double> mm_per_px = 0.2;  // empty: uncalibrated (no regions)
  // Two side-by-side panes with different pixel sizes (left, right), instead of one region.
  std::optional<std::pair<double, double>> two_panes_mm_per_px;
  std::vector<FixtureFollicle> follicles;
  std::optional<double> frame_time_ms;
  bool jpeg = false;
  std::string sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.1";
  std::string laterality;
  std::string study_date = "20260105";
  std::string patient_id = "PH-TEST";
  // A flat patch of one grey value, for checking window/level on screen.
  std::optional<cv::Rect> patch;
  int patch_value = 90;

  // The follicle's horizontal and vertical radii on `frame` (cines breathe).
  cv::Point2d RadiiAt(const FixtureFollicle& f, int frame) const;
};

void WriteFixtureImage(const std::filesystem::path& path, const FixtureImage& image);
// The analysis of the fixture: one follicle per ellipse per frame (cine:
// linked across frames, measured at its largest), calipers along the axes.
ImageAnalysis FixtureAnalysis(const FixtureImage& image);
void WriteAnalysisJson(const std::filesystem::path& path, const ImageAnalysis& analysis);

// Three follicles of known sizes on a 640 x 480 image.
FixtureImage ThreeFollicles();

}  // namespace antra::test

namespace antra::test {

// A small study through the study library (RunStudy, as `antra study` does):
// one subject, visits 0 and 1 (14 days apart), each with a left and a right
// still analysed as FixtureAnalysis. Visit 0 left: ThreeFollicles (7, 4 and
// 12 mm); visit 0 right: one 6 mm follicle.
struct FixtureStudy {
  std::filesystem::path results;
  std::vector<std::filesystem::path> files;  // v0 left, v0 right, v1 left, v1 right
};
// With `analysis_misses_one`, visit 0 left's analysis leaves out the 4 mm
// follicle the image shows (as the pipeline may miss one).
FixtureStudy WriteFixtureStudy(const std::filesystem::path& dir, bool key_images = false,
                               bool analysis_misses_one = false);

}  // namespace antra::test
