#include "pipeline/overlay_mask.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status OverlayMaskOptions::Check() const {
  if (min_chroma < 1 || min_chroma > 255) return MakeError(ErrorCode::kInvalidArgument, "overlay.min_chroma must be in 1..255");
  if (!(min_saturation > 0 && min_saturation < 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "overlay.min_saturation must be in (0, 1)");
  }
  if (!(tint_margin >= 0 && tint_margin < 1)) return MakeError(ErrorCode::kInvalidArgument, "overlay.tint_margin must be in [0, 1)");
  if (white_level < 1 || white_level > 255) return MakeError(ErrorCode::kInvalidArgument, "overlay.white_level must be in 1..255");
  if (white_contrast < 1 || white_contrast > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "overlay.white_contrast must be in 1..255");
  }
  if (thin_max_px < 3 || thin_max_px > 31) return MakeError(ErrorCode::kInvalidArgument, "overlay.thin_max_px must be in 3..31");
  if (dilate_px < 0 || dilate_px > 15) return MakeError(ErrorCode::kInvalidArgument, "overlay.dilate_px must be in 0..15");
  return Status::Ok();
}

namespace {

// Median of an 8-bit image over a mask (0 when the mask is empty).
int MaskedMedian(const cv::Mat& image, const cv::Mat& mask) {
  int histogram[256] = {};
  int total = 0;
  for (int y = 0; y < image.rows; ++y) {
    const uchar* v = image.ptr<uchar>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < image.cols; ++x) {
      if (m[x]) {
        ++histogram[v[x]];
        ++total;
      }
    }
  }
  int seen = 0;
  for (int i = 0; i < 256; ++i) {
    seen += histogram[i];
    if (2 * seen >= total && total > 0) return i;
  }
  return 0;
}

// Per-pixel colour range: max - min of the three channels, and the maximum.
void ChromaAndHigh(const cv::Mat& rgb, cv::Mat& chroma, cv::Mat& high) {
  chroma.create(rgb.size(), CV_8UC1);
  high.create(rgb.size(), CV_8UC1);
  for (int y = 0; y < rgb.rows; ++y) {
    const uchar* p = rgb.ptr<uchar>(y);
    uchar* c = chroma.ptr<uchar>(y);
    uchar* h = high.ptr<uchar>(y);
    for (int x = 0; x < rgb.cols; ++x, p += 3) {
      const uchar hi = std::max(std::max(p[0], p[1]), p[2]), lo = std::min(std::min(p[0], p[1]), p[2]);
      h[x] = hi;
      c[x] = uchar(hi - lo);
    }
  }
}

cv::Mat ColouredGraphics(const cv::Mat& rgb, const cv::Mat& area, const OverlayMaskOptions& o) {
  // The frame's own tint (sepia and similar maps), from a sparse sample of
  // the area. Nearest-neighbour sampling picks the same pixels from the
  // colour frame as from its chroma, so the sample is taken first.
  cv::Mat sample_rgb, sample_chroma, sample_high, sample_area, saturation;
  cv::resize(rgb, sample_rgb, {}, 0.25, 0.25, cv::INTER_NEAREST);
  ChromaAndHigh(sample_rgb, sample_chroma, sample_high);
  cv::resize(area, sample_area, sample_chroma.size(), 0, 0, cv::INTER_NEAREST);
  cv::divide(sample_chroma, sample_high, saturation, 255.0);
  const double tint = MaskedMedian(saturation, sample_area) / 255.0;
  const double threshold = std::max(o.min_saturation, tint + o.tint_margin);
  // chroma / high > threshold, without a division per pixel, in one pass:
  // high x threshold rounded by OpenCV's own convertTo (a 256-entry table).
  cv::Mat ramp(1, 256, CV_8UC1), scaled;
  for (int i = 0; i < 256; ++i) ramp.at<uchar>(i) = uchar(i);
  ramp.convertTo(scaled, CV_8U, threshold);
  const uchar* scaled_high = scaled.ptr<uchar>(0);
  cv::Mat mask(rgb.size(), CV_8UC1);
  for (int y = 0; y < rgb.rows; ++y) {
    const uchar* p = rgb.ptr<uchar>(y);
    uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < rgb.cols; ++x, p += 3) {
      const uchar hi = std::max(std::max(p[0], p[1]), p[2]), lo = std::min(std::min(p[0], p[1]), p[2]);
      const int chroma = hi - lo;
      m[x] = chroma > o.min_chroma && chroma > scaled_high[hi] ? 255 : 0;
    }
  }
  return mask;
}

