#pragma once
// Limits on hostile input. A file beyond them is refused with kLimitExceeded
// before anything large is allocated. Documented in docs/limits.md.

#include <cstdint>

namespace antra {

struct InputLimits {
  int max_width = 8192;              // pixels
  int max_height = 8192;             // pixels
  int max_frames = 20000;            // frames in one file
  std::uint64_t max_frame_bytes = 256ull << 20;  // one decoded frame
  // Decoded size of the whole file may be at most this many times its size on
  // disk (plus a 64 MiB allowance). Ultrasound JPEG rarely compresses beyond
  // 50:1; 400:1 leaves room for near-black frames while stopping bombs.
  double max_expansion_ratio = 400.0;
  std::uint64_t expansion_allowance_bytes = 64ull << 20;
  int max_sequence_depth = 16;       // nesting of DICOM sequences
  std::uint64_t max_text_file_bytes = 64ull << 20;  // CSV / JSON inputs
};

// The defaults, used wherever no other limits are given.
inline const InputLimits& DefaultInputLimits() {
  static const InputLimits limits;
  return limits;
}

}  // namespace antra
