#include "core/atomic_file.h"

#include <sys/stat.h>

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

}  // namespace
}  // namespace antra