cv::Mat WhiteGraphics(const cv::Mat& luma, const OverlayMaskOptions& o) {
  cv::Mat opened;
  const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_RECT, {o.thin_max_px, o.thin_max_px});
  cv::morphologyEx(luma, opened, cv::MORPH_OPEN, kernel);
  cv::Mat contrast = luma - opened;
  return (luma >= o.white_level) & (contrast >= o.white_contrast);
}

}  // namespace

cv::Mat FindOverlayMask(const cv::Mat& rgb, const cv::Mat& luma, const cv::Mat& area,
                        const OverlayMaskOptions& options) {
  CV_Assert(luma.type() == CV_8UC1 && area.type() == CV_8UC1);
  cv::Mat mask = WhiteGraphics(luma, options);
  if (!rgb.empty()) {
    CV_Assert(rgb.type() == CV_8UC3 && rgb.size() == luma.size());
    mask |= ColouredGraphics(rgb, area, options);
  }
  if (options.dilate_px > 0) {
    const int d = 2 * options.dilate_px + 1;
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {d, d}));
  }
  return mask;
}

namespace {

// Normalised-convolution inputs over one region: weight 1 where a pixel may
// lend its value (not masked, and valid), else 0; value = grey x weight.
void SourceWeights(const cv::Mat& image, const cv::Mat& mask, const cv::Mat& valid, cv::Mat& weight, cv::Mat& value) {
  cv::Mat source = ~mask;
  if (!valid.empty()) source &= valid;
  source.convertTo(weight, CV_32F, 1.0 / 255.0);
  image.convertTo(value, CV_32F);
  value = value.mul(weight);
}

}  // namespace

cv::Mat FillMasked(const cv::Mat& image, const cv::Mat& mask, double sigma_px, const cv::Mat& valid) {
  CV_Assert(image.type() == CV_8UC1 && mask.size() == image.size());
  if (cv::countNonZero(mask) == 0) return image.clone();
  cv::Mat out = image.clone();
  cv::Mat todo = mask.clone();
  // Each pass reaches three times further than the last, on a copy three
  // times smaller and only around what is still unfilled, so the cost stays
  // that of one small blur. Weights and values are made for each pass's
  // region only (burned-in text is a few per cent of the frame; whole-frame
  // float copies cost more than the filling itself).
  const double base_sigma = std::max(0.8, sigma_px);
  const cv::Rect whole(0, 0, image.cols, image.rows);
  for (double shrink = 1.0; shrink < 2.0 * std::max(image.cols, image.rows); shrink *= 3.0) {
    const int reach = int(std::ceil(4.0 * base_sigma * shrink)) + 1;
    cv::Rect roi = cv::boundingRect(todo);
    roi = cv::Rect(roi.x - reach, roi.y - reach, roi.width + 2 * reach, roi.height + 2 * reach) & whole;
    cv::Mat w, v;
    SourceWeights(image(roi), mask(roi), valid.empty() ? cv::Mat() : valid(roi), w, v);
    const cv::Size full_size = roi.size();
    if (shrink > 1.0) {
      const cv::Size small(std::max(1, int(full_size.width / shrink)), std::max(1, int(full_size.height / shrink)));
      cv::resize(w, w, small, 0, 0, cv::INTER_AREA);
      cv::resize(v, v, small, 0, 0, cv::INTER_AREA);
    }
    cv::Mat wsum, vsum;
    cv::GaussianBlur(w, wsum, {}, base_sigma, base_sigma, cv::BORDER_REPLICATE);
    cv::GaussianBlur(v, vsum, {}, base_sigma, base_sigma, cv::BORDER_REPLICATE);
    if (shrink > 1.0) {
      cv::resize(wsum, wsum, full_size, 0, 0, cv::INTER_LINEAR);
      cv::resize(vsum, vsum, full_size, 0, 0, cv::INTER_LINEAR);
    }
    cv::Mat supported = (wsum > 0.05f) & todo(roi);
    cv::Mat mean, mean8;
    cv::divide(vsum, cv::max(wsum, 1e-6f), mean);
    mean.convertTo(mean8, CV_8U);
    mean8.copyTo(out(roi), supported);
    cv::Mat todo_roi = todo(roi);
    todo_roi &= ~supported;
    if (cv::countNonZero(todo) == 0) break;
  }
  out.setTo(0, todo);
  return out;
}

}  // namespace antra::pipeline
