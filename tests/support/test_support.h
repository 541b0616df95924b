#pragma once
// Helpers shared by the test programs.

#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace antra::test {

// ../shared beside the checkout (or $ANTRA_SHARED_DIR); empty if absent.
std::optional<std::filesystem::path> SharedDir();
std::optional<std::filesystem::path> DicomSamplesDir();
std::optional<std::filesystem::path> RealSamplesDir();

std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();

// A fresh folder under the build tree, removed when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "tmp");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes bytes to a file (test fixtures).
void WriteBytes(const std::filesystem::path& path, const std::string& bytes);
std::string ReadBytes(const std::filesystem::path& path);

// What a command printed and how it ended.
struct CommandRun {
  int exit_code = -1;  // -1 when it did not exit normally (killed by a signal)
  std::string out;
  std::string err;
};

// Runs the built `antra` with these arguments (shell words), capturing both streams.
CommandRun RunAntra(const std::string& args);

}  // namespace antra::test

// Skips the current test, with a message, when ../shared/dicom-samples is absent.
#define ANTRA_REQUIRE_DICOM_SAMPLES()                                                         \
  do {                                                                                        \
    if (!::antra::test::DicomSamplesDir()) GTEST_SKIP() << "../shared/dicom-samples absent"; \
  } while (0)

#define ANTRA_REQUIRE_REAL_SAMPLES()                                                                     \
  do {                                                                                                   \
    if (!::antra::test::RealSamplesDir()) GTEST_SKIP() << "../shared/real-samples/mmotu-normal-ovary absent"; \
  } while (0)
