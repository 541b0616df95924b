#include "viewer/cine_player.h"

#include <algorithm>

namespace antra::viewer {

void CinePlayer::Reset(int frame_count, std::optional<double> frame_time_ms) {
  frame_count_ = std::max(frame_count, 0);
  frame_ = 0;
  from_file_ = frame_time_ms && *frame_time_ms > 0;
  frame_time_ms_ = from_file_ ? *frame_time_ms : kDefaultFrameTimeMs;
  playing_ = false;
  waiting_ = false;
  accumulated_ms_ = 0;
}

void CinePlayer::SetPlaying(bool playing) {
  playing_ = playing && frame_count_ > 1;
  accumulated_ms_ = 0;
  waiting_ = false;
}

void CinePlayer::Seek(int frame) {
  if (frame_count_ == 0) return;
  frame_ = std::clamp(frame, 0, frame_count_ - 1);
  accumulated_ms_ = 0;
}

void CinePlayer::Step(int delta) {
  if (frame_count_ == 0) return;
  frame_ = ((frame_ + delta) % frame_count_ + frame_count_) % frame_count_;
  accumulated_ms_ = 0;
}

int CinePlayer::Advance(double elapsed_ms, const std::function<bool(int)>& ready) {
  waiting_ = false;
  if (!playing_ || frame_count_ < 2) return frame_;
  accumulated_ms_ += std::max(elapsed_ms, 0.0);
  // After a long stall (a slow frame, a debugger) do not race through frames.
  accumulated_ms_ = std::min(accumulated_ms_, 4 * frame_time_ms_);
  while (accumulated_ms_ >= frame_time_ms_) {
    const int next = (frame_ + 1) % frame_count_;
    if (!ready(next)) {
      waiting_ = true;
      accumulated_ms_ = frame_time_ms_;  // show it as soon as it arrives
      break;
    }
    frame_ = next;
    accumulated_ms_ -= frame_time_ms_;
  }
  return frame_;
}

}  // namespace antra::viewer
