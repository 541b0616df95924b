#pragma once
// JPEG 2000 frames in encapsulated pixel data. DCMTK's free edition has no
// JPEG 2000 codec, so Antra finds each frame's fragments itself and decodes
// them with OpenJPEG directly (not through OpenCV, which prints its own errors
// and would allocate whatever size a hostile codestream declares).

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

class DcmPixelSequence;

namespace antra {

// Which fragments (item indices, inclusive) make up each frame of encapsulated
// pixel data (JPEG 2000 or RLE); built once.
struct EncapsulatedFrameIndex {
  bool built = false;
  std::vector<std::pair<unsigned long, unsigned long>> items;
};

// Whether a fragment's first bytes begin a new frame.
using FrameStartTest = bool (*)(std::span<const std::uint8_t> first_bytes);

// True at a JPEG 2000 codestream (J2K) or JP2 file signature.
bool StartsJpeg2000Codestream(std::span<const std::uint8_t> first_bytes);

// The bytes of one frame: its fragments concatenated. Uses one fragment per
// frame when the counts agree, else the Basic Offset Table, else a new frame
// at each fragment for which `starts_frame` holds.
Result<std::vector<std::uint8_t>> ReadEncapsulatedFrameBytes(DcmPixelSequence& sequence, int frame, int frame_count,
                                                            EncapsulatedFrameIndex& index, FrameStartTest starts_frame);

// Decodes a J2K codestream or JP2 file to grey or RGB (8 or 16 bit), refusing
// before decoding anything whose declared size differs from `expected`.
Result<cv::Mat> DecodeJpeg2000(const std::vector<std::uint8_t>& codestream, cv::Size expected);

}  // namespace antra
