#include "dicom/pixel_conversion.h"

#include <algorithm>
#include <cstring>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace antra {

namespace {

bool IsMonochrome(const std::string& model) { return model == "MONOCHROME1" || model == "MONOCHROME2"; }

Error Unsupported(const std::string& why) { return MakeError(ErrorCode::kUnsupported, why); }

// Greyscale of any depth to 8 bits: the file's window when it has one
// (PS3.3 C.11.2.1.2 linear function), else the frame's own range.
cv::Mat GreyTo8Bit(const cv::Mat& grey, const PixelLayout& layout) {
  if (grey.depth() == CV_8U) return grey;
  cv::Mat as_float;
  grey.convertTo(as_float, CV_32F);
  double low = 0, high = 0;
  if (layout.window_center && layout.window_width && *layout.window_width >= 1) {
    low = *layout.window_center - 0.5 - (*layout.window_width - 1) / 2;
    high = *layout.window_center - 0.5 + (*layout.window_width - 1) / 2;
  } else {
    cv::minMaxLoc(as_float, &low, &high);
  }
  cv::Mat out;
  const double range = std::max(high - low, 1.0);
  as_float.convertTo(out, CV_8U, 255.0 / range, -low * 255.0 / range);
  return out;
}

// Keeps the stored bits of each sample (12 bits in 16, say) and drops the rest.
void MaskStoredBits(cv::Mat& samples, const PixelLayout& layout) {
  if (layout.bits_allocated == 16 && layout.bits_stored > 0 && layout.bits_stored < 16 && !layout.is_signed) {
    const auto mask = static_cast<std::uint16_t>((1u << layout.bits_stored) - 1);
    cv::bitwise_and(samples, cv::Scalar::all(mask), samples);
  }
}

Frame FromGrey(cv::Mat grey8, int index, bool invert) {
  Frame f;
  f.index = index;
  if (invert) cv::bitwise_not(grey8, grey8);
  f.luma = grey8;
  cv::cvtColor(grey8, f.rgb, cv::COLOR_GRAY2RGB);
  return f;
}

Frame FromRgb(cv::Mat rgb8, int index) {
  Frame f;
  f.index = index;
  f.rgb = rgb8;
  cv::cvtColor(rgb8, f.luma, cv::COLOR_RGB2GRAY);
  return f;
}

// Y Cb Cr (full range, BT.601) to R G B. OpenCV's YCrCb uses the same
// coefficients but the other chroma order.
cv::Mat YbrFullToRgb(const cv::Mat& ybr) {
  cv::Mat ycrcb(ybr.size(), CV_8UC3);
  const int from_to[] = {0, 0, 1, 2, 2, 1};
  cv::mixChannels(&ybr, 1, &ycrcb, 1, from_to, 3);
  cv::Mat rgb;
  cv::cvtColor(ycrcb, rgb, cv::COLOR_YCrCb2RGB);
  return rgb;
}

Result<Frame> PaletteFrame(const cv::Mat& indices, const PixelLayout& layout, int index) {
  if (!layout.palette || layout.palette->size() == 0) {
    return MakeError(ErrorCode::kCorrupt, "PALETTE COLOR image without a usable palette");
  }
  const PaletteLut& lut = *layout.palette;
  cv::Mat rgb(indices.size(), CV_8UC3);
  for (int y = 0; y < indices.rows; ++y) {
    auto* out = rgb.ptr<cv::Vec3b>(y);
    for (int x = 0; x < indices.cols; ++x) {
      const int v = indices.depth() == CV_8U ? indices.at<std::uint8_t>(y, x) : indices.at<std::uint16_t>(y, x);
      out[x] = {lut.Red(v), lut.Green(v), lut.Blue(v)};
    }
  }
  return FromRgb(rgb, index);
}

// Native YBR_FULL_422: each pair of pixels is stored as Y1 Y2 Cb Cr.
cv::Mat ExpandYbr422(std::span<const std::uint8_t> bytes, int width, int height) {
  cv::Mat ybr(height, width, CV_8UC3);
  const std::uint8_t* p = bytes.data();
  for (int y = 0; y < height; ++y) {
    auto* row = ybr.ptr<cv::Vec3b>(y);
    for (int x = 0; x + 1 < width; x += 2, p += 4) {
      row[x] = {p[0], p[2], p[3]};
      row[x + 1] = {p[1], p[2], p[3]};
    }
    if (width % 2) {  // odd width: the last pixel has its own group
      row[width - 1] = {p[0], p[2], p[3]};
      p += 4;
    }
  }
  return ybr;
}

}  // namespace

