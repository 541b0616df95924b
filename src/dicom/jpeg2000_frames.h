#pragma once
// JPEG 2000 frames in encapsulated pixel data. DCMTK's free edition has no
// JPEG 2000 codec, so Antra finds each frame's fragments itself and decodes
// them with OpenJPEG directly (not through OpenCV, which prints its own errors
// and would allocate whatever size a hostile codestream declares).

#include <cstdint>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

class DcmPixelSequence;

namespace antra {

// Which fragments (item indices, inclusive) make up each frame; built once.
struct Jpeg2000FrameIndex {
  bool built = false;
  std::vector<std::pair<unsigned long, unsigned long>> items;
};

// The codestream of one frame: its fragments concatenated. Uses one fragment
// per frame when the counts agree, else the Basic Offset Table, else the
// start-of-codestream markers.
Result<std::vector<std::uint8_t>> ReadJpeg2000FrameBytes(DcmPixelSequence& sequence, int frame, int frame_count,
                                                        Jpeg2000FrameIndex& index);

// Decodes a J2K codestream or JP2 file to grey or RGB (8 or 16 bit), refusing
// before decoding anything whose declared size differs from `expected`.
Result<cv::Mat> DecodeJpeg2000(const std::vector<std::uint8_t>& codestream, cv::Size expected);

}  // namespace antra
