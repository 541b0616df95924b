#pragma once
// RLE Lossless frames (DICOM PS3.5 Annex G), decoded by Antra itself.
// DCMTK 3.6.7's RLE decoder reads past its buffers on crafted segment tables
// (found by fuzz_dicom), so every offset and run here is bounds-checked and a
// frame never decodes to more than the image's declared size.

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "dicom/pixel_conversion.h"

namespace antra {

// True when `bytes` begins with a plausible RLE header (1 to 15 segments, the
// first at byte 64): how a fragment that starts a new frame is recognised.
bool StartsRleFrame(std::span<const std::uint8_t> bytes);

// Decodes one frame's RLE data into the native little-endian layout that
// ConvertFrame reads, colour samples one plane after another (the caller sets
// planar_configuration = 1). Refuses a header or run that does not fit.
Result<std::vector<std::uint8_t>> DecodeRleFrame(std::span<const std::uint8_t> rle, const PixelLayout& layout);

}  // namespace antra
