#include "viewer/frame_cache.h"

#include <algorithm>

namespace antra::viewer {

std::size_t FrameBytes(const Frame& frame) {
  return frame.luma.total() * frame.luma.elemSize() + frame.rgb.total() * frame.rgb.elemSize();
}

int ResidentWindow(std::size_t budget_bytes, std::size_t frame_bytes, int frame_count) {
  if (frame_count <= 0) return 0;
  if (frame_bytes == 0) return frame_count;
  // At least the frame on screen and the next one, even over budget.
  const std::size_t fit = std::max<std::size_t>(budget_bytes / frame_bytes, 2);
  return static_cast<int>(std::min<std::size_t>(fit, static_cast<std::size_t>(frame_count)));
}

int ForwardDistance(int from, int to, int frame_count) {
  if (frame_count <= 0) return 0;
  return ((to - from) % frame_count + frame_count) % frame_count;
}

FrameCache::FrameCache(std::size_t budget_bytes, int frame_count)
    : budget_bytes_(budget_bytes), frame_count_(frame_count) {}

void FrameCache::Put(Frame frame) {
  const std::size_t size = FrameBytes(frame);
  if (frame_bytes_ == 0) frame_bytes_ = size;
  auto [it, inserted] = frames_.insert_or_assign(frame.index, std::move(frame));
  (void)it;
  if (inserted) bytes_ += size;
}

const Frame* FrameCache::Get(int index) const {
  auto it = frames_.find(index);
  return it == frames_.end() ? nullptr : &it->second;
}

std::vector<std::pair<int, std::size_t>> FrameCache::EvictOutsideWindow(int current) {
  std::vector<std::pair<int, std::size_t>> evicted;
  if (bytes_ <= budget_bytes_) return evicted;
  const int window = ResidentWindow(budget_bytes_, frame_bytes_, frame_count_);
  for (auto it = frames_.begin(); it != frames_.end();) {
    if (ForwardDistance(current, it->first, frame_count_) >= window) {
      const std::size_t size = FrameBytes(it->second);
      bytes_ -= size;
      evicted.emplace_back(it->first, size);
      it = frames_.erase(it);
    } else {
      ++it;
    }
  }
  return evicted;
}

}  // namespace antra::viewer
