// The pipeline on real images from ../shared (skipped when it is absent):
// every DICOM sample that can be read is analysed without error, and on the
// 205 GE Voluson screens with expert ovary masks the depth ruler is read and
// detections stay mostly inside the ovary. The bounds are regression floors
// at today's measured values less a margin (BENCHMARKS.md has the numbers);
// the target (< 5 % outside the ovary) is not met yet.

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

TEST(RealSamples, EveryReadableDicomSampleIsAnalysed) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  int analysed = 0;
  for (const auto& entry : fs::directory_iterator(*test::DicomSamplesDir())) {
    if (entry.path().extension() != ".dcm") continue;
    auto source = OpenImage(entry.path());
    if (!source) continue;  // the malformed samples fail to open, cleanly (tested in tests/dicom)
    pipeline::AnalyzeOptions options;
    options.frame = 0;  // one frame each keeps the suite quick
    auto analysis = pipeline::AnalyzeImage(**source, options);
    ASSERT_TRUE(analysis) << entry.path() << ": " << analysis.error().message;
    ++analysed;
    if (entry.path().filename() == "orthanc_RLE_YBR_FULL_planar1_Mindray.dcm") {
      // Calipers and text on a frame with no visible tissue: nothing to find.
      EXPECT_TRUE(analysis->frames.front().follicles.empty());
    }
  }
  EXPECT_GE(analysed, 11);
}

TEST(RealSamples, RulerAndOvaryOnScreensWithExpertMasks) {
  ANTRA_REQUIRE_REAL_SAMPLES();
  const fs::path dir = *test::RealSamplesDir();
  int images = 0, ruler = 0, detections = 0, outside = 0;
  for (const auto& entry : fs::directory_iterator(dir / "images")) {
    const cv::Mat mask = cv::imread((dir / "ovary-masks" / (entry.path().stem().string() + ".PNG")).string(),
                                    cv::IMREAD_GRAYSCALE);
    auto source = OpenImage(entry.path());
    ASSERT_TRUE(source) << entry.path();
    auto analysis = pipeline::AnalyzeImage(**source, {});
    ASSERT_TRUE(analysis) << entry.path();
    ++images;
    if (analysis->calibration.source() == CalibrationSource::kRuler) ++ruler;
    for (const auto& f : analysis->frames.front().follicles) {
      ++detections;
      const cv::Point c(int(std::lround(f.center_px.x)), int(std::lround(f.center_px.y)));
      const bool in = !mask.empty() && c.x >= 0 && c.y >= 0 && c.x < mask.cols && c.y < mask.rows && mask.at<uchar>(c);
      if (!in) ++outside;
    }
  }
  ASSERT_EQ(images, 205);
  // Measured 198 (192 from clear marks alone); the other 7 show no ruler (cropped
  // transabdominal screens).
  EXPECT_GE(ruler, 197);
  // Measured with the models retrained on poor-reserve stills too
  // (2026-11-26): 267 detections, 0.288 outside (before: 325, 0.354).
  EXPECT_GE(detections, 240);
  EXPECT_LE(double(outside) / std::max(1, detections), 0.35);
}

}  // namespace
}  // namespace antra
