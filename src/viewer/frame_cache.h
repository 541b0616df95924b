#pragma once
// Decoded frames kept for display, within a memory budget. A cine that fits is
// kept whole (playback never waits); a longer one keeps a window of frames
// ahead of the one on screen, which the decode worker refills as playback
// moves, so memory stays bounded whatever the length of the loop.

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "core/image.h"

namespace antra::viewer {

std::size_t FrameBytes(const Frame& frame);

// How many frames, starting at the displayed one and going forward (wrapping
// around, as playback does), may be resident at once.
int ResidentWindow(std::size_t budget_bytes, std::size_t frame_bytes, int frame_count);

// Steps from `from` forward to `to` in a loop of `frame_count` frames.
int ForwardDistance(int from, int to, int frame_count);

class FrameCache {
 public:
  FrameCache(std::size_t budget_bytes, int frame_count);

  void Put(Frame frame);
  const Frame* Get(int index) const;
  bool Has(int index) const { return frames_.count(index) != 0; }

  // Drops frames outside the resident window ahead of `current`; returns
  // their indices and sizes in bytes.
  std::vector<std::pair<int, std::size_t>> EvictOutsideWindow(int current);

  std::size_t bytes() const { return bytes_; }
  std::size_t budget_bytes() const { return budget_bytes_; }
  int size() const { return static_cast<int>(frames_.size()); }
  int frame_count() const { return frame_count_; }

 private:
  std::size_t budget_bytes_;
  int frame_count_;
  std::size_t bytes_ = 0;
  std::size_t frame_bytes_ = 0;  // of the first frame; all frames of a file are alike
  std::map<int, Frame> frames_;
};

}  // namespace antra::viewer
