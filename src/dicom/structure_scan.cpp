#include "dicom/structure_scan.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace antra {

namespace {

constexpr std::uint32_t kUndefined = 0xFFFFFFFF;

class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : in_(path, std::ios::binary) {
    in_.seekg(0, std::ios::end);
    size_ = static_cast<std::uint64_t>(in_.tellg());
    in_.seekg(0);
  }
  std::uint64_t size() const { return size_; }
  bool Read(std::uint64_t at, void* out, size_t n) {
    if (at + n > size_) return false;
    in_.seekg(static_cast<std::streamoff>(at));
    return static_cast<bool>(in_.read(static_cast<char*>(out), static_cast<std::streamsize>(n)));
  }

 private:
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

std::uint16_t U16(const std::uint8_t* p, bool big) { return big ? (p[0] << 8) | p[1] : p[0] | (p[1] << 8); }
std::uint32_t U32(const std::uint8_t* p, bool big) {
  return big ? (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]
             : p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

bool LongLengthVr(const char vr[2]) {
  static const char* kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong) {
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  }
  return false;
}

bool LooksLikeVr(const std::uint8_t* p) { return p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z'; }

Error PastTheEnd(std::uint16_t group, std::uint16_t element, std::uint32_t length, std::uint64_t file_size) {
  char tag[16];
  std::snprintf(tag, sizeof tag, "(%04X,%04X)", group, element);
  return MakeError(ErrorCode::kTruncated, std::string("element ") + tag + " declares " + std::to_string(length) +
                                              " bytes but the file ends first (" + std::to_string(file_size) +
                                              " bytes)");
}

enum class Container { kSequence, kItem, kFragments };
struct Open {
  Container kind;
  std::uint64_t end;  // kUndefined-terminated when 0
};

}  // namespace

Status CheckDicomStructure(const std::filesystem::path& path, const InputLimits& limits) {
  Reader reader(path);
  std::uint64_t pos = 0;
  std::uint8_t head[132];
  if (reader.Read(0, head, 132) && std::memcmp(head + 128, "DICM", 4) == 0) pos = 132;

  bool explicit_vr = true;
  bool big_endian = false;
  bool in_meta = pos == 132;
  if (!in_meta) {
    std::uint8_t first[6];
    if (!reader.Read(0, first, 6)) return Status::Ok();
    explicit_vr = LooksLikeVr(first + 4);
  }
  std::string transfer_syntax;
  std::vector<Open> stack;
  int sequence_depth = 0;

  // Each step advances pos by at least 8 bytes: the walk is linear in the file.
  while (pos + 8 <= reader.size()) {
    while (!stack.empty() && stack.back().end != 0 && pos >= stack.back().end) {
      if (stack.back().kind == Container::kSequence) --sequence_depth;
      stack.pop_back();
    }
    std::uint8_t h[12];
    if (!reader.Read(pos, h, 8)) break;
    // The meta header is explicit little endian; the dataset follows its syntax.
    if (in_meta && U16(h, false) != 0x0002) {
      in_meta = false;
      if (transfer_syntax == "1.2.840.10008.1.2") explicit_vr = false;
      if (transfer_syntax == "1.2.840.10008.1.2.2") big_endian = true;
      if (transfer_syntax == "1.2.840.10008.1.2.1.99") return Status::Ok();  // deflated: DCMTK inflates
      continue;
    }
    const bool big = big_endian && !in_meta;
    const std::uint16_t group = U16(h, big);
    const std::uint16_t element = U16(h + 2, big);
    if (group == 0xFFFE) {
      const std::uint32_t length = U32(h + 4, big);
      pos += 8;
      if (element == 0xE000) {
        if (length != kUndefined && pos + length > reader.size()) return PastTheEnd(group, element, length, reader.size());
        const bool fragments = !stack.empty() && stack.back().kind == Container::kFragments;
        if (fragments) {
          if (length == kUndefined) return Status::Ok();
          pos += length;
        } else {
          stack.push_back({Container::kItem, length == kUndefined ? 0 : pos + length});
        }
      } else if (element == 0xE00D || element == 0xE0DD) {
        if (!stack.empty()) {
          if (stack.back().kind == Container::kSequence) --sequence_depth;
          stack.pop_back();
        }
      }
      continue;
    }
    std::uint32_t length = 0;
    bool sequence = false;
    std::uint64_t header = 8;
    const bool use_explicit = in_meta || explicit_vr;
    char vr[2] = {0, 0};
    if (use_explicit) {
      vr[0] = static_cast<char>(h[4]);
      vr[1] = static_cast<char>(h[5]);
      if (LongLengthVr(vr)) {
        if (!reader.Read(pos + 8, h + 8, 4)) break;
        length = U32(h + 8, big);
        header = 12;
      } else {
        length = U16(h + 6, big);
      }
      sequence = (vr[0] == 'S' && vr[1] == 'Q') || (vr[0] == 'U' && vr[1] == 'N' && length == kUndefined);
    } else {
      length = U32(h + 4, big);
      sequence = length == kUndefined;  // implicit VR: undefined length only for sequences
    }
    if (in_meta && group == 0x0002 && element == 0x0010 && length < 128) {
      std::array<char, 128> uid{};
      if (reader.Read(pos + header, uid.data(), length)) {
        transfer_syntax.assign(uid.data(), length);
        while (!transfer_syntax.empty() && (transfer_syntax.back() == '\0' || transfer_syntax.back() == ' ')) {
          transfer_syntax.pop_back();
        }
      }
    }
    pos += header;
    // DCMTK allocates a value's declared length when it loads it: a length
    // running past the end of the file is refused here, before any allocation.
    if (length != kUndefined && pos + length > reader.size()) return PastTheEnd(group, element, length, reader.size());
    if (sequence) {
      if (++sequence_depth > limits.max_sequence_depth) {
        return MakeError(ErrorCode::kLimitExceeded, "sequences nested more than " +
                                                        std::to_string(limits.max_sequence_depth) + " deep");
      }
      stack.push_back({Container::kSequence, length == kUndefined ? 0 : pos + length});
    } else if (length == kUndefined) {
      stack.push_back({Container::kFragments, 0});  // encapsulated pixel data
    } else {
      pos += length;
    }
  }
  return Status::Ok();
}

}  // namespace antra
