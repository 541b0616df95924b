#include "core/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace antra {
namespace {

TEST(AtomicFileTest, WritesAndReplacesWithoutLeavingTemporaries) {
  test::TempDir dir("atomic");
  const auto path = dir / "sub" / "result.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first"));
  EXPECT_EQ(test::ReadBytes(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer"));
  EXPECT_EQ(test::ReadBytes(path), "second, longer");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(path.parent_path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFileTest, FailureLeavesTheOldFileIntact) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
  test::TempDir dir("atomic-ro");
  const auto path = dir / "result.json";
  ASSERT_TRUE(WriteFileAtomically(path, "kept"));
  ::chmod(dir.path().c_str(), 0555);
  const Status s = WriteFileAtomically(path, "lost");
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_FALSE(s);
  EXPECT_EQ(test::ReadBytes(path), "kept");
}

TEST(AtomicFileTest, UnwritableTargetIsAClearError) {
  test::TempDir dir("atomic-bad");
  test::WriteBytes(dir / "file", "x");
  const Status s = WriteFileAtomically(dir / "file" / "child.json", "y");  // parent is a file
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kIo);
  EXPECT_FALSE(s.error().message.empty());
}

TEST(AtomicFileTest, StaleTemporariesOfDeadWritersAreRemovedOthersKept) {
  test::TempDir dir("atomic-stale");
  const std::string tag = AtomicWriterTagForTests();  // "<pid>-<start ticks>@<host>"
  const std::string host = tag.substr(tag.find('@'));
  // A pid that cannot be alive (above the kernel's pid_max of 4194304).
  test::WriteBytes(dir / "v" / (".visit.json.99999999" + host + ".0.tmp"), "half");
  test::WriteBytes(dir / (".audit.jsonl.99999998" + host + ".3.tmp"), "half");
  const std::string mine = ".x.json." + tag + ".1.tmp";
  test::WriteBytes(dir / mine, "being written");
  const std::string other_node = ".y.json.99999999@some-other-node.1.tmp";
  test::WriteBytes(dir / other_node, "another machine's write in progress");
  test::WriteBytes(dir / "visit.json", "kept");
  test::WriteBytes(dir / ".hidden.tmp", "not ours: no pid");
  EXPECT_EQ(RemoveStaleTemporaries(dir.path()), 2);
  EXPECT_TRUE(std::filesystem::exists(dir / mine));
  EXPECT_TRUE(std::filesystem::exists(dir / other_node));
  EXPECT_TRUE(std::filesystem::exists(dir / "visit.json"));
  EXPECT_TRUE(std::filesystem::exists(dir / ".hidden.tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "v" / (".visit.json.99999999" + host + ".0.tmp")));
}

TEST(AtomicFileTest, ReusedPidDoesNotKeepADeadWritersTemporary) {
  test::TempDir dir("atomic-reused-pid");
  const std::string tag = AtomicWriterTagForTests();  // "<pid>-<start ticks>@<host>"
  const std::string pid = tag.substr(0, tag.find('-'));
  const std::string host = tag.substr(tag.find('@'));
  // The same pid (alive: this process) but another start time: an earlier
  // process that had this pid, killed mid-write.
  const std::string earlier = ".r.json." + pid + "-1" + host + ".0.tmp";
  test::WriteBytes(dir / earlier, "half");
  const std::string mine = ".r.json." + tag + ".1.tmp";
  test::WriteBytes(dir / mine, "being written");
  EXPECT_EQ(RemoveStaleTemporaries(dir.path()), 1);
  EXPECT_FALSE(std::filesystem::exists(dir / earlier));
  EXPECT_TRUE(std::filesystem::exists(dir / mine));
}

}  // namespace
}  // namespace antra
