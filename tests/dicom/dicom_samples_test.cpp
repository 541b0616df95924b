// The real ultrasound samples in ../shared/dicom-samples (skipped when absent).
//
// Expected mean luma values were computed independently of Antra's decoding
// path with GDCM and DCMTK's dcmj2pnm by tools/dev/reference_pixel_stats.py
// (see its docstring). Tolerance 0.25 grey levels covers IJG vs libjpeg-turbo
// differences and Antra rounding luma per pixel.

#include <algorithm>
#include <cstdlib>
#include <regex>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "dicom/dicom_source.h"
#include "io/image_info_json.h"
#include "io/open_image.h"
#include "support/test_support.h"

namespace antra {
namespace {

struct Sample {
  const char* file;
  int width, height, frames;
  double mean_first, mean_last;  // reference luma
  double mm_x, mm_y;              // 0 = uncalibrated
  const char* transfer_syntax;
};

const Sample kSamples[] = {
    {"JPGLosslessP14SV1_1s_1f_8b.dcm", 1024, 768, 1, 17.258, 17.258, 0.254767, 0.254767, "1.2.840.10008.1.2.4.70"},
    {"OBXXXX1A.dcm", 800, 600, 1, 11.846, 11.846, 0.262288, 0.262288, "1.2.840.10008.1.2.1"},
    {"OBXXXX1A_rle_2frame.dcm", 800, 600, 2, 11.846, 39.977, 0.262288, 0.262288, "1.2.840.10008.1.2.5"},
    {"US1_J2KR.dcm", 640, 480, 1, 35.597, 35.597, 0, 0, "1.2.840.10008.1.2.4.90"},
    {"examples_ybr_color.dcm", 320, 240, 30, 9.482, 10.619, 0, 0, "1.2.840.10008.1.2.4.50"},
    {"fodicom_DIRW0007.dcm", 576, 456, 65, 28.029, 28.609, 0.524781, 0.524781, "1.2.840.10008.1.2.4.50"},
    {"gdcm-US-ALOKA-16.dcm", 640, 480, 1, 29.414, 29.414, 0.382653, 0.382653, "1.2.840.10008.1.2"},
    {"orthanc_Implicit-vr-us-palette.dcm", 800, 600, 1, 25.967, 25.967, 0.165096, 0.165096, "1.2.840.10008.1.2"},
    {"orthanc_Issue16.dcm", 480, 430, 34, 17.629, 17.785, 0.285714, 0.228571, "1.2.840.10008.1.2.4.50"},
    {"orthanc_Issue164_VolusonS.dcm", 975, 743, 87, 7.866, 7.861, 0.259386, 0.259386, "1.2.840.10008.1.2.4.50"},
    {"orthanc_RLE_YBR_FULL_planar1_Mindray.dcm", 1260, 910, 1, 6.734, 6.734, 0.145117, 0.145117, "1.2.840.10008.1.2.5"},
    {"orthanc_jp2k91YBR-ICT.dcm", 1660, 965, 1, 33.263, 33.263, 0.0472941, 0.0472941, "1.2.840.10008.1.2.4.91"},
};

void PrintTo(const Sample& s, std::ostream* out) { *out << s.file; }

class DicomSampleTest : public ::testing::TestWithParam<Sample> {};

std::unique_ptr<ImageSource> OpenSample(const std::string& name) {
  auto source = OpenImage(*test::DicomSamplesDir() / name);
  if (!source) ADD_FAILURE() << name << ": " << source.error().message;
  return source ? std::move(source).value() : nullptr;
}

TEST_P(DicomSampleTest, DecodesWithIndependentlyVerifiedPixels) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const Sample& s = GetParam();
  auto source = OpenSample(s.file);
  ASSERT_TRUE(source);
  const ImageInfo& info = source->info();
  EXPECT_EQ(info.width, s.width);
  EXPECT_EQ(info.height, s.height);
  EXPECT_EQ(info.frame_count, s.frames);
  EXPECT_EQ(info.transfer_syntax_uid, s.transfer_syntax);
  for (int index : {0, s.frames - 1}) {
    auto frame = source->ReadFrame(index);
    ASSERT_TRUE(frame) << frame.error().message;
    ASSERT_EQ(frame->luma.type(), CV_8UC1);
    ASSERT_EQ(frame->rgb.type(), CV_8UC3);
    EXPECT_EQ(frame->luma.cols, s.width);
    EXPECT_EQ(frame->luma.rows, s.height);
    const double expected = index == 0 ? s.mean_first : s.mean_last;
    EXPECT_NEAR(cv::mean(frame->luma)[0], expected, 0.25) << "frame " << index;
  }
}

TEST_P(DicomSampleTest, CalibrationMatchesTheUltrasoundRegions) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const Sample& s = GetParam();
  auto source = OpenSample(s.file);
  ASSERT_TRUE(source);
  const Calibration& c = source->info().calibration;
  if (s.mm_x == 0) {
    EXPECT_FALSE(c.calibrated()) << c.detail();
    EXPECT_FALSE(c.detail().empty());
    return;
  }
  ASSERT_TRUE(c.calibrated()) << c.detail();
  EXPECT_EQ(c.source(), CalibrationSource::kUltrasoundRegions);
  const auto scale = c.NominalScale();
  EXPECT_NEAR(scale->mm_per_px_x, s.mm_x, 1e-6);
  EXPECT_NEAR(scale->mm_per_px_y, s.mm_y, 1e-6);
  // The JSON carries the scale with at least 6 significant digits.
  const auto json = ImageInfoToJson(source->info());
  bool found = false;
  for (const auto& region : json["calibration"]["regions"]) {
    if (!region["usable"].get<bool>()) continue;
    const auto& x = region["mm_per_pixel"]["x"];
    EXPECT_NEAR(x.get<double>(), s.mm_x, s.mm_x * 5e-6);  // the table is rounded to 6 digits
    std::string digits = x.dump();
    digits.erase(0, digits.find_first_not_of("0."));
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    EXPECT_GE(digits.size(), 6u) << x.dump();
    found = true;
  }
  EXPECT_TRUE(found);
}

