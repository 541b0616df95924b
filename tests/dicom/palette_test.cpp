#include "dicom/palette.h"

#include <gtest/gtest.h>

namespace antra {
namespace {

TEST(PaletteTest, SixteenBitEntriesKeepTheirHighByte) {
  const std::vector<std::uint16_t> words{0x0000, 0x0100, 0x8000, 0xFF00, 0xFFFF};
  auto lut = ExpandPlainLut({5, 0, 16}, words);
  ASSERT_TRUE(lut);
  EXPECT_EQ(*lut, (std::vector<std::uint8_t>{0, 1, 128, 255, 255}));
}

TEST(PaletteTest, EightBitEntriesOnePerWordOrPacked) {
  auto one_per_word = ExpandPlainLut({3, 0, 8}, std::vector<std::uint16_t>{10, 20, 30});
  ASSERT_TRUE(one_per_word);
  EXPECT_EQ(*one_per_word, (std::vector<std::uint8_t>{10, 20, 30}));
  // Four 8-bit entries packed two per little-endian word.
  auto packed = ExpandPlainLut({4, 0, 8}, std::vector<std::uint16_t>{0x1411, 0x2A1F});
  ASSERT_TRUE(packed);
  EXPECT_EQ(*packed, (std::vector<std::uint8_t>{0x11, 0x14, 0x1F, 0x2A}));
}

TEST(PaletteTest, ShortDataIsAnError) {
  EXPECT_FALSE(ExpandPlainLut({256, 0, 16}, std::vector<std::uint16_t>(10)));
  EXPECT_FALSE(ExpandPlainLut({0, 0, 16}, std::vector<std::uint16_t>(10)));
  EXPECT_FALSE(ExpandPlainLut({4, 0, 12}, std::vector<std::uint16_t>(4)));
}

TEST(PaletteTest, SegmentedDiscreteLinearAndIndirect) {
  // PS3.3 C.7.9.2: discrete [0, 0x1000], linear ramp to 0x5000 over 4 entries,
  // then an indirect segment replaying the first (discrete) segment.
  const std::vector<std::uint16_t> words{
      0, 2, 0x0000, 0x1000,  // discrete, 2 values
      1, 4, 0x5000,          // linear to 0x5000 over 4 entries
      2, 1, 0x0000, 0x0000,  // indirect: 1 segment at word offset 0
  };
  auto lut = ExpandSegmentedLut({8, 0, 16}, words);
  ASSERT_TRUE(lut) << lut.error().message;
  EXPECT_EQ(*lut, (std::vector<std::uint8_t>{0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x00, 0x10}));
}

TEST(PaletteTest, SegmentedTableShorterThanDescriptorRepeatsItsLastValue) {
  auto lut = ExpandSegmentedLut({4, 0, 16}, std::vector<std::uint16_t>{0, 2, 0x1000, 0x2000});
  ASSERT_TRUE(lut);
  EXPECT_EQ(*lut, (std::vector<std::uint8_t>{0x10, 0x20, 0x20, 0x20}));
}

TEST(PaletteTest, HostileSegmentedTablesAreRejectedNotLooped) {
  // An indirect segment pointing at itself would recurse forever.
  EXPECT_FALSE(ExpandSegmentedLut({16, 0, 16}, std::vector<std::uint16_t>{2, 1, 0, 0}));
  // Unknown opcode, truncated discrete segment, linear without a start value.
  EXPECT_FALSE(ExpandSegmentedLut({16, 0, 16}, std::vector<std::uint16_t>{7, 1, 0}));
  EXPECT_FALSE(ExpandSegmentedLut({16, 0, 16}, std::vector<std::uint16_t>{0, 100, 1}));
  EXPECT_FALSE(ExpandSegmentedLut({16, 0, 16}, std::vector<std::uint16_t>{1, 4, 0x5000}));
  // More entries than the descriptor allows.
  EXPECT_FALSE(ExpandSegmentedLut({2, 0, 16}, std::vector<std::uint16_t>{0, 3, 1, 2, 3}));
}

TEST(PaletteTest, IndicesOutsideTheTableClampToItsEnds) {
  PaletteLut lut;
  lut.first_mapped = 10;
  lut.red = lut.green = lut.blue = {1, 2, 3};
  EXPECT_EQ(lut.Red(0), 1);
  EXPECT_EQ(lut.Red(11), 2);
  EXPECT_EQ(lut.Red(500), 3);
}

}  // namespace
}  // namespace antra
