#pragma once
// PALETTE COLOR lookup tables (PS3.3 C.7.6.3.1.5/6), including segmented
// tables (C.7.9.2), which DCMTK's image module does not support.

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"

namespace antra {

struct PaletteLut {
  // 8-bit output per channel, one entry per input value starting at first_mapped.
  std::vector<std::uint8_t> red, green, blue;
  int first_mapped = 0;
  // Value for an input index: indices below first_mapped take the first entry,
  // above the last take the last (C.7.6.3.1.5).
  std::uint8_t Red(int index) const { return red[Clamp(index)]; }
  std::uint8_t Green(int index) const { return green[Clamp(index)]; }
  std::uint8_t Blue(int index) const { return blue[Clamp(index)]; }
  size_t size() const { return red.size(); }

 private:
  size_t Clamp(int index) const {
    const long i = static_cast<long>(index) - first_mapped;
    if (i <= 0) return 0;
    return std::min(static_cast<size_t>(i), red.size() - 1);
  }
};

// One channel's descriptor (0028,1101..1103): entries (0 means 65536), first
// mapped value, bits per entry (8 or 16).
struct LutDescriptor {
  int entries = 0;
  int first_mapped = 0;
  int bits = 0;
};

// Expands one channel given as 16-bit words (how LUT Data is stored) to 8-bit
// values. Handles 8-bit entries packed two per word or one per word.
Result<std::vector<std::uint8_t>> ExpandPlainLut(const LutDescriptor& d, std::span<const std::uint16_t> words);

// Expands one segmented channel (discrete, linear and indirect segments) to
// d.entries 8-bit values. Bounded: a hostile table cannot loop or overflow.
Result<std::vector<std::uint8_t>> ExpandSegmentedLut(const LutDescriptor& d, std::span<const std::uint16_t> words);

}  // namespace antra