class DicomCineSampleTest : public DicomSampleTest {};

TEST_P(DicomCineSampleTest, FramesReadOutOfOrderEqualFramesReadInOrder) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const Sample& s = GetParam();
  auto sequential = OpenSample(s.file);
  auto random = OpenSample(s.file);
  ASSERT_TRUE(sequential && random);
  std::vector<cv::Mat> in_order;
  for (int i = 0; i < s.frames; ++i) in_order.push_back(sequential->ReadFrame(i)->luma);
  for (int i : {s.frames - 1, 0, s.frames / 2, 1, s.frames - 2}) {
    auto frame = random->ReadFrame(i);
    ASSERT_TRUE(frame) << frame.error().message;
    EXPECT_EQ(cv::norm(frame->luma, in_order[i], cv::NORM_INF), 0) << "frame " << i;
  }
}

std::string SampleName(const ::testing::TestParamInfo<Sample>& param_info) {
  std::string name = param_info.param.file;
  name = name.substr(0, name.find('.'));
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::vector<Sample> MultiFrameSamples() {
  std::vector<Sample> out;
  for (const auto& s : kSamples) {
    if (s.frames >= 3) out.push_back(s);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Samples, DicomSampleTest, ::testing::ValuesIn(kSamples), SampleName);
INSTANTIATE_TEST_SUITE_P(Samples, DicomCineSampleTest, ::testing::ValuesIn(MultiFrameSamples()), SampleName);

// Scanner-printed caliper lengths: endpoints from ../shared/dicom-samples/README.md.
struct CaliperCase {
  const char* file;
  cv::Point2d a, b;
  double printed_mm;
  double tolerance_mm;
};

TEST(DicomCaliperTest, ReproducesScannerPrintedLengths) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const CaliperCase cases[] = {
      {"orthanc_RLE_YBR_FULL_planar1_Mindray.dcm", {411, 470}, {450, 505}, 7.60, 0.05},
      {"orthanc_RLE_YBR_FULL_planar1_Mindray.dcm", {508, 483}, {505, 545}, 9.01, 0.05},
      {"orthanc_RLE_YBR_FULL_planar1_Mindray.dcm", {578, 533}, {667, 554}, 13.27, 0.05},
      {"orthanc_Implicit-vr-us-palette.dcm", {315.5, 241.5}, {322.5, 304.5}, 10.47, 0.05},
      {"OBXXXX1A.dcm", {459.5, 290.5}, {498.5, 301.5}, 10.63, 0.05},
      // Endpoints only approximate ("about") in the README; printed with 2 digits.
      {"JPGLosslessP14SV1_1s_1f_8b.dcm", {629, 319}, {689, 435}, 33.0, 0.5},
  };
  for (const auto& c : cases) {
    auto source = OpenSample(c.file);
    ASSERT_TRUE(source);
    const auto mm = source->info().calibration.LengthMm(c.a, c.b);
    ASSERT_TRUE(mm) << c.file;
    EXPECT_NEAR(*mm, c.printed_mm, c.tolerance_mm) << c.file;
  }
}

TEST(DicomCaliperTest, CaliperCrossesAreWhereTheReadmeSaysInTheDecodedPixels) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  // The Mindray caliper "+" centres are bright on a near-black background:
  // this checks geometry (no row/column shift or planar mix-up) of the decode.
  auto source = OpenSample("orthanc_RLE_YBR_FULL_planar1_Mindray.dcm");
  ASSERT_TRUE(source);
  auto frame = source->ReadFrame(0);
  ASSERT_TRUE(frame);
  for (const cv::Point p : {cv::Point(411, 470), cv::Point(450, 505), cv::Point(508, 483), cv::Point(505, 545),
                            cv::Point(578, 533), cv::Point(667, 554)}) {
    const cv::Mat patch = frame->luma(cv::Rect(p.x - 1, p.y - 1, 3, 3));
    double max_value = 0;
    cv::minMaxLoc(patch, nullptr, &max_value);
    EXPECT_GT(max_value, 150) << "no caliper cross at " << p;
  }
}

