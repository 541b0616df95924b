#pragma once
// Where the image sits on screen: zoom (screen pixels per image pixel) and pan
// inside the viewport rectangle. Image coordinates follow the rest of Antra
// (OpenCV): integer coordinates are pixel centres, so pixel (x, y) covers
// [x - 0.5, x + 0.5] and a click on the middle of a displayed pixel gives its
// integer coordinates back, whatever the zoom.

#include <opencv2/core/types.hpp>

namespace antra::viewer {

struct ScreenRect {
  double x = 0, y = 0, width = 0, height = 0;
  bool Contains(cv::Point2d p) const { return p.x >= x && p.y >= y && p.x < x + width && p.y < y + height; }
  cv::Point2d Center() const { return {x + width / 2, y + height / 2}; }
  bool operator==(const ScreenRect&) const = default;
};

class ViewTransform {
 public:
  static constexpr double kMinZoom = 0.05;
  static constexpr double kMaxZoom = 64.0;

  // A new viewport keeps the image point at its centre in place; while the
  // view is "fitted" (no zoom or pan since the last Fit) it refits instead.
  void SetViewport(const ScreenRect& viewport);
  void SetImageSize(cv::Size size);  // refits

  void Fit();                                // whole image visible, centred
  void SetZoomCentered(double zoom);         // around the viewport centre
  void ZoomAt(cv::Point2d screen, double factor);  // keeps the image point under `screen` fixed
  void PanBy(cv::Point2d screen_delta);

  cv::Point2d ImageToScreen(cv::Point2d image) const;
  cv::Point2d ScreenToImage(cv::Point2d screen) const;
  // Screen rectangle covered by the whole image (its outer pixel edges).
  ScreenRect ImageRect() const;

  double zoom() const { return zoom_; }
  bool fitted() const { return fitted_; }
  const ScreenRect& viewport() const { return viewport_; }
  cv::Size image_size() const { return image_size_; }

 private:
  ScreenRect viewport_;
  cv::Size image_size_{0, 0};
  double zoom_ = 1.0;
  cv::Point2d origin_;  // screen position of the image's outer top-left corner
  bool fitted_ = true;
};

}  // namespace antra::viewer
