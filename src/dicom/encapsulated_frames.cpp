#include "dicom/encapsulated_frames.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <algorithm>
#include <string>

namespace antra {

namespace {

Error Corrupt(const std::string& why) { return MakeError(ErrorCode::kCorrupt, why); }

DcmPixelItem* Item(DcmPixelSequence& sequence, unsigned long i) {
  DcmPixelItem* item = nullptr;
  return sequence.getItem(item, i).good() ? item : nullptr;
}

bool StartsFrame(DcmPixelItem& item, FrameStartTest starts_frame) {
  Uint8* bytes = nullptr;
  if (item.getUint8Array(bytes).bad() || !bytes) return false;
  const bool starts = starts_frame(std::span<const std::uint8_t>(bytes, std::min<Uint32>(item.getLength(), 64)));
  item.compact();
  return starts;
}

Status BuildIndex(DcmPixelSequence& sequence, int frame_count, EncapsulatedFrameIndex& index,
                  FrameStartTest starts_frame) {
  const unsigned long items = sequence.card();
  if (items < 2) return Corrupt("compressed pixel data has no fragments");
  const unsigned long fragments = items - 1;
  index.items.clear();
  if (fragments == static_cast<unsigned long>(frame_count)) {
    for (unsigned long i = 1; i < items; ++i) index.items.emplace_back(i, i);
    index.built = true;
    return Status::Ok();
  }
  // Basic Offset Table: byte offsets of each frame's first item, counted from
  // the first item after the table (each item has an 8-byte header).
  DcmPixelItem* table = Item(sequence, 0);
  Uint8* raw = nullptr;
  if (table && table->getLength() == 4u * static_cast<Uint32>(frame_count) && table->getUint8Array(raw).good() && raw) {
    std::vector<unsigned long> starts;
    unsigned long long position = 0;
    unsigned long item_at = 1;
    for (int f = 0; f < frame_count; ++f) {
      const unsigned long long offset = raw[4 * f] | (raw[4 * f + 1] << 8) | (raw[4 * f + 2] << 16) |
                                        (static_cast<unsigned long long>(raw[4 * f + 3]) << 24);
      while (item_at < items && position < offset) {
        position += 8 + Item(sequence, item_at)->getLength();
        ++item_at;
      }
      if (position != offset || item_at >= items) return Corrupt("basic offset table does not match the fragments");
      starts.push_back(item_at);
    }
    for (size_t f = 0; f < starts.size(); ++f) {
      const unsigned long last = f + 1 < starts.size() ? starts[f + 1] - 1 : items - 1;
      index.items.emplace_back(starts[f], last);
    }
    index.built = true;
    return Status::Ok();
  }
  // No usable table: a new frame starts wherever a frame header is seen.
  for (unsigned long i = 1; i < items; ++i) {
    DcmPixelItem* item = Item(sequence, i);
    if (!item) return Corrupt("cannot read fragment " + std::to_string(i));
    if (StartsFrame(*item, starts_frame) || index.items.empty()) {
      index.items.emplace_back(i, i);
    } else {
      index.items.back().second = i;
    }
  }
  if (index.items.size() != static_cast<size_t>(frame_count)) {
    return Corrupt(std::to_string(frame_count) + " frames declared, " + std::to_string(index.items.size()) +
                   " frame starts found in the fragments");
  }
  index.built = true;
  return Status::Ok();
}

}  // namespace

Result<std::vector<std::uint8_t>> ReadEncapsulatedFrameBytes(DcmPixelSequence& sequence, int frame, int frame_count,
                                                            EncapsulatedFrameIndex& index, FrameStartTest starts_frame) {
  if (!index.built) {
    if (Status s = BuildIndex(sequence, frame_count, index, starts_frame); !s) return s.error();
  }
  const auto [first, last] = index.items.at(static_cast<size_t>(frame));
  std::vector<std::uint8_t> bytes;
  for (unsigned long i = first; i <= last; ++i) {
    DcmPixelItem* item = Item(sequence, i);
    Uint8* data = nullptr;
    if (!item || item->getUint8Array(data).bad() || (!data && item->getLength() > 0)) {
      return MakeError(ErrorCode::kTruncated, "fragment " + std::to_string(i) + " of frame " +
                                                  std::to_string(frame) + " cannot be read");
    }
    bytes.insert(bytes.end(), data, data + item->getLength());
  }
  return bytes;
}

}  // namespace antra
