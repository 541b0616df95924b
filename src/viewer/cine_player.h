#pragma once
// Cine playback clock: advances frames at the file's own rate
// (ImageInfo::frame_time_ms), looping, and holds on a frame whose successor is
// not decoded yet instead of skipping it.

#include <functional>
#include <optional>

namespace antra::viewer {

class CinePlayer {
 public:
  // Used when the file gives no frame time; the status bar says so.
  static constexpr double kDefaultFrameTimeMs = 1000.0 / 30.0;

  void Reset(int frame_count, std::optional<double> frame_time_ms);

  void SetPlaying(bool playing);
  bool playing() const { return playing_; }
  void Seek(int frame);
  void Step(int delta);  // wraps around

  // Elapsed wall time since the last call; returns the frame to show.
  // `ready(i)` says whether frame i is decoded.
  int Advance(double elapsed_ms, const std::function<bool(int)>& ready);

  int frame() const { return frame_; }
  int frame_count() const { return frame_count_; }
  double frame_time_ms() const { return frame_time_ms_; }
  bool frame_time_from_file() const { return from_file_; }
  bool waiting_for_decode() const { return waiting_; }

 private:
  int frame_count_ = 0;
  int frame_ = 0;
  double frame_time_ms_ = kDefaultFrameTimeMs;
  bool from_file_ = false;
  bool playing_ = false;
  bool waiting_ = false;
  double accumulated_ms_ = 0;
};

}  // namespace antra::viewer
