#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace antra {

namespace {

std::string Reason(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool WriteAll(int fd, std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

void SyncDirectory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  const auto dir = path.parent_path();
  std::error_code ec;
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create folder " + dir.string() + ": " + ec.message());

  // Leading dot and .tmp suffix: readers that list a folder skip these.
  const auto tmp = (dir.empty() ? std::filesystem::path(".") : dir) /
                   ("." + path.filename().string() + "." + std::to_string(::getpid()) + "." +
                    std::to_string(counter++) + ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return MakeError(ErrorCode::kIo, Reason(("cannot create " + tmp.string()).c_str()));
  const bool written = WriteAll(fd, bytes) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    errno = saved_errno;
    return MakeError(ErrorCode::kIo, Reason(("cannot write " + path.string()).c_str()));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = Reason(("cannot rename into " + path.string()).c_str());
    ::unlink(tmp.c_str());
    return MakeError(ErrorCode::kIo, why);
  }
  SyncDirectory(dir);
  return Status::Ok();
}

}  // namespace antra
