// DICOM decoding and bad-input handling on files written by the test itself.

#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "dicom/dicom_source.h"
#include "dicom/synthetic_dicom.h"
#include "io/image_info_json.h"
#include "io/open_image.h"
#include "support/test_support.h"

namespace antra {
namespace {

using test::SyntheticDicom;

class SyntheticDicomTest : public ::testing::Test {
 protected:
  std::filesystem::path Write(const SyntheticDicom& d, const std::string& name) {
    const auto path = dir_ / name;
    d.Write(path);
    return path;
  }
  test::TempDir dir_{"dicom-synthetic"};
};

TEST_F(SyntheticDicomTest, MultiFrameMonochromeDecodesEveryFrameInAnyOrder) {
  SyntheticDicom d;
  d.frames = 5;
  d.FillPattern();
  auto source = OpenDicom(Write(d, "mono.dcm"));
  ASSERT_TRUE(source) << source.error().message;
  ASSERT_EQ((*source)->info().frame_count, 5);
  const size_t frame_bytes = static_cast<size_t>(d.rows) * d.columns;
  for (int i : {4, 0, 2, 1, 3}) {
    auto frame = (*source)->ReadFrame(i);
    ASSERT_TRUE(frame) << frame.error().message;
    EXPECT_EQ(frame->index, i);
    const cv::Mat expected(d.rows, d.columns, CV_8U, d.pixels.data() + i * frame_bytes);
    EXPECT_EQ(cv::norm(frame->luma, expected, cv::NORM_INF), 0) << "frame " << i;
  }
  EXPECT_EQ((*source)->ReadFrame(5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*source)->ReadFrame(-1).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SyntheticDicomTest, ImplicitVrAndPlanarRgbDecode) {
  SyntheticDicom d;
  d.samples_per_pixel = 3;
  d.photometric = "RGB";
  d.planar_configuration = 1;
  d.implicit_vr = true;
  d.rows = 2;
  d.columns = 2;
  // Planes: R all 200, G all 100, B all 50.
  d.pixels = {200, 200, 200, 200, 100, 100, 100, 100, 50, 50, 50, 50};
  auto source = OpenDicom(Write(d, "rgb.dcm"));
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ((*source)->info().transfer_syntax_uid, "1.2.840.10008.1.2");
  auto frame = (*source)->ReadFrame(0);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->rgb.at<cv::Vec3b>(1, 1), cv::Vec3b(200, 100, 50));
}

TEST_F(SyntheticDicomTest, SegmentedPaletteImageDecodes) {
  SyntheticDicom d;
  d.photometric = "PALETTE COLOR";
  d.rows = 1;
  d.columns = 4;
  d.pixels = {0, 1, 2, 3};
  d.palette_descriptor = {4, 0, 16};
  d.segmented_palette = true;
  d.red = {0, 1, 0x0000, 1, 3, 0xFF00};
  d.green = {0, 4, 0x1000, 0x1000, 0x1000, 0x1000};
  d.blue = {0, 4, 0, 0, 0, 0xFF00};
  auto source = OpenDicom(Write(d, "palette.dcm"));
  ASSERT_TRUE(source) << source.error().message;
  auto frame = (*source)->ReadFrame(0);
  ASSERT_TRUE(frame) << frame.error().message;
  EXPECT_EQ(frame->rgb.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 16, 0));
  EXPECT_EQ(frame->rgb.at<cv::Vec3b>(0, 3), cv::Vec3b(255, 16, 255));
}

TEST_F(SyntheticDicomTest, CalibrationFromRegionsThenPixelSpacingThenNone) {
  SyntheticDicom d;
  d.FillPattern();
  d.regions = {{0, 0, 79, 63, 0.0145117, 0.0145117}};
  auto with_region = OpenDicom(Write(d, "region.dcm"));
  ASSERT_TRUE(with_region);
  EXPECT_EQ((*with_region)->info().calibration.source(), CalibrationSource::kUltrasoundRegions);
  EXPECT_NEAR((*with_region)->info().calibration.NominalScale()->mm_per_px_x, 0.145117, 1e-12);

  d.regions.clear();
  d.pixel_spacing_mm = {{0.3, 0.2}};  // row spacing (y), column spacing (x)
  auto with_spacing = OpenDicom(Write(d, "spacing.dcm"));
  ASSERT_TRUE(with_spacing);
  const auto& c = (*with_spacing)->info().calibration;
  EXPECT_EQ(c.source(), CalibrationSource::kPixelSpacing);
  EXPECT_NEAR(c.NominalScale()->mm_per_px_x, 0.2, 1e-12);
  EXPECT_NEAR(c.NominalScale()->mm_per_px_y, 0.3, 1e-12);

  d.pixel_spacing_mm.reset();
  d.regions = {{0, 0, 500, 500, 0.02, 0.02}};  // box past the 80x64 image
  auto none = OpenDicom(Write(d, "none.dcm"));
  ASSERT_TRUE(none);
  EXPECT_FALSE((*none)->info().calibration.calibrated());
  EXPECT_NE((*none)->info().calibration.detail().find("runs past"), std::string::npos);
}

TEST_F(SyntheticDicomTest, IdentityStaysOutOfImageInfo) {
  SyntheticDicom d;
  d.FillPattern();
  d.image_laterality = "L";
  auto source = OpenDicom(Write(d, "identity.dcm"));
  ASSERT_TRUE(source);
  EXPECT_EQ((*source)->identity().patient_id, "PH-TEST");
  EXPECT_EQ((*source)->info().laterality, "L");
  const std::string json = ImageInfoToJson((*source)->info()).dump();
  EXPECT_EQ(json.find("PH-TEST"), std::string::npos);
  EXPECT_EQ(json.find("PHANTOM"), std::string::npos);
}

TEST_F(SyntheticDicomTest, AbsurdHeaderIsRefusedBeforeAllocating) {
  SyntheticDicom d;
  d.FillPattern();
  d.declared_rows = 65535;
  d.declared_columns = 65535;
  d.declared_frames = 10000;
  auto source = OpenImage(Write(d, "huge.dcm"));
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(source.error().message.find("65535"), std::string::npos) << source.error().message;

  // Within the size limits but far more frames than the file could hold.
  d.declared_rows = 4000;
  d.declared_columns = 4000;
  d.declared_frames = 1000;
  auto bomb = OpenImage(Write(d, "bomb.dcm"));
  ASSERT_FALSE(bomb);
  EXPECT_EQ(bomb.error().code, ErrorCode::kLimitExceeded);
}

TEST_F(SyntheticDicomTest, MoreFramesDeclaredThanStoredIsTruncation) {
  SyntheticDicom d;
  d.FillPattern();
  d.declared_frames = 3;
  auto source = OpenImage(Write(d, "short.dcm"));
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kTruncated);
}

