#include "dicom/pixel_conversion.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "dicom/test_layout.h"

namespace antra {
namespace {

PixelLayout Layout(int w, int h, int spp, int bits, const std::string& model) {
  return test::TestLayout(w, h, spp, bits, model);
}

TEST(PixelConversionTest, Monochrome2IsLumaAndGreyRgb) {
  const std::vector<std::uint8_t> px{0, 50, 100, 255};
  auto f = ConvertFrame(px, Layout(2, 2, 1, 8, "MONOCHROME2"), 3);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->index, 3);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 1), 50);
  EXPECT_EQ(f->rgb.at<cv::Vec3b>(1, 1), cv::Vec3b(255, 255, 255));
}

TEST(PixelConversionTest, Monochrome1IsInverted) {
  const std::vector<std::uint8_t> px{0, 255};
  auto f = ConvertFrame(px, Layout(2, 1, 1, 8, "MONOCHROME1"), 0);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 0), 255);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 1), 0);
}

TEST(PixelConversionTest, SixteenBitGreyUsesTheWindow) {
  auto layout = Layout(3, 1, 1, 16, "MONOCHROME2");
  layout.bits_stored = 12;
  layout.window_center = 2048;
  layout.window_width = 1024;
  // 1536 is the window's bottom, 2560 its top, 4095 clips.
  const std::vector<std::uint8_t> px{0x00, 0x06, 0x00, 0x0A, 0xFF, 0x0F};
  auto f = ConvertFrame(px, layout, 0);
  ASSERT_TRUE(f);
  EXPECT_LE(f->luma.at<std::uint8_t>(0, 0), 1);
  EXPECT_GE(f->luma.at<std::uint8_t>(0, 1), 254);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 2), 255);
}

TEST(PixelConversionTest, RgbPlanarAndInterleavedAgree) {
  const std::vector<std::uint8_t> interleaved{255, 0, 0, 0, 255, 0};
  const std::vector<std::uint8_t> planar{255, 0, 0, 255, 0, 0};
  auto a = ConvertFrame(interleaved, Layout(2, 1, 3, 8, "RGB"), 0);
  auto layout = Layout(2, 1, 3, 8, "RGB");
  layout.planar_configuration = 1;
  auto b = ConvertFrame(planar, layout, 0);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(cv::norm(a->rgb, b->rgb, cv::NORM_INF), 0);
  EXPECT_EQ(a->rgb.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(a->luma.at<std::uint8_t>(0, 0), 76);   // 0.299 x 255
  EXPECT_EQ(a->luma.at<std::uint8_t>(0, 1), 150);  // 0.587 x 255
}

TEST(PixelConversionTest, YbrFullConvertsWithBt601FullRange) {
  // Grey stays grey; Y=128 Cb=100 Cr=160 is (172.9, 114.8, 78.4) by PS3.3 C.7.6.3.1.2.
  const std::vector<std::uint8_t> px{128, 128, 128, 128, 100, 160};
  auto f = ConvertFrame(px, Layout(2, 1, 3, 8, "YBR_FULL"), 0);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rgb.at<cv::Vec3b>(0, 0), cv::Vec3b(128, 128, 128));
  const auto colour = f->rgb.at<cv::Vec3b>(0, 1);
  EXPECT_NEAR(colour[0], 173, 1);
  EXPECT_NEAR(colour[1], 115, 1);
  EXPECT_NEAR(colour[2], 78, 1);
  EXPECT_NEAR(f->luma.at<std::uint8_t>(0, 1), 128, 1);  // luma is Y
}

TEST(PixelConversionTest, NativeYbr422SharesChromaBetweenPixelPairs) {
  const std::vector<std::uint8_t> px{100, 200, 128, 128};
  auto f = ConvertFrame(px, Layout(2, 1, 3, 8, "YBR_FULL_422"), 0);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 0), 100);
  EXPECT_EQ(f->luma.at<std::uint8_t>(0, 1), 200);
}

TEST(PixelConversionTest, PaletteMapsIndices) {
  PaletteLut lut;
  lut.red = {0, 255};
  lut.green = {0, 128};
  lut.blue = {0, 0};
  auto layout = Layout(2, 1, 1, 8, "PALETTE COLOR");
  layout.palette = &lut;
  auto f = ConvertFrame(std::vector<std::uint8_t>{0, 1}, layout, 0);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->rgb.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 128, 0));
  layout.palette = nullptr;
  EXPECT_FALSE(ConvertFrame(std::vector<std::uint8_t>{0, 1}, layout, 0));
}

TEST(PixelConversionTest, ShortBuffersAndOddLayoutsAreErrorsNotCrashes) {
  EXPECT_EQ(ConvertFrame(std::vector<std::uint8_t>(3), Layout(2, 2, 1, 8, "MONOCHROME2"), 0).error().code,
            ErrorCode::kTruncated);
  EXPECT_EQ(ConvertFrame(std::vector<std::uint8_t>(16), Layout(2, 2, 1, 32, "MONOCHROME2"), 0).error().code,
            ErrorCode::kUnsupported);
  EXPECT_EQ(ConvertFrame(std::vector<std::uint8_t>(16), Layout(2, 2, 4, 8, "ARGB"), 0).error().code,
            ErrorCode::kUnsupported);
  EXPECT_EQ(ConvertFrame(std::vector<std::uint8_t>(12), Layout(2, 2, 3, 8, "HSV"), 0).error().code,
            ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace antra
