#pragma once
// Opens an image and decodes its frames on a thread of its own, posting each
// result to the main thread's queue. The frame on screen is decoded first,
// then the frames after it (the order of playback), as far as the memory
// budget allows. The ImageSource is used by this thread only: it is not
// thread-safe, and the analysis worker opens the file separately.

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "core/image.h"
#include "io/open_image.h"
#include "viewer/concurrent_queue.h"

namespace antra::viewer {

struct ImageOpened {
  ImageInfo info;
  std::string subject_id;  // from the study's mapping or key; the PatientID itself never leaves the worker
};

// The pseudonymous subject ID of a patient, or "" when unknown.
using SubjectLookup = std::function<std::string(const PatientIdentity&)>;
struct OpenFailed {
  Error error;
};
struct FrameDecoded {
  Frame frame;
};
struct FrameFailed {
  int index = 0;
  Error error;
};

struct DecodeMessage {
  int generation = 0;  // which open document it belongs to; stale ones are dropped
  std::variant<ImageOpened, OpenFailed, FrameDecoded, FrameFailed> payload;
};

class DecodeWorker {
 public:
  DecodeWorker(int generation, std::filesystem::path path, OpenOptions options, std::size_t budget_bytes,
               ConcurrentQueue<DecodeMessage>& out, SubjectLookup subject_of = {});
  ~DecodeWorker();  // stops after the frame in progress and joins
  DecodeWorker(const DecodeWorker&) = delete;
  DecodeWorker& operator=(const DecodeWorker&) = delete;

  // The frame on screen: decoded next if it is not resident.
  void Want(int index);
  // The main thread dropped this frame from its cache.
  void Evicted(int index, std::size_t bytes);
  // Nothing left to decode within the budget (or the open failed).
  bool idle() const { return idle_.load(); }

 private:
  enum class Slot : unsigned char { kMissing, kResident, kFailed };

  void Run();
  void RunChecked();
  bool Open();
  int NextToDecode() const;  // -1: nothing to do; needs mutex_
  void Decode(int index);

  const int generation_;
  const std::filesystem::path path_;
  const OpenOptions options_;
  const std::size_t budget_bytes_;
  ConcurrentQueue<DecodeMessage>& out_;
  const SubjectLookup subject_of_;
  std::unique_ptr<ImageSource> source_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  int want_ = 0;
  std::vector<Slot> slots_;
  std::size_t resident_bytes_ = 0;
  std::size_t frame_bytes_ = 0;
  std::atomic<bool> idle_{false};
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace antra::viewer