TEST_F(SyntheticDicomTest, EveryTruncationPointGivesAnErrorOrAValidImageNeverACrash) {
  SyntheticDicom d;
  d.frames = 2;
  d.FillPattern();
  d.regions = {{0, 0, 79, 63, 0.02, 0.02}};
  const auto full = Write(d, "full.dcm");
  const std::string bytes = test::ReadBytes(full);
  int refused = 0;
  for (size_t cut = 0; cut < bytes.size(); cut += std::max<size_t>(1, bytes.size() / 97)) {
    const auto path = dir_ / ("cut" + std::to_string(cut) + ".dcm");
    test::WriteBytes(path, bytes.substr(0, cut));
    auto source = OpenImage(path);
    if (!source) {
      EXPECT_FALSE(source.error().message.empty());
      EXPECT_EQ(source.error().message.find('\n'), std::string::npos);
      ++refused;
      continue;
    }
    for (int i = 0; i < (*source)->info().frame_count; ++i) {
      auto frame = (*source)->ReadFrame(i);
      if (!frame) {
        EXPECT_FALSE(frame.error().message.empty());
      }
    }
  }
  EXPECT_GT(refused, 80);  // almost every cut loses pixel data
}

TEST_F(SyntheticDicomTest, BadFilesGetClearReasons) {
  const auto missing = OpenImage(dir_ / "does-not-exist.dcm");
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(OpenImage(dir_.path()).error().code, ErrorCode::kNotARegularFile);
  test::WriteBytes(dir_ / "empty.dcm", "");
  EXPECT_EQ(OpenImage(dir_ / "empty.dcm").error().code, ErrorCode::kEmptyFile);
  test::WriteBytes(dir_ / "notes.txt", "Patient list\nnothing to see\n");
  EXPECT_EQ(OpenImage(dir_ / "notes.txt").error().code, ErrorCode::kNotDicom);
  // A DICOM preamble followed by garbage.
  test::WriteBytes(dir_ / "garbage.dcm", std::string(128, '\0') + "DICM" + std::string(300, '\xAB'));
  const auto garbage = OpenImage(dir_ / "garbage.dcm");
  ASSERT_FALSE(garbage);
  EXPECT_FALSE(garbage.error().message.empty());
}

