// Antra's own RLE Lossless decoder: PS3.5 Annex G byte order, agreement with
// DCMTK's encoder on every layout scanners write, and refusal (never a crash)
// of hostile segment tables such as the one fuzz_dicom found in DCMTK's decoder.

#include <cstring>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "dicom/rle_frames.h"
#include "dicom/synthetic_dicom.h"
#include "dicom/test_layout.h"
#include "io/open_image.h"
#include "support/test_support.h"

namespace antra {
namespace {

using test::SyntheticDicom;

// Colour as DecodeRleFrame returns it: one plane per sample.
PixelLayout Layout(int width, int height, int samples, int bits) {
  return samples == 3 ? test::TestLayout(width, height, 3, bits, "RGB", 1)
                      : test::TestLayout(width, height, 1, bits, "MONOCHROME2");
}

void PutUint32Le(std::vector<std::uint8_t>& bytes, size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// A frame: the 64-byte header, then the given segments.
std::vector<std::uint8_t> RleFrame(const std::vector<std::vector<std::uint8_t>>& segments) {
  std::vector<std::uint8_t> bytes(64, 0);
  PutUint32Le(bytes, 0, static_cast<std::uint32_t>(segments.size()));
  for (size_t s = 0; s < segments.size(); ++s) {
    PutUint32Le(bytes, 4 + 4 * s, static_cast<std::uint32_t>(bytes.size()));
    bytes.insert(bytes.end(), segments[s].begin(), segments[s].end());
  }
  return bytes;
}

TEST(RleFramesTest, LiteralRepeatAndNoOpRunsDecode) {
  // 4 x 2 pixels: literal {1, 2, 3}, a no-op, then 5 repeated 9s.
  const auto frame = RleFrame({{0x02, 1, 2, 3, 0x80, 0xFC, 9}});
  auto decoded = DecodeRleFrame(frame, Layout(4, 2, 1, 8));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, (std::vector<std::uint8_t>{1, 2, 3, 9, 9, 9, 9, 9}));
}

TEST(RleFramesTest, SixteenBitSamplesComeMostSignificantSegmentFirst) {
  // Two pixels 0x1234 and 0xABCD: segment 0 holds the high bytes.
  const auto frame = RleFrame({{0x01, 0x12, 0xAB}, {0x01, 0x34, 0xCD}});
  auto decoded = DecodeRleFrame(frame, Layout(2, 1, 1, 16));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, (std::vector<std::uint8_t>{0x34, 0x12, 0xCD, 0xAB}));  // little endian
}

TEST(RleFramesTest, AnEncoderPadByteAfterAFullSegmentIsAccepted) {
  const auto frame = RleFrame({{0x01, 7, 8, 0x00}});
  auto decoded = DecodeRleFrame(frame, Layout(2, 1, 1, 8));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, (std::vector<std::uint8_t>{7, 8}));
}

struct HostileCase {
  const char* name;
  std::vector<std::uint8_t> bytes;
};

std::vector<HostileCase> HostileFrames() {
  std::vector<HostileCase> cases;
  cases.push_back({"shorter than the header", std::vector<std::uint8_t>(20, 0)});
  auto no_segments = RleFrame({{0x00, 1}});
  PutUint32Le(no_segments, 0, 0);
  cases.push_back({"zero segments", no_segments});
  auto too_many = RleFrame({{0x00, 1}});
  PutUint32Le(too_many, 0, 16);
  cases.push_back({"sixteen segments", too_many});
  cases.push_back({"two segments for a grey image", RleFrame({{0x00, 1}, {0x00, 1}})});
  auto first_not_64 = RleFrame({{0x00, 1}});
  PutUint32Le(first_not_64, 4, 60);
  cases.push_back({"first segment before byte 64", first_not_64});
  auto past_end = RleFrame({{0x00, 1}});
  PutUint32Le(past_end, 4, 0xFFFFFFF0u);
  cases.push_back({"offset far past the frame", past_end});
  cases.push_back({"literal run past its segment", RleFrame({{0x7F, 1, 2}})});
  cases.push_back({"repeat run with no byte", RleFrame({{0xFE}})});
  cases.push_back({"segment decodes short", RleFrame({{0x00, 1}})});
  return cases;
}

TEST(RleFramesTest, HostileFramesAreRefusedWithOneLine) {
  for (const auto& c : HostileFrames()) {
    auto decoded = DecodeRleFrame(c.bytes, Layout(2, 2, 1, 8));
    ASSERT_FALSE(decoded) << c.name;
    EXPECT_EQ(decoded.error().code, ErrorCode::kCorrupt) << c.name;
    EXPECT_EQ(decoded.error().message.find('\n'), std::string::npos) << c.name;
  }
}

