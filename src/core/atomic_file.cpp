#include "core/atomic_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

// "<pid>-<start ticks>@<host>": which process on which machine owns a
// temporary file, so that a run on one cluster node never removes another
// node's file in progress.
std::string ShortHostName() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "unknown";
  std::string name;
  for (const char* p = host; *p && *p != '.'; ++p) {
    const char c = *p;
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  }
  return name.empty() ? "unknown" : name;
}

// When the process started, in clock ticks since boot (/proc/<pid>/stat field
// 22), or 0 when unknown. With the pid it names one process even after the
// pid is reused (pid_max is often only 32768, so busy machines reuse pids
// within minutes).
unsigned long long ProcessStartTicks(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(in, stat)) return 0;
  const size_t name_end = stat.rfind(')');  // the command name may hold spaces and ')'
  if (name_end == std::string::npos) return 0;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return 0;
}

// Computed per write, not cached: a forked child must name itself, not its parent.
std::string WriterTag() {
  const long pid = ::getpid();
  return std::to_string(pid) + "-" + std::to_string(ProcessStartTicks(pid)) + "@" + ShortHostName();
}

// Whether the writer "<pid>-<start ticks>" (or an older "<pid>") may still be writing.
bool WriterMayBeAlive(const std::string& writer) {
  const size_t dash = writer.find('-');
  const std::string pid_text = writer.substr(0, dash);
  if (pid_text.empty() || pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string::npos) {
    return true;  // not a name we wrote: leave it alone
  }
  const long pid = std::stol(pid_text);
  const bool pid_in_use = ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
  if (!pid_in_use) return false;
  if (dash == std::string::npos) return true;  // no start time recorded: the pid decides
  const unsigned long long start = std::strtoull(writer.c_str() + dash + 1, nullptr, 10);
  const unsigned long long now_start = ProcessStartTicks(pid);
  // A different start time means the pid now belongs to another process.
  return start == 0 || now_start == 0 || start == now_start;
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
                   ("." + path.filename().string() + "." + WriterTag() + "." + std::to_string(counter++) + ".tmp");
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

int RemoveStaleTemporaries(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return 0;
  const std::string host = ShortHostName();
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() < 6 || name[0] != '.' || name.compare(name.size() - 4, 4, ".tmp") != 0) continue;
    // .<target>.<pid>-<start ticks>@<host>.<counter>.tmp
    const size_t counter_dot = name.rfind('.', name.size() - 5);
    if (counter_dot == std::string::npos || counter_dot == 0) continue;
    const size_t tag_dot = name.rfind('.', counter_dot - 1);
    if (tag_dot == std::string::npos) continue;
    const std::string tag = name.substr(tag_dot + 1, counter_dot - tag_dot - 1);
    const size_t at = tag.find('@');
    if (at == std::string::npos || tag.substr(at + 1) != host) continue;  // another machine's, or not ours
    if (!WriterMayBeAlive(tag.substr(0, at))) stale.push_back(it->path());
  }
  int removed = 0;
  for (const auto& p : stale) {
    if (std::filesystem::remove(p, ec)) ++removed;
  }
  return removed;
}

std::string AtomicWriterTagForTests() { return WriterTag(); }

}  // namespace antra
