#include "viewer/view_transform.h"

#include <algorithm>

namespace antra::viewer {

void ViewTransform::SetViewport(const ScreenRect& viewport) {
  if (viewport == viewport_) return;
  const cv::Point2d kept_image_point = ScreenToImage(viewport_.Center());
  viewport_ = viewport;
  if (fitted_) {
    Fit();
    return;
  }
  const cv::Point2d now = ImageToScreen(kept_image_point);
  origin_ += viewport_.Center() - now;
}

void ViewTransform::SetImageSize(cv::Size size) {
  image_size_ = size;
  Fit();
}

void ViewTransform::Fit() {
  fitted_ = true;
  if (image_size_.width <= 0 || image_size_.height <= 0 || viewport_.width <= 0 || viewport_.height <= 0) {
    zoom_ = 1.0;
    origin_ = {viewport_.x, viewport_.y};
    return;
  }
  zoom_ = std::clamp(std::min(viewport_.width / image_size_.width, viewport_.height / image_size_.height), kMinZoom,
                     kMaxZoom);
  origin_ = viewport_.Center() - cv::Point2d(image_size_.width * zoom_ / 2, image_size_.height * zoom_ / 2);
}

void ViewTransform::SetZoomCentered(double zoom) {
  ZoomAt(viewport_.Center(), zoom / zoom_);
}

void ViewTransform::ZoomAt(cv::Point2d screen, double factor) {
  const cv::Point2d fixed = ScreenToImage(screen);
  zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  origin_ += screen - ImageToScreen(fixed);
  fitted_ = false;
}

void ViewTransform::PanBy(cv::Point2d screen_delta) {
  origin_ += screen_delta;
  fitted_ = false;
}

cv::Point2d ViewTransform::ImageToScreen(cv::Point2d image) const {
  return origin_ + (image + cv::Point2d(0.5, 0.5)) * zoom_;
}

cv::Point2d ViewTransform::ScreenToImage(cv::Point2d screen) const {
  return (screen - origin_) * (1.0 / zoom_) - cv::Point2d(0.5, 0.5);
}

ScreenRect ViewTransform::ImageRect() const {
  return {origin_.x, origin_.y, image_size_.width * zoom_, image_size_.height * zoom_};
}

}  // namespace antra::viewer
