#include "io/open_image.h"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "support/test_support.h"

namespace antra {
namespace {

TEST(OpenImageTest, PlainImagesAreUncalibratedUnlessTheUserGivesAScale) {
  test::TempDir dir("plain");
  cv::Mat bgr(60, 80, CV_8UC3, cv::Scalar(10, 20, 200));  // red in BGR
  ASSERT_TRUE(cv::imwrite((dir / "screen.png").string(), bgr));
  ASSERT_TRUE(cv::imwrite((dir / "screen.jpg").string(), bgr));

  auto png = OpenImage(dir / "screen.png");
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_EQ((*png)->info().kind, SourceKind::kPlainImage);
  EXPECT_FALSE((*png)->info().calibration.calibrated());
  auto frame = (*png)->ReadFrame(0);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->rgb.at<cv::Vec3b>(0, 0), cv::Vec3b(200, 20, 10));  // RGB order

  OpenOptions options;
  options.mm_per_pixel = 0.1;
  auto jpg = OpenImage(dir / "screen.jpg", options);
  ASSERT_TRUE(jpg) << jpg.error().message;
  const auto& c = (*jpg)->info().calibration;
  EXPECT_EQ(c.source(), CalibrationSource::kUser);
  EXPECT_NEAR(*c.LengthMm({0, 0}, {10, 0}), 1.0, 1e-12);
  EXPECT_FALSE((*jpg)->ReadFrame(1));
}

TEST(OpenImageTest, OptionsAreCheckedBeforeAnyFileIsRead) {
  OpenOptions options;
  options.mm_per_pixel = -1;
  EXPECT_FALSE(options.Check());
  options.mm_per_pixel = 0;
  EXPECT_FALSE(options.Check());
  options.mm_per_pixel = 0.2;
  EXPECT_TRUE(options.Check());
  options.mm_per_pixel = -3;
  EXPECT_EQ(OpenImage("/nonexistent", options).error().code, ErrorCode::kInvalidArgument);
}

TEST(OpenImageTest, HostilePlainImageHeadersAreRefusedBeforeDecoding) {
  test::TempDir dir("plain-bad");
  cv::Mat small(8, 8, CV_8UC3, cv::Scalar::all(0));
  ASSERT_TRUE(cv::imwrite((dir / "ok.png").string(), small));
  std::string bytes = test::ReadBytes(dir / "ok.png");
  // IHDR width/height at offsets 16 and 20: declare 100000 x 100000.
  const unsigned char huge[8] = {0x00, 0x01, 0x86, 0xA0, 0x00, 0x01, 0x86, 0xA0};
  bytes.replace(16, 8, reinterpret_cast<const char*>(huge), 8);
  test::WriteBytes(dir / "huge.png", bytes);
  auto huge_png = OpenImage(dir / "huge.png");
  ASSERT_FALSE(huge_png);
  EXPECT_EQ(huge_png.error().code, ErrorCode::kLimitExceeded);

  test::WriteBytes(dir / "cut.png", test::ReadBytes(dir / "ok.png").substr(0, 30));
  auto cut = OpenImage(dir / "cut.png");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace antra
