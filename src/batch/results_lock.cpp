#include "batch/results_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace antra {

namespace fs = std::filesystem;

namespace {

Result<int> OpenLockFile(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(ErrorCode::kIo, "cannot open lock " + path.string() + ": " + std::strerror(errno));
  return fd;
}

int FlockRetrying(int fd, int operation) {
  int rc;
  do {
    rc = ::flock(fd, operation);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<FileLock> FileLock::Acquire(const fs::path& path, Mode mode) {
  auto fd = OpenLockFile(path);
  if (!fd) return fd.error();
  if (FlockRetrying(*fd, mode == Mode::kShared ? LOCK_SH : LOCK_EX) != 0) {
    const std::string why = std::strerror(errno);
    ::close(*fd);
    return MakeError(ErrorCode::kIo, "cannot lock " + path.string() + ": " + why);
  }
  return FileLock(*fd);
}

Result<std::optional<FileLock>> FileLock::TryAcquire(const fs::path& path, Mode mode) {
  auto fd = OpenLockFile(path);
  if (!fd) return fd.error();
  if (FlockRetrying(*fd, (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    const int err = errno;
    ::close(*fd);
    if (err == EWOULDBLOCK) return std::optional<FileLock>();
    return MakeError(ErrorCode::kIo, "cannot lock " + path.string() + ": " + std::strerror(err));
  }
  return std::optional<FileLock>(FileLock(*fd));
}

}  // namespace antra
