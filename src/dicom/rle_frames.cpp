#include "dicom/rle_frames.h"

#include <algorithm>
#include <string>

namespace antra {

namespace {

constexpr size_t kHeaderBytes = 64;
constexpr std::uint32_t kMaxSegments = 15;

Error Corrupt(const std::string& why) { return MakeError(ErrorCode::kCorrupt, "RLE data: " + why); }

std::uint32_t ReadUint32Le(std::span<const std::uint8_t> bytes, size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) | (static_cast<std::uint32_t>(bytes[at + 1]) << 8) |
         (static_cast<std::uint32_t>(bytes[at + 2]) << 16) | (static_cast<std::uint32_t>(bytes[at + 3]) << 24);
}

// PackBits (G.3.1): a header byte n, then n+1 literal bytes (0 <= n <= 127)
// or one byte repeated 1-n times (-127 <= n <= -1); -128 is a no-op. Decoding
// stops when `out` is full, since some encoders pad a segment with one byte.
Status DecodeSegment(std::span<const std::uint8_t> segment, std::span<std::uint8_t> out) {
  size_t in = 0, written = 0;
  while (written < out.size() && in < segment.size()) {
    const int n = static_cast<std::int8_t>(segment[in++]);
    if (n >= 0) {
      const size_t count = std::min<size_t>(static_cast<size_t>(n) + 1, out.size() - written);
      if (segment.size() - in < count) return Corrupt("a literal run ends past its segment");
      std::copy_n(segment.begin() + static_cast<std::ptrdiff_t>(in), count, out.begin() + static_cast<std::ptrdiff_t>(written));
      in += static_cast<size_t>(n) + 1;
      written += count;
    } else if (n != -128) {
      if (in >= segment.size()) return Corrupt("a repeat run has no byte to repeat");
      const size_t count = std::min<size_t>(static_cast<size_t>(1 - n), out.size() - written);
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(written), count, segment[in++]);
      written += count;
    }
  }
  if (written < out.size()) {
    return Corrupt("a segment decodes to " + std::to_string(written) + " of " + std::to_string(out.size()) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

bool StartsRleFrame(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderBytes) return false;
  const std::uint32_t segments = ReadUint32Le(bytes, 0);
  return segments >= 1 && segments <= kMaxSegments && ReadUint32Le(bytes, 4) == kHeaderBytes;
}

Result<std::vector<std::uint8_t>> DecodeRleFrame(std::span<const std::uint8_t> rle, const PixelLayout& layout) {
  const int bytes_per_sample = layout.bits_allocated / 8;
  const std::uint32_t expected_segments = static_cast<std::uint32_t>(layout.samples_per_pixel * bytes_per_sample);
  if (rle.size() < kHeaderBytes) return Corrupt("the frame is shorter than its 64-byte header");
  const std::uint32_t segments = ReadUint32Le(rle, 0);
  if (segments != expected_segments) {
    return Corrupt(std::to_string(segments) + " segments, the image needs " + std::to_string(expected_segments));
  }
  std::vector<size_t> offsets;
  for (std::uint32_t s = 0; s < segments; ++s) offsets.push_back(ReadUint32Le(rle, 4 + 4 * s));
  offsets.push_back(rle.size());
  if (offsets.front() != kHeaderBytes) return Corrupt("the first segment does not start at byte 64");
  for (size_t s = 0; s + 1 < offsets.size(); ++s) {
    if (offsets[s] > offsets[s + 1]) return Corrupt("segment offsets are out of order or past the frame");
  }

  const size_t pixels = static_cast<size_t>(layout.width) * static_cast<size_t>(layout.height);
  std::vector<std::uint8_t> plane_bytes(pixels);
  std::vector<std::uint8_t> frame(pixels * expected_segments);
  // Segments run sample by sample, most significant byte first (G.2); the
  // output is little endian, one sample plane after another.
  for (std::uint32_t s = 0; s < segments; ++s) {
    const auto segment = rle.subspan(offsets[s], offsets[s + 1] - offsets[s]);
    if (Status st = DecodeSegment(segment, plane_bytes); !st) return st.error();
    const int sample = static_cast<int>(s) / bytes_per_sample;
    const int byte_in_sample = bytes_per_sample - 1 - static_cast<int>(s) % bytes_per_sample;
    std::uint8_t* plane = frame.data() + static_cast<size_t>(sample) * pixels * bytes_per_sample;
    for (size_t p = 0; p < pixels; ++p) plane[p * bytes_per_sample + byte_in_sample] = plane_bytes[p];
  }
  return frame;
}

}  // namespace antra
