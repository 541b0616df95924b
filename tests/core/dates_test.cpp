// Calendar dates: DICOM and ISO forms, impossible days, day arithmetic.

#include <gtest/gtest.h>

#include "core/dates.h"

namespace antra {
namespace {

TEST(Date, ParsesDicomAndIsoForms) {
  auto a = Date::Parse("20260105");
  auto b = Date::Parse("2026-01-05");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->Iso(), "2026-01-05");
  EXPECT_EQ(a->Dicom(), "20260105");
  EXPECT_EQ(Date::Parse("20260105 ")->Iso(), "2026-01-05");  // DA padding
}

TEST(Date, RefusesImpossibleDays) {
  for (const char* bad : {"20250229", "21000229", "19000229", "20260431", "20261301", "2026-1-05", "", "yesterday", "18991231", "2026/01/05"}) {
    EXPECT_FALSE(Date::Parse(bad)) << bad;
  }
  EXPECT_TRUE(Date::Parse("20240229"));  // leap year
  EXPECT_TRUE(Date::Parse("20000229"));  // divisible by 400: leap
  EXPECT_EQ(Date::Parse("2000-02-29")->PlusDays(1).Iso(), "2000-03-01");
}

TEST(Date, CountsDaysAcrossMonthsAndYears) {
  auto a = *Date::Parse("2025-12-25");
  EXPECT_EQ(a.DaysUntil(*Date::Parse("2026-01-08")), 14);
  EXPECT_EQ(a.PlusDays(14 * 26).Iso(), "2026-12-24");
  EXPECT_EQ(Date::Parse("1970-01-01")->days(), 0);
}

}  // namespace
}  // namespace antra
