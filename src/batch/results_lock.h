#pragma once
// Locks that let several batch processes (shards on one machine or on a
// shared file system) and the viewer use one results folder, and the clean-up
// of what a killed run leaves behind.
//
//   RESULTS/private/.batch.lock      held shared by every running batch; held
//                                    exclusively only to sweep stale files, so
//                                    a sweep never runs beside another batch
//   RESULTS/private/.private.lock    exclusive around read-merge-write of the
//                                    subject key and scan paths
//   <visit>/.lock                    the visit's lock (study/visit_store.h):
//                                    taken to remove a stale file in a visit
//                                    folder, so a reviewer's save is never hit
//
// flock(2) locks; on NFS, Linux maps them to POSIX byte-range locks, which the
// server arbitrates between machines.

#include <filesystem>

#include "core/result.h"

namespace antra {

class FileLock {
 public:
  enum class Mode { kShared, kExclusive };
  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Blocks until the lock is held. Creates the file (and its folder).
  static Result<FileLock> Acquire(const std::filesystem::path& path, Mode mode);
  // Nothing when another process holds a conflicting lock.
  static Result<std::optional<FileLock>> TryAcquire(const std::filesystem::path& path, Mode mode);
  // Exclusive to shared, without letting go in between for other sharers.
  Status Downgrade();
  bool held() const { return fd_ >= 0; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The temporary files core/atomic_file.h writes: ".<name>.<pid>.<n>.tmp".
bool IsAtomicWriteTemporary(const std::filesystem::path& path);

// Removes every temporary file a killed writer left under `results_root`.
// Call only while holding .batch.lock exclusively; files in visit folders are
// removed under the visit's own lock. Returns how many were removed.
Result<int> SweepStaleTemporaries(const std::filesystem::path& results_root);

}  // namespace antra
