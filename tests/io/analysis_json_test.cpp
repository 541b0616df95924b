#include "io/analysis_json.h"

#include <gtest/gtest.h>

namespace antra {
namespace {

ImageAnalysis Example(const Calibration& calibration) {
  ImageAnalysis a;
  a.software_version = "0.1.0";
  a.path = "scan.dcm";
  a.sop_instance_uid = "1.2.3";
  a.width = 800;
  a.height = 600;
  a.frame_count = 2;
  a.calibration = calibration;
  for (int i = 0; i < 2; ++i) {
    FrameAnalysis f;
    f.index = i;
    Follicle fol;
    fol.id = 1;
    fol.center_px = {100.5, 200.25};
    fol.contour_px = {{90, 200}, {100, 190}, {110, 200}, {100, 210}};
    fol.long_axis = {{90, 200}, {110, 200}};
    fol.short_axis = {{100, 190}, {100, 210}};
    fol.area_px = 300;
    if (calibration.calibrated()) {
      fol.long_mm = 5.0;
      fol.short_mm = 4.0;
      fol.mean_mm = 4.5;
      fol.area_mm2 = 15.5;
      fol.area_equivalent_diameter_mm = 4.44;
      SizeCounts counts;
      counts.Add(4.5);
      f.counts = counts;
    }
    fol.confidence = 0.9;
    f.follicles.push_back(fol);
    a.frames.push_back(f);
  }
  CineFollicle c;
  c.id = 7;
  c.best_frame = 1;
  c.appearances = {{0, {100, 200}}, {1, {101, 201}}};
  c.at_best_frame = a.frames[1].follicles[0];
  a.cine_follicles.push_back(c);
  a.counts = a.frames[0].counts;
  a.counts_source = "unique-follicles";
  return a;
}

TEST(AnalysisJsonTest, CoreShapeForScorers) {
  const auto j = AnalysisToJson(Example(Calibration::Global(CalibrationSource::kUser, {0.2, 0.2}, 1, "test")));
  ASSERT_TRUE(j["frames"].is_array());
  const auto& f = j["frames"][0]["follicles"][0];
  EXPECT_EQ(j["frames"][0]["index"], 0);
  EXPECT_DOUBLE_EQ(f["center_px"][0].get<double>(), 100.5);
  EXPECT_DOUBLE_EQ(f["diameters_mm"][0].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(f["diameters_mm"][1].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(f["mean_diameter_mm"].get<double>(), 4.5);
  EXPECT_EQ(f["contour_px"].size(), 4u);
  EXPECT_EQ(j["frames"][0]["counts"]["afc"], 1);
  EXPECT_EQ(j["follicles"][0]["best_frame"], 1);
  EXPECT_EQ(j["follicles"][0]["frames"][1]["index"], 1);
}

TEST(AnalysisJsonTest, UncalibratedHasNullMillimetresAndNoCounts) {
  const auto j = AnalysisToJson(Example(Calibration::Uncalibrated("no regions")));
  EXPECT_FALSE(j["calibrated"].get<bool>());
  const auto& f = j["frames"][0]["follicles"][0];
  EXPECT_TRUE(f["diameters_mm"].is_null());
  EXPECT_TRUE(f["mean_diameter_mm"].is_null());
  EXPECT_TRUE(j["frames"][0]["counts"].is_null());
  EXPECT_DOUBLE_EQ(f["diameters_px"][0].get<double>(), 20.0);
}

TEST(AnalysisJsonTest, RoundTripsThroughJson) {
  std::vector<UltrasoundRegion> regions(1);
  regions[0].spatial_format = 1;
  regions[0].data_type = 1;
  regions[0].units_x = regions[0].units_y = 3;
  regions[0].max_x1 = 799;
  regions[0].max_y1 = 599;
  regions[0].physical_delta_x = 0.0262288;
  regions[0].physical_delta_y = 0.0262288;
  ValidateRegions(regions, 800, 600);
  const auto original = Example(Calibration::FromRegions(regions, "regions"));
  const auto json = AnalysisToJson(original);
  auto back = AnalysisFromJson(json);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(AnalysisToJson(*back), json);
  EXPECT_NEAR(back->calibration.NominalScale()->mm_per_px_x, 0.262288, 1e-9);
}

TEST(AnalysisJsonTest, MalformedJsonIsAnErrorNotACrash) {
  EXPECT_FALSE(AnalysisFromJson(nlohmann::json::object()));
  EXPECT_FALSE(AnalysisFromJson(nlohmann::json{{"schema", "something-else/1"}}));
  auto j = AnalysisToJson(Example(Calibration::Uncalibrated("x")));
  j["frames"][0]["follicles"][0]["center_px"] = "not a point";
  EXPECT_FALSE(AnalysisFromJson(j));
  j = AnalysisToJson(Example(Calibration::Uncalibrated("x")));
  j["calibration"]["source"] = "astrology";
  j["calibration"]["mm_per_pixel"] = {{"x", 1}, {"y", 1}};
  EXPECT_FALSE(AnalysisFromJson(j));
}

}  // namespace
}  // namespace antra