std::uint64_t PixelLayout::FrameBytes() const {
  const auto pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (color_model == "YBR_FULL_422" && bits_allocated == 8 && samples_per_pixel == 3) {
    return ((static_cast<std::uint64_t>(width) + 1) / 2) * 4 * static_cast<std::uint64_t>(height);
  }
  return pixels * static_cast<std::uint64_t>(samples_per_pixel) * static_cast<std::uint64_t>(bits_allocated / 8);
}

Result<Frame> ConvertFrame(std::span<const std::uint8_t> bytes, const PixelLayout& layout, int index) {
  if (layout.width <= 0 || layout.height <= 0) return MakeError(ErrorCode::kCorrupt, "image has no rows or columns");
  if (layout.bits_allocated != 8 && layout.bits_allocated != 16) {
    return Unsupported(std::to_string(layout.bits_allocated) + " bits allocated per sample");
  }
  if (layout.samples_per_pixel != 1 && layout.samples_per_pixel != 3) {
    return Unsupported(std::to_string(layout.samples_per_pixel) + " samples per pixel");
  }
  const std::uint64_t need = layout.FrameBytes();
  if (bytes.size() < need) {
    return MakeError(ErrorCode::kTruncated, "frame " + std::to_string(index) + " holds " +
                                                std::to_string(bytes.size()) + " bytes, " + std::to_string(need) +
                                                " expected");
  }
  const int depth = layout.bits_allocated == 8 ? CV_8U : CV_16U;
  const auto& model = layout.color_model;

  if (layout.samples_per_pixel == 1) {
    // Copy: the caller's buffer is reused for the next frame.
    cv::Mat samples = cv::Mat(layout.height, layout.width, depth, const_cast<std::uint8_t*>(bytes.data())).clone();
    if (model == "PALETTE COLOR") return PaletteFrame(samples, layout, index);
    if (!IsMonochrome(model)) return Unsupported("photometric interpretation " + model + " with one sample");
    if (layout.is_signed && depth == CV_16U) {
      cv::Mat as_signed(samples.size(), CV_16S, samples.data);
      return FromGrey(GreyTo8Bit(as_signed.clone(), layout), index, model == "MONOCHROME1");
    }
    MaskStoredBits(samples, layout);
    return FromGrey(GreyTo8Bit(samples, layout), index, model == "MONOCHROME1");
  }

  if (model == "YBR_FULL_422" && layout.bits_allocated == 8) {
    return FromRgb(YbrFullToRgb(ExpandYbr422(bytes, layout.width, layout.height)), index);
  }
  cv::Mat interleaved;
  if (layout.planar_configuration == 1) {
    const size_t plane = static_cast<size_t>(layout.width) * layout.height * (layout.bits_allocated / 8);
    std::vector<cv::Mat> planes;
    for (int c = 0; c < 3; ++c) {
      planes.emplace_back(layout.height, layout.width, depth, const_cast<std::uint8_t*>(bytes.data() + c * plane));
    }
    cv::merge(planes, interleaved);
  } else {
    interleaved = cv::Mat(layout.height, layout.width, CV_MAKETYPE(depth, 3),
                          const_cast<std::uint8_t*>(bytes.data())).clone();
  }
  if (depth == CV_16U) {
    MaskStoredBits(interleaved, layout);
    const int shift = std::max(layout.bits_stored, 8) - 8;
    interleaved.convertTo(interleaved, CV_8U, 1.0 / (1 << shift));
  }
  if (model == "RGB") return FromRgb(interleaved, index);
  if (model == "YBR_FULL") return FromRgb(YbrFullToRgb(interleaved), index);
  return Unsupported("photometric interpretation " + model + " in uncompressed form");
}

Result<Frame> ConvertDecodedImage(const cv::Mat& decoded, const PixelLayout& layout, int index) {
  if (decoded.empty()) return MakeError(ErrorCode::kCorrupt, "frame " + std::to_string(index) + " did not decode");
  if (decoded.cols != layout.width || decoded.rows != layout.height) {
    return MakeError(ErrorCode::kCorrupt, "frame " + std::to_string(index) + " decodes to " +
                                              std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows) +
                                              ", header says " + std::to_string(layout.width) + "x" +
                                              std::to_string(layout.height));
  }
  if (decoded.channels() == 1) {
    if (layout.color_model == "PALETTE COLOR") return PaletteFrame(decoded, layout, index);
    return FromGrey(GreyTo8Bit(decoded, layout), index, layout.color_model == "MONOCHROME1");
  }
  if (decoded.channels() != 3) return Unsupported(std::to_string(decoded.channels()) + " decoded channels");
  cv::Mat rgb8 = decoded;
  if (decoded.depth() != CV_8U) decoded.convertTo(rgb8, CV_8U, 1.0 / 256.0);
  return FromRgb(rgb8, index);
}

}  // namespace antra
