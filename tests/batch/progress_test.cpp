#include "batch/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace antra {
namespace {

std::string Captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char buffer[256];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, f)) s.append(buffer, n);
  return s;
}

TEST(ProgressTest, RateAndEta) {
  EXPECT_EQ(ProgressReporter::RateAndEta(10, 100, 5), "2.0/s, ETA 0m45s");
  EXPECT_EQ(ProgressReporter::RateAndEta(100, 100, 50), "2.0/s, ETA 0m00s");
  EXPECT_EQ(ProgressReporter::RateAndEta(1, 10000, 10), "0.1/s, ETA 27h46m");
}

TEST(ProgressTest, LogOutputIsPlainLinesNotCarriageReturns) {
  std::FILE* f = std::tmpfile();
  {
    ProgressReporter p(f, "analysing", 3, /*interactive=*/0);
    p.Advance();
    p.Advance(1, 1, 30);
    p.Advance();
  }
  const std::string out = Captured(f);
  std::fclose(f);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("analysing: 3/3 done, 1 failed, 30 frames"), std::string::npos) << out;
}

TEST(ProgressTest, TerminalOutputRedrawsOneLine) {
  std::FILE* f = std::tmpfile();
  {
    ProgressReporter p(f, "analysing", 2, /*interactive=*/1);
    p.Advance();
    p.Advance();
  }
  const std::string out = Captured(f);
  std::fclose(f);
  EXPECT_NE(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("[##############################] 2/2"), std::string::npos) << out;
}

}  // namespace
}  // namespace antra
