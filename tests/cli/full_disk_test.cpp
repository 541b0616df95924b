// Writing results when the disk is full: a file-size limit (ulimit -f, the
// same EFBIG/ENOSPC path a full disk takes) gives a one-line error, a non-zero
// exit, and leaves the earlier results and no temporary files behind.

#include <sys/wait.h>

#include <cstdlib>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace antra {
namespace {

int Shell(const std::string& command) {
  const int status = std::system(("bash -c '" + command + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string Antra() { return (test::BinaryDir() / "src/cli/antra").string(); }

int CountTemporaries(const std::filesystem::path& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    n += name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0;
  }
  return n;
}

TEST(FullDiskTest, AnalysisJsonOverALimitFailsCleanlyAndKeepsTheEarlierFile) {
  test::TempDir dir("full-disk-analyze");
  const auto sample = test::SourceDir() / "sample_images" / "easy-01.dcm";
  const auto out = dir / "easy-01.json";
  ASSERT_EQ(Shell(Antra() + " analyze " + sample.string() + " --json " + out.string() + " > /dev/null"), 0);
  const std::string before = test::ReadBytes(out);
  ASSERT_GT(before.size(), 4096u);
  // 4 blocks of 1 KiB: the new JSON cannot be written.
  const int code = Shell("ulimit -f 4; " + Antra() + " analyze " + sample.string() + " --json " + out.string() +
                       " > /dev/null 2> " + (dir / "err").string());
  EXPECT_EQ(code, 1);
  const std::string err = test::ReadBytes(dir / "err");
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_NE(err.find("antra: error: "), std::string::npos) << err;
  EXPECT_NE(err.find("File too large"), std::string::npos) << err;
  EXPECT_EQ(test::ReadBytes(out), before);  // the earlier result is intact
  EXPECT_EQ(CountTemporaries(dir.path()), 0);
}

TEST(FullDiskTest, StudyResultsOverALimitKeepEveryEarlierVisitFile) {
  test::TempDir dir("full-disk-study");
  const auto results = dir / "results";
  const std::string samples = (test::SourceDir() / "sample_images").string();
  const auto analyses = dir / "analyses";
  ASSERT_EQ(Shell(Antra() + " analyze " + samples + "/*.dcm --json " + analyses.string() + " > /dev/null"), 0);
  ASSERT_EQ(Shell(Antra() + " study " + samples + " --analyses " + analyses.string() + " --out " + results.string() +
                " > /dev/null 2>&1"),
            0);
  std::map<std::string, std::string> before;
  for (const auto& e : std::filesystem::recursive_directory_iterator(results)) {
    if (e.is_regular_file()) before[e.path().string()] = test::ReadBytes(e.path());
  }
  ASSERT_FALSE(before.empty());
  // Rerun with another visit interval, so visits would be rewritten, but with no room to write them.
  const int code = Shell("ulimit -f 1; " + Antra() + " study " + samples + " --analyses " + analyses.string() +
                       " --out " + results.string() + " --interval-days 7 > /dev/null 2> " + (dir / "err").string());
  EXPECT_NE(code, 0);
  for (const auto& [path, bytes] : before) {
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    const std::string now = test::ReadBytes(path);
    // A file may only be unchanged, or completely rewritten (never partial).
    if (now != bytes && path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) {
      EXPECT_FALSE(nlohmann::json::parse(now, nullptr, false).is_discarded()) << path;
    }
  }
  EXPECT_EQ(CountTemporaries(results), 0);
}

}  // namespace
}  // namespace antra
