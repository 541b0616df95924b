#pragma once
// A file lock, so that several batch processes (shards on one machine or on
// a shared file system) can share one results folder: the batch holds
// RESULTS/private/.private.lock exclusively around its read-merge-write of
// the subject key and scan paths. (Visit folders have their own lock in
// study/visit_store.h.)
//
// flock(2) locks; on NFS, Linux maps them to POSIX byte-range locks, which the
// server arbitrates between machines.

#include <filesystem>
#include <optional>

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
  bool held() const { return fd_ >= 0; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace antra
