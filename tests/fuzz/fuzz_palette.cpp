// Fuzz target: plain and segmented palette lookup tables.

#include <cstdint>
#include <cstring>
#include <vector>

#include "dicom/palette.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 4) return 0;
  antra::LutDescriptor d;
  d.entries = 1 + ((data[0] | (data[1] << 8)) % 65536);
  d.first_mapped = 0;
  d.bits = (data[2] & 1) ? 16 : 8;
  std::vector<std::uint16_t> words((size - 3) / 2);
  std::memcpy(words.data(), data + 3, words.size() * 2);
  auto lut = (data[3] & 1) ? antra::ExpandSegmentedLut(d, words) : antra::ExpandPlainLut(d, words);
  if (lut && lut->size() != static_cast<size_t>(d.entries)) __builtin_trap();
  return 0;
}