TEST(DicomRobustnessTest, WrongDelimiterFileIsRecoveredWithItsNegativeDelta) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  auto source = OpenSample("fodicom_DIRW0007.dcm");
  ASSERT_TRUE(source);
  EXPECT_TRUE(source->info().recovered_from_parse_error);
  const auto& regions = source->info().calibration.regions();
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_FALSE(regions[0].usable);
  EXPECT_TRUE(regions[1].usable);
  EXPECT_LT(regions[1].physical_delta_x, 0);
  EXPECT_NEAR(regions[1].scale().mm_per_px_x, 0.524781, 1e-6);
}

TEST(DicomRobustnessTest, StrayItemTagFileIsRefusedCleanly) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  auto source = OpenImage(*test::DicomSamplesDir() / "fodicom_GH364.dcm");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(source.error().message.find('\n'), std::string::npos);
}

TEST(DicomRobustnessTest, TruncatedSamplesFailCleanly) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  test::TempDir dir("truncated-samples");
  for (const auto& s : kSamples) {
    const std::string bytes = test::ReadBytes(*test::DicomSamplesDir() / s.file);
    for (double fraction : {0.1, 0.5, 0.9, 0.999}) {
      const auto path = dir / (std::string(s.file) + ".cut");
      test::WriteBytes(path, bytes.substr(0, static_cast<size_t>(bytes.size() * fraction)));
      auto source = OpenImage(path);
      if (!source) {
        EXPECT_FALSE(source.error().message.empty());
        continue;
      }
      // Opened (the cut may only remove trailing frames): every frame either
      // decodes or reports why, and the last frame cannot all be there.
      bool any_failed = false;
      for (int i = 0; i < (*source)->info().frame_count; ++i) {
        auto frame = (*source)->ReadFrame(i);
        if (!frame) {
          any_failed = true;
          EXPECT_FALSE(frame.error().message.empty());
        }
      }
      EXPECT_TRUE(any_failed) << s.file << " cut to " << fraction << " decoded completely";
    }
  }
}

// The only JPEG-LS sample is malformed; make a valid one with GDCM and check
// that the lossless round trip gives the original pixels exactly.
TEST(DicomJpegLsTest, GdcmConvertedJpegLsDecodesToTheOriginalPixels) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  if (std::system("command -v gdcmconv > /dev/null 2>&1") != 0) {
    FAIL() << "gdcmconv (Debian libgdcm-tools) is required";
  }
  test::TempDir dir("jpegls");
  for (const char* name : {"JPGLosslessP14SV1_1s_1f_8b.dcm", "orthanc_RLE_YBR_FULL_planar1_Mindray.dcm"}) {
    const auto original = *test::DicomSamplesDir() / name;
    const auto converted = dir / (std::string(name) + ".jls.dcm");
    const std::string command = "gdcmconv --jpegls '" + original.string() + "' '" + converted.string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    auto a = OpenImage(original);
    auto b = OpenImage(converted);
    ASSERT_TRUE(a && b) << (b ? "" : b.error().message);
    EXPECT_EQ((*b)->info().transfer_syntax_uid, "1.2.840.10008.1.2.4.80");
    auto fa = (*a)->ReadFrame(0);
    auto fb = (*b)->ReadFrame(0);
    ASSERT_TRUE(fa && fb) << (fb ? "" : fb.error().message);
    EXPECT_EQ(cv::norm(fa->rgb, fb->rgb, cv::NORM_INF), 0) << name;
  }
}

}  // namespace
}  // namespace antra