TEST(RleFramesTest, RgbSegmentOffsetsOutOfOrderAreRefused) {
  auto frame = RleFrame({{0x03, 1, 2, 3, 4}, {0x03, 1, 2, 3, 4}, {0x03, 1, 2, 3, 4}});
  PutUint32Le(frame, 8, 200);  // segment 1 after segment 2's start and past the end
  EXPECT_FALSE(DecodeRleFrame(frame, Layout(2, 2, 3, 8)));
}

TEST(RleFramesTest, RandomlyDamagedFramesNeverDecodeOutOfBounds) {
  // The sanitizer build turns any out-of-bounds access here into a failure.
  std::vector<std::uint8_t> pixels(16 * 16 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i / 5);
  std::vector<std::vector<std::uint8_t>> segments(3);
  for (int s = 0; s < 3; ++s) {
    for (int chunk = 0; chunk < 256; chunk += 128) {
      segments[s].push_back(127);
      segments[s].insert(segments[s].end(), pixels.begin() + s * 256 + chunk, pixels.begin() + s * 256 + chunk + 128);
    }
  }
  const auto good = RleFrame(segments);
  ASSERT_TRUE(DecodeRleFrame(good, Layout(16, 16, 3, 8)));
  std::mt19937 random(20261124);
  int refused = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    auto damaged = good;
    const int edits = 1 + static_cast<int>(random() % 8);
    for (int e = 0; e < edits; ++e) damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random());
    if (trial % 3 == 0) damaged.resize(random() % damaged.size());
    auto decoded = DecodeRleFrame(damaged, Layout(16, 16, 3, 8));
    if (decoded) {
      EXPECT_EQ(decoded->size(), pixels.size());
    } else {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

class RleDicomTest : public ::testing::Test {
 protected:
  // The same image written natively and through DCMTK's RLE encoder must decode alike.
  void ExpectRleEqualsNative(SyntheticDicom d, const std::string& name) {
    d.FillPattern();
    const auto native_path = dir_ / (name + "-native.dcm");
    const auto rle_path = dir_ / (name + "-rle.dcm");
    d.Write(native_path);
    d.rle_lossless = true;
    d.Write(rle_path);
    auto native = OpenImage(native_path);
    auto rle = OpenImage(rle_path);
    ASSERT_TRUE(native && rle) << (rle ? "" : rle.error().message);
    ASSERT_EQ((*rle)->info().transfer_syntax_uid, "1.2.840.10008.1.2.5") << name;
    for (int i = (*rle)->info().frame_count - 1; i >= 0; --i) {  // backwards: no reliance on order
      auto a = (*native)->ReadFrame(i);
      auto b = (*rle)->ReadFrame(i);
      ASSERT_TRUE(a && b) << name << " frame " << i << ": " << (b ? "" : b.error().message);
      EXPECT_EQ(cv::norm(a->luma, b->luma, cv::NORM_INF), 0) << name << " frame " << i;
      EXPECT_EQ(cv::norm(a->rgb, b->rgb, cv::NORM_INF), 0) << name << " frame " << i;
    }
  }
  test::TempDir dir_{"dicom-rle"};
};

TEST_F(RleDicomTest, GreyEightBitMultiFrame) {
  SyntheticDicom d;
  d.frames = 3;
  ExpectRleEqualsNative(d, "grey8");
}

TEST_F(RleDicomTest, GreySixteenBit) {
  SyntheticDicom d;
  d.bits_allocated = 16;
  d.bits_stored = 12;
  d.window = {{2048.0, 4096.0}};
  ExpectRleEqualsNative(d, "grey16");
}

TEST_F(RleDicomTest, RgbInterleavedAndPlanar) {
  for (int planar : {0, 1}) {
    SyntheticDicom d;
    d.samples_per_pixel = 3;
    d.photometric = "RGB";
    d.planar_configuration = planar;
    d.frames = 2;
    ExpectRleEqualsNative(d, "rgb-planar" + std::to_string(planar));
  }
}

TEST_F(RleDicomTest, HostileFragmentsFailTheFrameWithAReason) {
  for (const auto& c : HostileFrames()) {
    SyntheticDicom d;
    d.rows = 2;
    d.columns = 2;
    d.rle_fragments = std::vector<std::vector<std::uint8_t>>{c.bytes};
    const auto path = dir_ / "hostile.dcm";
    d.Write(path);
    auto source = OpenImage(path);
    if (!source) {
      EXPECT_EQ(source.error().message.find('\n'), std::string::npos) << c.name;
      continue;
    }
    auto frame = (*source)->ReadFrame(0);
    ASSERT_FALSE(frame) << c.name;
    EXPECT_NE(frame.error().message.find("RLE"), std::string::npos) << c.name << ": " << frame.error().message;
  }
}

}  // namespace
}  // namespace antra