// A file of nothing but nested undefined-length sequences: DCMTK would recurse
// once per level and overflow the stack.
std::string NestedSequences(int depth, bool explicit_vr) {
  auto le16 = [](std::uint16_t v) { return std::string{char(v & 0xFF), char(v >> 8)}; };
  auto le32 = [](std::uint32_t v) {
    return std::string{char(v & 0xFF), char((v >> 8) & 0xFF), char((v >> 16) & 0xFF), char(v >> 24)};
  };
  const std::string syntax = explicit_vr ? std::string("1.2.840.10008.1.2.1\0", 20) : std::string("1.2.840.10008.1.2\0", 18);
  const std::string ts = le16(2) + le16(0x10) + "UI" + le16(static_cast<std::uint16_t>(syntax.size())) + syntax;
  const std::string meta = le16(2) + le16(0) + "UL" + le16(4) + le32(static_cast<std::uint32_t>(ts.size())) + ts;
  const std::string sq = explicit_vr ? le16(8) + le16(0x1115) + "SQ" + le16(0) + le32(0xFFFFFFFF)
                                     : le16(8) + le16(0x1115) + le32(0xFFFFFFFF);
  const std::string item = le16(0xFFFE) + le16(0xE000) + le32(0xFFFFFFFF);
  std::string body;
  for (int i = 0; i < depth; ++i) body += sq + item;
  return std::string(128, '\0') + "DICM" + meta + body;
}

TEST_F(SyntheticDicomTest, DeeplyNestedSequencesAreRefusedNotAStackOverflow) {
  for (bool explicit_vr : {true, false}) {
    const auto path = dir_ / (explicit_vr ? "deep-explicit.dcm" : "deep-implicit.dcm");
    test::WriteBytes(path, NestedSequences(200000, explicit_vr));
    auto source = OpenImage(path);
    ASSERT_FALSE(source);
    EXPECT_EQ(source.error().code, ErrorCode::kLimitExceeded) << source.error().message;
  }
  // Ordinary nesting is not refused by the limit (the file has no image, so it
  // fails later for that reason instead).
  test::WriteBytes(dir_ / "shallow.dcm", NestedSequences(5, true));
  auto shallow = OpenImage(dir_ / "shallow.dcm");
  ASSERT_FALSE(shallow);
  EXPECT_NE(shallow.error().code, ErrorCode::kLimitExceeded);
}

// Found by fuzzing (fuzz_dicom, out-of-memory): DCMTK allocated the declared
// length of a private element, 4 GiB, in a 100 KiB file.
TEST_F(SyntheticDicomTest, ValueDeclaredLongerThanTheFileIsRefusedBeforeAllocating) {
  SyntheticDicom d;
  d.FillPattern();
  const auto path = Write(d, "huge-private.dcm");
  // A private element (0009,0010) UN whose declared length runs far past the end.
  const char element[] = {0x09, 0x00, 0x10, 0x00, 'U', 'N', 0x00, 0x00,
                          0x00, static_cast<char>(0xFF), static_cast<char>(0xFF), static_cast<char>(0xFF)};
  std::string bytes = test::ReadBytes(path);
  // Insert it just before (0010,0010) PatientName, an element boundary.
  const std::string patient_name_tag("\x10\x00\x10\x00PN", 6);
  const size_t at = bytes.find(patient_name_tag);
  ASSERT_NE(at, std::string::npos);
  bytes.insert(at, std::string(element, sizeof element));
  test::WriteBytes(path, bytes);
  auto source = OpenImage(path);
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kTruncated) << source.error().message;
  EXPECT_NE(source.error().message.find("(0009,0010)"), std::string::npos) << source.error().message;
}

TEST_F(SyntheticDicomTest, SniffingFindsDicomWhateverItsName) {
  SyntheticDicom d;
  d.FillPattern();
  const auto path = Write(d, "IM000123");
  EXPECT_TRUE(LooksLikeDicom(path));
  test::WriteBytes(dir_ / "readme", "hello");
  EXPECT_FALSE(LooksLikeDicom(dir_ / "readme"));
}

}  // namespace
}  // namespace antra
