#include "core/calibration.h"

#include <gtest/gtest.h>

namespace antra {
namespace {

UltrasoundRegion Region(int x0, int y0, int x1, int y1, double dx_cm, double dy_cm) {
  UltrasoundRegion r;
  r.spatial_format = 1;
  r.data_type = 1;
  r.units_x = r.units_y = 3;
  r.min_x0 = x0;
  r.min_y0 = y0;
  r.max_x1 = x1;
  r.max_y1 = y1;
  r.physical_delta_x = dx_cm;
  r.physical_delta_y = dy_cm;
  return r;
}

TEST(CalibrationTest, UncalibratedHasNoMillimetres) {
  const auto c = Calibration::Uncalibrated("no regions");
  EXPECT_FALSE(c.calibrated());
  EXPECT_EQ(c.source(), CalibrationSource::kNone);
  EXPECT_FALSE(c.LengthMm({0, 0}, {10, 0}));
  EXPECT_FALSE(c.ScaleAt({1, 1}));
  EXPECT_FALSE(c.NominalScale());
}

TEST(CalibrationTest, RegionDeltaInCentimetresBecomesMillimetres) {
  std::vector<UltrasoundRegion> regions{Region(0, 0, 99, 99, 0.0262288, 0.0262288)};
  ValidateRegions(regions, 100, 100);
  ASSERT_TRUE(regions[0].usable) << regions[0].note;
  const auto c = Calibration::FromRegions(regions, "test");
  ASSERT_TRUE(c.calibrated());
  EXPECT_NEAR(c.ScaleAt({50, 50})->mm_per_px_x, 0.262288, 1e-12);
  EXPECT_NEAR(*c.LengthMm({10, 10}, {20, 10}), 2.62288, 1e-9);
}

TEST(CalibrationTest, AnisotropicPixelsMeasureEachAxisWithItsOwnScale) {
  std::vector<UltrasoundRegion> regions{Region(0, 0, 99, 99, 0.0285714, 0.0228571)};
  ValidateRegions(regions, 100, 100);
  const auto c = Calibration::FromRegions(regions, "test");
  EXPECT_NEAR(*c.LengthMm({0, 0}, {10, 0}), 2.85714, 1e-9);
  EXPECT_NEAR(*c.LengthMm({0, 0}, {0, 10}), 2.28571, 1e-9);
  EXPECT_NEAR(*c.LengthMm({0, 0}, {3, 4}), std::hypot(3 * 0.285714, 4 * 0.228571), 1e-9);
  EXPECT_NEAR(*c.AreaMm2(100, {5, 5}), 100 * 0.285714 * 0.228571, 1e-9);
}

TEST(CalibrationTest, NegativeDeltaGivesPositiveLengthAndANote) {
  std::vector<UltrasoundRegion> regions{Region(0, 0, 99, 99, -0.0524781, 0.0524781)};
  ValidateRegions(regions, 100, 100);
  ASSERT_TRUE(regions[0].usable);
  EXPECT_NE(regions[0].note.find("negative"), std::string::npos);
  const auto c = Calibration::FromRegions(regions, "test");
  EXPECT_NEAR(*c.LengthMm({20, 0}, {10, 0}), 5.24781, 1e-9);
}

TEST(CalibrationTest, OffByOneBoxIsClampedButBoxesPastTheImageAreRejected) {
  std::vector<UltrasoundRegion> regions{Region(0, 120, 1100, 910, 0.0145117, 0.0145117),
                                        Region(84, 31, 595, 414, 0.05, 0.05)};
  ValidateRegions(regions, 1260, 910);
  EXPECT_TRUE(regions[0].usable);
  EXPECT_EQ(regions[0].box.y + regions[0].box.height, 910);  // last row 909
  ValidateRegions(regions, 320, 240);
  EXPECT_FALSE(regions[1].usable);
  EXPECT_NE(regions[1].note.find("runs past"), std::string::npos);
}

TEST(CalibrationTest, NonSpatialAndNonCentimetreRegionsAreNotUsed) {
  auto ecg = Region(0, 0, 10, 10, 0.01, 0.01);
  ecg.spatial_format = 4;
  auto seconds = Region(0, 0, 10, 10, 0.01, 0.01);
  seconds.units_x = 4;
  auto zero = Region(0, 0, 10, 10, 0, 0.01);
  std::vector<UltrasoundRegion> regions{ecg, seconds, zero};
  ValidateRegions(regions, 20, 20);
  for (const auto& r : regions) EXPECT_FALSE(r.usable);
  EXPECT_FALSE(Calibration::FromRegions(regions, "none usable").calibrated());
}

TEST(CalibrationTest, ACaliperCannotSpanTwoPanes) {
  std::vector<UltrasoundRegion> regions{Region(32, 24, 335, 415, 0.0382653, 0.0382653),
                                        Region(336, 24, 639, 415, 0.0382653, 0.0382653)};
  regions[1].index = 1;
  ValidateRegions(regions, 640, 480);
  const auto c = Calibration::FromRegions(regions, "two panes");
  EXPECT_EQ(c.RegionAt({100, 100})->index, 0);
  EXPECT_EQ(c.RegionAt({400, 100})->index, 1);
  EXPECT_EQ(c.RegionAt({10, 10}), nullptr);
  EXPECT_TRUE(c.LengthMm({100, 100}, {200, 100}));
  EXPECT_FALSE(c.LengthMm({300, 100}, {400, 100}));
  EXPECT_FALSE(c.LengthMm({10, 10}, {100, 100}));  // outside every region
}

TEST(CalibrationTest, GlobalScaleAppliesEverywhere) {
  const auto c = Calibration::Global(CalibrationSource::kUser, {0.2, 0.25}, 1.0, "user");
  EXPECT_TRUE(c.calibrated());
  EXPECT_NEAR(*c.LengthMm({0, 0}, {0, 4}), 1.0, 1e-12);
  EXPECT_THROW(Calibration::Global(CalibrationSource::kUser, {0, 1}, 1.0, "bad"), std::invalid_argument);
  EXPECT_THROW(Calibration::Global(CalibrationSource::kNone, {1, 1}, 1.0, "bad"), std::invalid_argument);
}

}  // namespace
}  // namespace antra
