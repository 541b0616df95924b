#include "support/test_support.h"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

namespace antra::test {

std::filesystem::path SourceDir() { return ANTRA_SOURCE_DIR; }
std::filesystem::path BinaryDir() { return ANTRA_BINARY_DIR; }

std::optional<std::filesystem::path> SharedDir() {
  if (const char* env = std::getenv("ANTRA_SHARED_DIR"); env && *env) {
    if (std::filesystem::is_directory(env)) return std::filesystem::path(env);
    return std::nullopt;
  }
  const auto dir = SourceDir().parent_path() / "shared";
  if (std::filesystem::is_directory(dir)) return dir;
  return std::nullopt;
}

std::optional<std::filesystem::path> DicomSamplesDir() {
  auto shared = SharedDir();
  if (!shared || !std::filesystem::is_directory(*shared / "dicom-samples")) return std::nullopt;
  return *shared / "dicom-samples";
}

std::optional<std::filesystem::path> RealSamplesDir() {
  auto shared = SharedDir();
  const auto dir = shared ? *shared / "real-samples" / "mmotu-normal-ovary" : std::filesystem::path();
  if (!shared || !std::filesystem::is_directory(dir)) return std::nullopt;
  return dir;
}

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = BinaryDir() / "test-tmp" /
          (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandRun RunAntra(const std::string& args) {
  TempDir dir("antra-run");
  const auto out = dir / "stdout";
  const auto err = dir / "stderr";
  const std::string command =
      (BinaryDir() / "src/cli/antra").string() + " " + args + " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(command.c_str());
  CommandRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadBytes(out);
  run.err = ReadBytes(err);
  return run;
}

}  // namespace antra::test
