#include <gtest/gtest.h>

#include "viewer/view_transform.h"
#include "viewer/window_level.h"

namespace antra::viewer {
namespace {

ViewTransform Fitted(ScreenRect viewport, cv::Size image) {
  ViewTransform v;
  v.SetViewport(viewport);
  v.SetImageSize(image);
  return v;
}

TEST(ViewTransform, FitsAndCentresTheImage) {
  const auto v = Fitted({0, 20, 1000, 500}, {800, 600});
  EXPECT_DOUBLE_EQ(v.zoom(), 500.0 / 600);
  const ScreenRect r = v.ImageRect();
  EXPECT_NEAR(r.x + r.width / 2, 500, 1e-9);
  EXPECT_NEAR(r.y, 20, 1e-9);
  EXPECT_NEAR(r.height, 500, 1e-9);
}

TEST(ViewTransform, PixelCentresMapToIntegerCoordinates) {
  auto v = Fitted({0, 0, 640, 480}, {640, 480});
  EXPECT_DOUBLE_EQ(v.zoom(), 1.0);
  // The centre of the top-left screen pixel is image pixel (0, 0).
  EXPECT_NEAR(v.ScreenToImage({0.5, 0.5}).x, 0.0, 1e-12);
  v.SetZoomCentered(4);
  for (cv::Point2d p : {cv::Point2d(0, 0), cv::Point2d(411, 470), cv::Point2d(12.25, 3.5)}) {
    const cv::Point2d back = v.ScreenToImage(v.ImageToScreen(p));
    EXPECT_NEAR(back.x, p.x, 1e-9);
    EXPECT_NEAR(back.y, p.y, 1e-9);
  }
}

TEST(ViewTransform, ZoomKeepsThePointUnderThePointer) {
  auto v = Fitted({0, 0, 800, 600}, {400, 300});
  const cv::Point2d pointer(123, 456);
  const cv::Point2d before = v.ScreenToImage(pointer);
  v.ZoomAt(pointer, 3.0);
  const cv::Point2d after = v.ScreenToImage(pointer);
  EXPECT_NEAR(before.x, after.x, 1e-9);
  EXPECT_NEAR(before.y, after.y, 1e-9);
  EXPECT_FALSE(v.fitted());
  v.ZoomAt(pointer, 1e9);
  EXPECT_DOUBLE_EQ(v.zoom(), ViewTransform::kMaxZoom);
}

TEST(ViewTransform, ResizeRefitsOnlyWhileFitted) {
  auto v = Fitted({0, 0, 800, 600}, {400, 300});
  v.SetViewport({0, 0, 400, 300});
  EXPECT_DOUBLE_EQ(v.zoom(), 1.0);
  v.PanBy({10, 0});
  const cv::Point2d centre_image = v.ScreenToImage(v.viewport().Center());
  v.SetViewport({0, 0, 600, 300});
  EXPECT_DOUBLE_EQ(v.zoom(), 1.0);  // kept, not refitted
  const cv::Point2d now = v.ScreenToImage(v.viewport().Center());
  EXPECT_NEAR(now.x, centre_image.x, 1e-9);
}

TEST(WindowLevel, DefaultIsIdentity) {
  const WindowLevel wl;
  for (int v = 0; v < 256; ++v) EXPECT_EQ(wl.Map(static_cast<std::uint8_t>(v)), v);
}

TEST(WindowLevel, NarrowWindowStretchesAndClips) {
  const WindowLevel wl{100, 50};  // 0..100 -> black..white
  EXPECT_EQ(wl.Map(0), 0);
  EXPECT_EQ(wl.Map(50), 128);
  EXPECT_EQ(wl.Map(100), 255);
  EXPECT_EQ(wl.Map(200), 255);
}

TEST(WindowLevel, DragMovesWindowAndLevelAndClamps) {
  WindowLevel wl;
  wl.ApplyDrag(-135, -67.5);
  EXPECT_DOUBLE_EQ(wl.window, 120);
  EXPECT_DOUBLE_EQ(wl.level, 60);
  wl.ApplyDrag(-1000, 1000);
  EXPECT_DOUBLE_EQ(wl.window, WindowLevel::kMinWindow);
  EXPECT_DOUBLE_EQ(wl.level, WindowLevel::kMaxLevel);
  EXPECT_EQ(WindowLevelPresets()[0].value, WindowLevel{});
}

}  // namespace
}  // namespace antra::viewer
