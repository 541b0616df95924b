#include "dicom/palette.h"

#include <algorithm>
#include <cmath>

namespace antra {

namespace {

// 16-bit entries keep their high byte; 8-bit entries are already 8-bit.
std::uint8_t To8Bit(std::uint32_t value, int bits) {
  if (bits > 8) return static_cast<std::uint8_t>(std::min<std::uint32_t>(value, 0xFFFF) >> 8);
  return static_cast<std::uint8_t>(std::min<std::uint32_t>(value, 0xFF));
}

Error Bad(const std::string& why) { return MakeError(ErrorCode::kCorrupt, "palette lookup table " + why); }

}  // namespace

Result<std::vector<std::uint8_t>> ExpandPlainLut(const LutDescriptor& d, std::span<const std::uint16_t> words) {
  if (d.entries <= 0 || d.entries > 65536) return Bad("has an invalid number of entries");
  if (d.bits != 8 && d.bits != 16) return Bad("has " + std::to_string(d.bits) + " bits per entry");
  const auto n = static_cast<size_t>(d.entries);
  std::vector<std::uint8_t> out(n);
  if (words.size() >= n) {
    for (size_t i = 0; i < n; ++i) {
      // Some writers declare 8 bits but store 16-bit values; keep the high byte then.
      const std::uint16_t w = words[i];
      out[i] = (d.bits == 8 && w > 0xFF) ? static_cast<std::uint8_t>(w >> 8) : To8Bit(w, d.bits);
    }
    return out;
  }
  if (d.bits == 8 && words.size() * 2 >= n) {
    // 8-bit entries packed two per little-endian word.
    for (size_t i = 0; i < n; ++i) {
      const std::uint16_t w = words[i / 2];
      out[i] = static_cast<std::uint8_t>((i % 2 == 0) ? (w & 0xFF) : (w >> 8));
    }
    return out;
  }
  return Bad("data is shorter than its descriptor (" + std::to_string(words.size()) + " words for " +
             std::to_string(n) + " entries)");
}

namespace {

// Segment opcodes of PS3.3 C.7.9.2.
constexpr std::uint16_t kDiscrete = 0;
constexpr std::uint16_t kLinear = 1;
constexpr std::uint16_t kIndirect = 2;
constexpr int kMaxIndirectDepth = 4;

struct SegmentExpander {
  std::span<const std::uint16_t> words;
  size_t max_entries;
  std::vector<double> values;  // expanded, full precision until the end

  // Expands `segment_limit` segments (or all, if unbounded) starting at word
  // `pos`. Returns false on malformed data.
  bool Run(size_t pos, size_t segment_limit, int depth) {
    if (depth > kMaxIndirectDepth) return false;
    for (size_t seg = 0; seg < segment_limit && pos < words.size(); ++seg) {
      if (pos + 1 >= words.size()) return false;
      const std::uint16_t opcode = words[pos];
      const std::uint16_t length = words[pos + 1];
      pos += 2;
      if (opcode == kDiscrete) {
        if (pos + length > words.size() || values.size() + length > max_entries) return false;
        for (size_t i = 0; i < length; ++i) values.push_back(words[pos + i]);
        pos += length;
      } else if (opcode == kLinear) {
        // Linear ramp from the previous value to words[pos] over `length` entries.
        if (values.empty() || pos >= words.size() || values.size() + length > max_entries) return false;
        const double y0 = values.back();
        const double y1 = words[pos];
        for (size_t i = 1; i <= length; ++i) values.push_back(y0 + (y1 - y0) * static_cast<double>(i) / length);
        pos += 1;
      } else if (opcode == kIndirect) {
        // Replays `length` segments found at a 32-bit word offset (low word first).
        if (pos + 1 >= words.size()) return false;
        const size_t offset = static_cast<size_t>(words[pos]) | (static_cast<size_t>(words[pos + 1]) << 16);
        pos += 2;
        if (offset >= words.size()) return false;
        if (!Run(offset, length, depth + 1)) return false;
      } else {
        return false;
      }
    }
    return true;
  }
};

}  // namespace

Result<std::vector<std::uint8_t>> ExpandSegmentedLut(const LutDescriptor& d, std::span<const std::uint16_t> words) {
  if (d.entries <= 0 || d.entries > 65536) return Bad("has an invalid number of entries");
  if (d.bits != 8 && d.bits != 16) return Bad("has " + std::to_string(d.bits) + " bits per entry");
  SegmentExpander expander{words, static_cast<size_t>(d.entries), {}};
  expander.values.reserve(static_cast<size_t>(d.entries));
  if (!expander.Run(0, words.size(), 0)) return Bad("has a malformed segment");
  if (expander.values.empty()) return Bad("has no segments");
  std::vector<std::uint8_t> out(static_cast<size_t>(d.entries));
  for (size_t i = 0; i < out.size(); ++i) {
    // A table shorter than its descriptor repeats its last value.
    const double v = expander.values[std::min(i, expander.values.size() - 1)];
    out[i] = To8Bit(static_cast<std::uint32_t>(std::lround(v)), d.bits);
  }
  return out;
}

}  // namespace antra
