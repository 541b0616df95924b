#pragma once
// Turns decoded DICOM samples into Antra's two views of a frame: 8-bit luma
// for analysis and 8-bit RGB for display. Pure functions of bytes and layout,
// so every photometric interpretation is testable without a file.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/image.h"
#include "dicom/palette.h"

namespace antra {

struct PixelLayout {
  int width = 0;
  int height = 0;
  int samples_per_pixel = 1;
  int bits_allocated = 8;
  int bits_stored = 8;
  bool is_signed = false;
  int planar_configuration = 0;  // 0: R G B R G B ...; 1: R... G... B...
  // Colour model of the samples as decoded (which may differ from the file's
  // photometric interpretation, e.g. JPEG YBR_FULL_422 decoded to RGB).
  std::string color_model = "MONOCHROME2";
  std::optional<double> window_center, window_width;  // for >8-bit greyscale
  const PaletteLut* palette = nullptr;                // for PALETTE COLOR

  // Bytes one frame occupies in this layout.
  std::uint64_t FrameBytes() const;
};

// `bytes` holds one frame as laid out by `layout` (little endian for 16-bit).
Result<Frame> ConvertFrame(std::span<const std::uint8_t> bytes, const PixelLayout& layout, int index);

// For decoders that return an image (JPEG 2000): grey (8 or 16 bit) or
// 3-channel RGB, already colour-converted.
Result<Frame> ConvertDecodedImage(const cv::Mat& decoded, const PixelLayout& layout, int index);

}  // namespace antra
