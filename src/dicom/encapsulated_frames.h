#pragma once
// Frames of encapsulated (compressed) pixel data: which fragments make up
// each frame, and their bytes. Shared by the decoders Antra runs itself
// (JPEG 2000 through OpenJPEG, RLE).

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

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

// The bytes of one frame: its fragments concatenated. Uses one fragment per
// frame when the counts agree, else the Basic Offset Table, else a new frame
// at each fragment for which `starts_frame` holds.
Result<std::vector<std::uint8_t>> ReadEncapsulatedFrameBytes(DcmPixelSequence& sequence, int frame, int frame_count,
                                                            EncapsulatedFrameIndex& index, FrameStartTest starts_frame);

}  // namespace antra
