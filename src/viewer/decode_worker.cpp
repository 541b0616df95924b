#include "viewer/decode_worker.h"

#include "viewer/frame_cache.h"

namespace antra::viewer {

DecodeWorker::DecodeWorker(int generation, std::filesystem::path path, OpenOptions options,
                           std::size_t budget_bytes, ConcurrentQueue<DecodeMessage>& out, SubjectLookup subject_of)
    : generation_(generation),
      path_(std::move(path)),
      options_(std::move(options)),
      budget_bytes_(budget_bytes),
      out_(out),
      subject_of_(std::move(subject_of)),
      thread_([this] { Run(); }) {}

DecodeWorker::~DecodeWorker() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void DecodeWorker::Want(int index) {
  {
    std::lock_guard lock(mutex_);
    if (index == want_) return;
    want_ = index;
  }
  wake_.notify_all();
}

void DecodeWorker::Evicted(int index, std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    if (index < 0 || index >= static_cast<int>(slots_.size()) || slots_[index] != Slot::kResident) return;
    slots_[index] = Slot::kMissing;
    resident_bytes_ -= std::min(bytes, resident_bytes_);
  }
  wake_.notify_all();
}

void DecodeWorker::Run() {
  // A broken invariant in a decoder (an exception) must not end the process
  // from this thread: it becomes this file's failure.
  try {
    RunChecked();
  } catch (const std::exception& e) {
    out_.Push({generation_, OpenFailed{MakeError(ErrorCode::kCorrupt, std::string("internal error: ") + e.what())}});
    idle_ = true;
  }
}

void DecodeWorker::RunChecked() {
  if (!Open()) {
    idle_ = true;
    return;
  }
  std::unique_lock lock(mutex_);
  while (!stop_) {
    const int next = NextToDecode();
    if (next < 0) {
      idle_ = true;
      wake_.wait(lock, [&] { return stop_ || NextToDecode() >= 0; });
      continue;
    }
    idle_ = false;
    slots_[next] = Slot::kResident;  // claimed; the main thread learns of it through the queue
    lock.unlock();
    Decode(next);
    lock.lock();
  }
}

bool DecodeWorker::Open() {
  auto opened = OpenImage(path_, options_);
  if (!opened) {
    out_.Push({generation_, OpenFailed{opened.error()}});
    return false;
  }
  source_ = std::move(opened).value();
  {
    std::lock_guard lock(mutex_);
    slots_.assign(source_->info().frame_count, Slot::kMissing);
  }
  out_.Push({generation_, ImageOpened{source_->info(), subject_of_ ? subject_of_(source_->identity()) : std::string()}});
  return true;
}

int DecodeWorker::NextToDecode() const {
  const int count = static_cast<int>(slots_.size());
  if (count == 0) return -1;
  const int want = std::clamp(want_, 0, count - 1);
  if (slots_[want] == Slot::kMissing) return want;
  const int window = ResidentWindow(budget_bytes_, frame_bytes_, count);
  for (int step = 1; step < window; ++step) {
    const int index = (want + step) % count;
    if (slots_[index] != Slot::kMissing) continue;
    if (frame_bytes_ != 0 && resident_bytes_ + frame_bytes_ > budget_bytes_) return -1;
    return index;
  }
  return -1;
}

void DecodeWorker::Decode(int index) {
  auto frame = source_->ReadFrame(index);
  if (!frame) {
    {
      std::lock_guard lock(mutex_);
      slots_[index] = Slot::kFailed;
    }
    out_.Push({generation_, FrameFailed{index, frame.error()}});
    return;
  }
  const std::size_t bytes = FrameBytes(*frame);
  {
    std::lock_guard lock(mutex_);
    if (frame_bytes_ == 0) frame_bytes_ = bytes;
    resident_bytes_ += bytes;
  }
  out_.Push({generation_, FrameDecoded{std::move(frame).value()}});
}

}  // namespace antra::viewer
