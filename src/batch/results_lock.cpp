#include "batch/results_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

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

Status FileLock::Downgrade() {
  if (fd_ < 0 || FlockRetrying(fd_, LOCK_SH) != 0) return MakeError(ErrorCode::kIo, "cannot downgrade lock");
  return Status::Ok();
}

bool IsAtomicWriteTemporary(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name.size() < 8 || name.front() != '.' || !name.ends_with(".tmp")) return false;
  // ".<name>.<pid>.<counter>.tmp": the two numbers before ".tmp".
  const std::string stem = name.substr(0, name.size() - 4);
  const size_t counter_dot = stem.rfind('.');
  if (counter_dot == std::string::npos || counter_dot == 0) return false;
  const size_t pid_dot = stem.rfind('.', counter_dot - 1);
  if (pid_dot == std::string::npos || pid_dot == 0) return false;
  auto digits = [](std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits(std::string_view(stem).substr(pid_dot + 1, counter_dot - pid_dot - 1)) &&
         digits(std::string_view(stem).substr(counter_dot + 1));
}

Result<int> SweepStaleTemporaries(const fs::path& results_root) {
  std::error_code ec;
  if (!fs::is_directory(results_root, ec)) return 0;
  std::vector<fs::path> stale;
  auto it = fs::recursive_directory_iterator(results_root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot list " + results_root.string() + ": " + ec.message());
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) return MakeError(ErrorCode::kIo, "cannot list " + results_root.string() + ": " + ec.message());
    if (it->is_regular_file(ec) && IsAtomicWriteTemporary(it->path())) stale.push_back(it->path());
  }
  int removed = 0;
  for (const auto& path : stale) {
    // A visit folder (or its automatic-pending/) has its own lock, which the
    // viewer takes to save: take it too, so a save in progress is not hit.
    fs::path visit_dir = path.parent_path();
    if (visit_dir.filename() == "automatic-pending") visit_dir = visit_dir.parent_path();
    std::optional<FileLock> visit_lock;
    if (fs::exists(visit_dir / ".lock", ec)) {
      auto lock = FileLock::Acquire(visit_dir / ".lock", FileLock::Mode::kExclusive);
      if (!lock) return lock.error();
      visit_lock = std::move(*lock);
    }
    if (fs::remove(path, ec)) ++removed;
  }
  return removed;
}

}  // namespace antra
