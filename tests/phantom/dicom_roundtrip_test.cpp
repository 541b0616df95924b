// The DICOM the phantom writes reads back through Antra's own loader with the
// right calibration, pixels, identity and laterality.

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "eval/truth_json.h"
#include "io/open_image.h"
#include "phantom/generator.h"
#include "support/test_support.h"
#include "test_scene.h"

namespace antra::phantom {
namespace {

struct Written {
  GeneratedCase generated;
  std::unique_ptr<ImageSource> source;
};

Written WriteAndOpen(const std::filesystem::path& dir, const CaseSpec& spec) {
  Written w;
  w.generated = GenerateCase(spec);
  const Status s = WriteCase(w.generated, spec, dir);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  auto opened = OpenImage(dir / w.generated.truth.image_file);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  if (opened.ok()) w.source = std::move(opened).value();
  return w;
}

void ExpectCalibrated(const ImageSource& source, const GeneratedCase& g) {
  const ImageInfo& info = source.info();
  const Calibration& c = info.calibration;
  ASSERT_EQ(c.source(), CalibrationSource::kUltrasoundRegions);
  ASSERT_EQ(c.regions().size(), 1u);
  const UltrasoundRegion& r = c.regions()[0];
  EXPECT_TRUE(r.usable) << r.note;
  EXPECT_EQ(r.spatial_format, 1);
  EXPECT_EQ(r.data_type, 1);
  EXPECT_NEAR(r.scale().mm_per_px_x, g.truth.mm_per_px_x, 1e-9);
  EXPECT_NEAR(r.scale().mm_per_px_y, g.truth.mm_per_px_y, 1e-9);
  EXPECT_EQ(r.box, g.scene.probe.FanBox());
  // Every true follicle centre lies in the calibrated region.
  for (const auto& f : g.truth.frames) {
    for (const auto& fol : f.follicles) {
      if (fol.visible_fraction < 0.5) continue;
      EXPECT_NE(c.RegionAt(fol.center_px), nullptr);
      // And the loader's calibration measures the truth calipers as the truth says.
      const auto length = c.LengthMm(fol.long_axis_px.a, fol.long_axis_px.b);
      ASSERT_TRUE(length.has_value());
      EXPECT_NEAR(*length, fol.long_mm, 1e-6);
    }
  }
  for (const auto& w : info.warnings) ADD_FAILURE() << "loader warning: " << w;
}

TEST(PhantomDicom, MonochromeRoundTripsExactly) {
  antra::test::TempDir dir("phantom-mono");
  CaseSpec spec = scenes::StillSpec("mono", 21);
  spec.encoding = Encoding::kMonochrome2;
  const Written w = WriteAndOpen(dir.path(), spec);
  ASSERT_TRUE(w.source);
  const ImageInfo& info = w.source->info();
  EXPECT_EQ(info.sop_class_uid, "1.2.840.10008.5.1.4.1.1.6.1");
  EXPECT_EQ(info.photometric, "MONOCHROME2");
  EXPECT_EQ(info.width, 800);
  EXPECT_EQ(info.height, 600);
  EXPECT_EQ(info.frame_count, 1);
  EXPECT_TRUE(info.burned_in_annotation);
  EXPECT_EQ(info.sop_instance_uid.rfind("2.25.", 0), 0u);
  ExpectCalibrated(*w.source, w.generated);
  auto frame = w.source->ReadFrame(0);
  ASSERT_TRUE(frame.ok());
  cv::Mat expected;
  cv::cvtColor(w.generated.rgb.front(), expected, cv::COLOR_RGB2GRAY);
  EXPECT_EQ(cv::norm(frame->luma, expected, cv::NORM_INF), 0.0);
  EXPECT_EQ(w.source->identity().patient_name, "PHANTOM^P001");
  EXPECT_EQ(w.source->identity().patient_id, "PH-0001");
}

TEST(PhantomDicom, RgbRoundTripsExactly) {
  antra::test::TempDir dir("phantom-rgb");
  CaseSpec spec = scenes::StillSpec("rgb", 22);
  spec.encoding = Encoding::kRgb;
  spec.scene.difficulty = Difficulty::kHard;
  const Written w = WriteAndOpen(dir.path(), spec);
  ASSERT_TRUE(w.source);
  EXPECT_EQ(w.source->info().photometric, "RGB");
  ExpectCalibrated(*w.source, w.generated);
  auto frame = w.source->ReadFrame(0);
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(cv::norm(frame->rgb, w.generated.rgb.front(), cv::NORM_INF), 0.0);
}

TEST(PhantomDicom, JpegEncodingsDecodeCloseToTheOriginal) {
  antra::test::TempDir dir("phantom-jpeg");
  for (Encoding e : {Encoding::kMonochrome2Jpeg, Encoding::kYbrFull422Jpeg}) {
    CaseSpec spec = scenes::StillSpec(std::string("jpeg-") + ToString(e), 23);
    spec.encoding = e;
    const Written w = WriteAndOpen(dir.path(), spec);
    ASSERT_TRUE(w.source);
    EXPECT_EQ(w.source->info().photometric, e == Encoding::kYbrFull422Jpeg ? "YBR_FULL_422" : "MONOCHROME2");
    EXPECT_EQ(w.source->info().transfer_syntax_uid, "1.2.840.10008.1.2.4.50");
    ExpectCalibrated(*w.source, w.generated);
    auto frame = w.source->ReadFrame(0);
    ASSERT_TRUE(frame.ok());
    cv::Mat expected;
    cv::cvtColor(w.generated.rgb.front(), expected, cv::COLOR_RGB2GRAY);
    cv::Mat diff;
    cv::absdiff(frame->luma, expected, diff);
    EXPECT_LT(cv::mean(diff)[0], 3.0) << ToString(e);
  }
}

TEST(PhantomDicom, CineIsAMultiFrameWithFrameTimeAndOneRegion) {
  antra::test::TempDir dir("phantom-cine");
  CaseSpec spec = scenes::StillSpec("cine", 24);
  spec.frames = 5;
  spec.scene.cine = true;
  spec.scene.width = 512;
  spec.scene.height = 384;
  spec.frame_time_ms = 33;
  spec.encoding = Encoding::kYbrFull422Jpeg;
  spec.identity.laterality = "R";
  spec.identity.series_description = "ROV";
  const Written w = WriteAndOpen(dir.path(), spec);
  ASSERT_TRUE(w.source);
  const ImageInfo& info = w.source->info();
  EXPECT_EQ(info.sop_class_uid, "1.2.840.10008.5.1.4.1.1.3.1");
  EXPECT_EQ(info.frame_count, 5);
  ASSERT_TRUE(info.frame_time_ms.has_value());
  EXPECT_NEAR(*info.frame_time_ms, 33.0, 1e-6);
  EXPECT_EQ(info.laterality, "R");
  EXPECT_EQ(info.series_description, "ROV");
  ExpectCalibrated(*w.source, w.generated);
  for (int k = 0; k < 5; ++k) {
    auto frame = w.source->ReadFrame(k);
    ASSERT_TRUE(frame.ok());
    cv::Mat expected, diff;
    cv::cvtColor(w.generated.rgb[static_cast<size_t>(k)], expected, cv::COLOR_RGB2GRAY);
    cv::absdiff(frame->luma, expected, diff);
    EXPECT_LT(cv::mean(diff)[0], 3.0) << "frame " << k;
  }
}

TEST(PhantomDicom, TruthFileSitsBesideTheImageAndNamesIt) {
  antra::test::TempDir dir("phantom-truth-file");
  const CaseSpec spec = scenes::StillSpec("named", 25);
  const Written w = WriteAndOpen(dir.path(), spec);
  auto truth = eval::ReadTruthFile(dir / "named.truth.json");
  ASSERT_TRUE(truth.ok()) << truth.error().message;
  EXPECT_EQ(truth->image_file, "named.dcm");
  EXPECT_EQ(truth->stem, "named");
  EXPECT_EQ(truth->seed, 25u);
  ASSERT_TRUE(w.source);
  EXPECT_EQ(truth->scene["dicom"]["sop_instance_uid"], w.source->info().sop_instance_uid);
  EXPECT_EQ(truth->scene["dicom"]["study_instance_uid"], w.source->info().study_instance_uid);
}

TEST(PhantomDicom, PngExportIsUncalibratedButTruthKnowsTheScale) {
  antra::test::TempDir dir("phantom-png");
  CaseSpec spec = scenes::StillSpec("screen", 26);
  spec.format = OutputFormat::kPng;
  const Written w = WriteAndOpen(dir.path(), spec);
  ASSERT_TRUE(w.source);
  EXPECT_EQ(w.source->info().kind, SourceKind::kPlainImage);
  EXPECT_FALSE(w.source->info().calibration.calibrated());
  EXPECT_GT(w.generated.truth.mm_per_px_x, 0);
}

}  // namespace
}  // namespace antra::phantom
