#include "core/analysis.h"

#include <gtest/gtest.h>

namespace antra {
namespace {

TEST(SizeBinsTest, BoundariesFollowTheAfcDefinition) {
  EXPECT_EQ(BinOf(1.99), SizeBin::kUnder2);
  EXPECT_EQ(BinOf(2.0), SizeBin::k2ToUnder6);
  EXPECT_EQ(BinOf(5.99), SizeBin::k2ToUnder6);
  EXPECT_EQ(BinOf(6.0), SizeBin::k6To10);
  EXPECT_EQ(BinOf(10.0), SizeBin::k6To10);
  EXPECT_EQ(BinOf(10.01), SizeBin::kOver10);
}

TEST(SizeBinsTest, AfcCountsTwoToTenMillimetres) {
  SizeCounts c;
  for (double d : {1.5, 2.0, 4.0, 6.0, 9.9, 10.0, 12.0, 25.0}) c.Add(d);
  EXPECT_EQ(c.under_2, 1);
  EXPECT_EQ(c.from_2_to_6, 2);
  EXPECT_EQ(c.from_6_to_10, 3);
  EXPECT_EQ(c.over_10, 2);
  EXPECT_EQ(c.afc(), 5);
}

}  // namespace
}  // namespace antra
