#pragma once
// JPEG 2000 frames. DCMTK's free edition has no JPEG 2000 codec, so Antra
// finds each frame's fragments itself (encapsulated_frames.h) and decodes
// them with OpenJPEG directly (not through OpenCV, which prints its own errors
// and would allocate whatever size a hostile codestream declares).

#include <cstdint>
#include <span>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra {

// True at a JPEG 2000 codestream (J2K) or JP2 file signature.
bool StartsJpeg2000Codestream(std::span<const std::uint8_t> first_bytes);

// Decodes a J2K codestream or JP2 file to grey or RGB (8 or 16 bit), refusing
// before decoding anything whose declared size differs from `expected`.
Result<cv::Mat> DecodeJpeg2000(const std::vector<std::uint8_t>& codestream, cv::Size expected);

}  // namespace antra
