#include "batch/progress.h"

#include <unistd.h>

#include <cmath>

namespace antra {

namespace {

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  }
  return buffer;
}

}  // namespace

ProgressReporter::ProgressReporter(std::FILE* out, std::string what, int total, int interactive)
    : out_(out), what_(std::move(what)), total_(total) {
  interactive_ = interactive < 0 ? (out_ && ::isatty(::fileno(out_))) : interactive != 0;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

ProgressReporter::~ProgressReporter() { Finish(); }

std::string ProgressReporter::RateAndEta(int done, int total, double seconds) {
  char buffer[96];
  const double rate = seconds > 0 ? done / seconds : 0;
  const double eta = rate > 0 ? (total - done) / rate : NAN;
  std::snprintf(buffer, sizeof buffer, "%.1f/s, ETA %s", rate, done >= total ? "0m00s" : Duration(eta).c_str());
  return buffer;
}

void ProgressReporter::Advance(int done_items, int failed_items, long frames) {
  std::lock_guard lock(mutex_);
  done_ += done_items;
  failed_ += failed_items;
  frames_ += frames;
  Draw(false);
}

void ProgressReporter::Finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  // A log already has the line for the last item; a bar is redrawn anyway.
  if (!interactive_ && drawn_done_ == done_ && drawn_failed_ == failed_) return;
  Draw(true);
  if (interactive_ && out_) std::fputc('\n', out_);
}

void ProgressReporter::Draw(bool force) {
  if (!out_) return;
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  // A terminal is redrawn often; a log gets a line every 10 s at most.
  if (!force && since_draw < (interactive_ ? 0.1 : 10.0) && done_ < total_) return;
  last_draw_ = now;
  drawn_done_ = done_;
  drawn_failed_ = failed_;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string rate = RateAndEta(done_, total_, elapsed);
  if (interactive_) {
    constexpr int kWidth = 30;
    const int filled = total_ > 0 ? kWidth * done_ / total_ : kWidth;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(out_, "\r%s [%s] %d/%d (%d failed) %s  ", what_.c_str(), bar.c_str(), done_, total_, failed_, rate.c_str());
  } else {
    std::fprintf(out_, "%s: %d/%d done, %d failed, %ld frames, %s\n", what_.c_str(), done_, total_, failed_, frames_,
                 rate.c_str());
  }
  std::fflush(out_);
}

}  // namespace antra
