#pragma once
// Progress of a long run: a redrawn bar with rate and ETA on a terminal, plain
// lines (at most every few seconds) when the output is a log file.

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace antra {

class ProgressReporter {
 public:
  // `out` is usually stderr; `interactive` defaults to isatty(out).
  ProgressReporter(std::FILE* out, std::string what, int total, int interactive = -1);
  ~ProgressReporter();
  // Thread-safe: called by workers as items finish.
  void Advance(int done_items = 1, int failed_items = 0, long frames = 0);
  void Finish();

  // "12.3 files/s, ETA 4m05s" for the given state (testable without a clock).
  static std::string RateAndEta(int done, int total, double seconds);

 private:
  void Draw(bool force);
  std::FILE* out_;
  std::string what_;
  int total_;
  bool interactive_;
  int done_ = 0, failed_ = 0;
  int drawn_done_ = -1, drawn_failed_ = -1;  // state of the last line drawn
  long frames_ = 0;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

}  // namespace antra
