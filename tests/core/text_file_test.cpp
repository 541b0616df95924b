#include "core/text_file.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace antra {
namespace {

TEST(TextFileTest, ReadsTheWholeFile) {
  test::TempDir dir("text-file");
  std::string content(100000, 'x');
  content += "\nend";
  test::WriteBytes(dir / "a.json", content);
  auto text = ReadTextFile(dir / "a.json");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, content);
}

TEST(TextFileTest, LargerThanTheLimitIsRefusedWithAReason) {
  test::TempDir dir("text-file-big");
  test::WriteBytes(dir / "big.csv", std::string(2048, 'a'));
  InputLimits limits;
  limits.max_text_file_bytes = 1024;
  auto text = ReadTextFile(dir / "big.csv", limits);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(text.error().message.find("larger than"), std::string::npos);
  limits.max_text_file_bytes = 2048;
  EXPECT_TRUE(ReadTextFile(dir / "big.csv", limits));
}

TEST(TextFileTest, MissingFileAndFolderAreNotFound) {
  test::TempDir dir("text-file-missing");
  auto missing = ReadTextFile(dir / "nope.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto folder = ReadTextFile(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_EQ(folder.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace antra
