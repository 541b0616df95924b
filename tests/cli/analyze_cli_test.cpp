// `antra analyze` as a user runs it: one file or many, JSON that follows
// docs/schemas/analysis.schema.json, overlays, uncalibrated screens, the
// ruler, --mm-per-pixel, --frame, presets, and the exit codes (0 all done,
// 1 some inputs failed, 2 usage).

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "phantom/generator.h"
#include "phantom/random.h"
#include "support/json_schema_check.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

int RunAntra(const std::string& args, const fs::path& out) {
  const auto antra = test::BinaryDir() / "src" / "cli" / "antra";
  const std::string command = antra.string() + " " + args + " > " + out.string() + " 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

nlohmann::json ReadJson(const fs::path& path) { return nlohmann::json::parse(test::ReadBytes(path)); }

const nlohmann::json& Schema() {
  static const nlohmann::json schema = ReadJson(test::SourceDir() / "docs" / "schemas" / "analysis.schema.json");
  return schema;
}

void ExpectFollowsSchema(const nlohmann::json& j) {
  for (const auto& p : test::SchemaProblems(j, Schema())) ADD_FAILURE() << p;
}

// A medium phantom still (DICOM with ultrasound regions) and its screen as a
// plain PNG (no calibration; the phantom draws a depth ruler).
struct Inputs {
  fs::path dicom, png, cine;
};

Inputs MakeInputs(const test::TempDir& dir) {
  Inputs in;
  phantom::CaseSpec spec;
  spec.stem = "cli-still";
  spec.scene.difficulty = phantom::Difficulty::kMedium;
  spec.scene.seed = phantom::DeriveSeed(99, spec.stem);
  const auto generated = phantom::GenerateCase(spec);
  EXPECT_TRUE(phantom::WriteCase(generated, spec, dir.path()));
  in.dicom = dir / "cli-still.dcm";
  cv::Mat bgr;
  cv::cvtColor(generated.rgb.front(), bgr, cv::COLOR_RGB2BGR);
  in.png = dir / "screen.png";
  cv::imwrite(in.png.string(), bgr);
  phantom::CaseSpec cine = spec;
  cine.stem = "cli-cine";
  cine.scene.cine = true;
  cine.scene.width = 320;
  cine.scene.height = 240;
  cine.frames = 3;
  EXPECT_TRUE(phantom::WriteCase(phantom::GenerateCase(cine), cine, dir.path()));
  in.cine = dir / "cli-cine.dcm";
  return in;
}

TEST(AnalyzeCommand, OneFileWritesJsonAndOverlay) {
  test::TempDir dir("analyze-cli");
  const Inputs in = MakeInputs(dir);
  ASSERT_EQ(RunAntra("analyze " + in.dicom.string() + " --json " + (dir / "out.json").string() + " --overlay " +
                         (dir / "out.png").string(),
                     dir / "log"),
            0)
      << test::ReadBytes(dir / "log");
  const auto j = ReadJson(dir / "out.json");
  ExpectFollowsSchema(j);
  EXPECT_EQ(j.at("schema"), "antra-analysis/1");
  EXPECT_TRUE(j.at("calibrated").get<bool>());
  EXPECT_EQ(j.at("calibration").at("source"), "ultrasound-regions");
  EXPECT_FALSE(j.at("image").at("sop_instance_uid").get<std::string>().empty());
  EXPECT_EQ(j.at("counts_source"), "single-frame");
  ASSERT_EQ(j.at("frames").size(), 1u);
  const auto& follicles = j.at("frames").at(0).at("follicles");
  ASSERT_FALSE(follicles.empty());
  for (const auto& f : follicles) {
    EXPECT_TRUE(f.at("diameters_mm").is_array());
    EXPECT_GE(f.at("diameters_mm").at(0).get<double>(), f.at("diameters_mm").at(1).get<double>());
    EXPECT_GE(f.at("contour_px").size(), 8u);
  }
  // The results never carry the patient's identity (the phantom writes PHANTOM^... into the header).
  const std::string text = test::ReadBytes(dir / "out.json");
  EXPECT_EQ(text.find("PHANTOM^"), std::string::npos);
  EXPECT_EQ(text.find("PatientName"), std::string::npos);
  // The overlay is the frame, drawn on.
  const cv::Mat overlay = cv::imread((dir / "out.png").string());
  ASSERT_FALSE(overlay.empty());
  EXPECT_EQ(overlay.cols, j.at("image").at("width").get<int>());
  EXPECT_EQ(overlay.rows, j.at("image").at("height").get<int>());
  const cv::Mat plain = cv::imread(in.png.string());
  EXPECT_GT(cv::norm(overlay, plain, cv::NORM_L1), 1000.0);
}

TEST(AnalyzeCommand, ManyFilesWriteFoldersAndScreensUseTheRuler) {
  test::TempDir dir("analyze-cli-many");
  const Inputs in = MakeInputs(dir);
  ASSERT_EQ(RunAntra("analyze " + in.dicom.string() + " " + in.png.string() + " --json " + (dir / "json").string() +
                         " --overlay " + (dir / "png").string(),
                     dir / "log"),
            0)
      << test::ReadBytes(dir / "log");
  EXPECT_TRUE(fs::exists(dir / "json" / "cli-still.json"));
  EXPECT_TRUE(fs::exists(dir / "png" / "cli-still.png"));
  EXPECT_TRUE(fs::exists(dir / "png" / "screen.png"));
  const auto screen = ReadJson(dir / "json" / "screen.json");
  ExpectFollowsSchema(screen);
  // The PNG screen has no calibration of its own; the drawn depth ruler gives one.
  EXPECT_EQ(screen.at("calibration").at("source"), "ruler");
  const auto dicom = ReadJson(dir / "json" / "cli-still.json");
  const double dicom_mm = dicom.at("calibration").at("regions").at(0).at("physical_delta_cm").at(0).get<double>() * 10;
  EXPECT_NEAR(screen.at("calibration").at("mm_per_pixel").at("x").get<double>(), dicom_mm, 0.03 * dicom_mm);
}

TEST(AnalyzeCommand, OneFileIntoAnExistingOrSlashEndedFolderGetsItsStem) {
  // `--json results/` for one file means "into that folder", as it does for several.
  test::TempDir dir("analyze-cli-folder");
  const Inputs in = MakeInputs(dir);
  fs::create_directories(dir / "existing");
  ASSERT_EQ(RunAntra("analyze " + in.dicom.string() + " --json " + (dir / "existing").string() + " --overlay " +
                         (dir / "new").string() + "/",
                     dir / "log"),
            0)
      << test::ReadBytes(dir / "log");
  EXPECT_TRUE(fs::exists(dir / "existing" / "cli-still.json"));
  EXPECT_TRUE(fs::exists(dir / "new" / "cli-still.png"));
}

TEST(AnalyzeCommand, UncalibratedScreensSaySoAndGiveNoMillimetres) {
  test::TempDir dir("analyze-cli-uncal");
  const Inputs in = MakeInputs(dir);
  ASSERT_EQ(RunAntra("analyze " + in.png.string() + " --no-ruler --json " + (dir / "u.json").string(), dir / "log"), 0);
  const auto j = ReadJson(dir / "u.json");
  ExpectFollowsSchema(j);
  EXPECT_FALSE(j.at("calibrated").get<bool>());
  EXPECT_TRUE(j.at("counts").is_null());
  EXPECT_EQ(j.at("counts_source"), "");
  EXPECT_NE(j.at("notes").dump().find("uncalibrated"), std::string::npos);
  for (const auto& f : j.at("frames").at(0).at("follicles")) {
    EXPECT_TRUE(f.at("diameters_mm").is_null());
    EXPECT_TRUE(f.at("mean_diameter_mm").is_null());
    EXPECT_GT(f.at("area_px").get<double>(), 0);
  }
  EXPECT_NE(test::ReadBytes(dir / "log").find("UNCALIBRATED"), std::string::npos);
  // --mm-per-pixel calibrates it.
  ASSERT_EQ(RunAntra("analyze " + in.png.string() + " --mm-per-pixel 0.15 --json " + (dir / "c.json").string(),
                     dir / "log2"),
            0);
  const auto c = ReadJson(dir / "c.json");
  EXPECT_EQ(c.at("calibration").at("source"), "user");
  EXPECT_FALSE(c.at("counts").is_null());
}

TEST(AnalyzeCommand, MultiFrameFilesAreAnalysedFrameByFrame) {
  test::TempDir dir("analyze-cli-cine");
  const Inputs in = MakeInputs(dir);
  ASSERT_EQ(RunAntra("analyze " + in.cine.string() + " --json " + (dir / "cine.json").string(), dir / "log"), 0);
  const auto j = ReadJson(dir / "cine.json");
  ExpectFollowsSchema(j);
  ASSERT_EQ(j.at("frames").size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(j.at("frames").at(i).at("index"), i);
  // Linked across frames (issue 5): unique follicles give the image's counts.
  EXPECT_EQ(j.at("counts_source"), "unique-follicles");
  ASSERT_FALSE(j.at("counts").is_null());
  ASSERT_FALSE(j.at("follicles").empty());
  int counted = 0;
  for (const auto& f : j.at("follicles")) {
    const int best = f.at("best_frame").get<int>();
    EXPECT_GE(best, 0);
    EXPECT_LT(best, 3);
    bool best_listed = false;
    for (const auto& a : f.at("frames")) best_listed |= a.at("index").get<int>() == best;
    EXPECT_TRUE(best_listed);
    const double d = f.at("mean_diameter_mm").get<double>();
    counted += d >= 2.0 && d <= 10.0;
  }
  EXPECT_EQ(j.at("counts").at("afc").get<int>(), counted);
  ASSERT_EQ(RunAntra("analyze " + in.cine.string() + " --frame 2 --json " + (dir / "f2.json").string(), dir / "log2"), 0);
  const auto f2 = ReadJson(dir / "f2.json");
  ASSERT_EQ(f2.at("frames").size(), 1u);
  EXPECT_EQ(f2.at("frames").at(0).at("index"), 2);
  EXPECT_EQ(RunAntra("analyze " + in.cine.string() + " --frame 7", dir / "log3"), 1);
  EXPECT_NE(test::ReadBytes(dir / "log3").find("antra: error: "), std::string::npos);
}

TEST(AnalyzeCommand, FailuresAreOneLineAndTheRestIsDone) {
  test::TempDir dir("analyze-cli-fail");
  const Inputs in = MakeInputs(dir);
  test::WriteBytes(dir / "empty.dcm", "");
  const int code = RunAntra("analyze " + (dir / "missing.dcm").string() + " " + (dir / "empty.dcm").string() + " " +
                                in.dicom.string() + " --json " + (dir / "out").string(),
                            dir / "log");
  EXPECT_EQ(code, 1);
  const std::string log = test::ReadBytes(dir / "log");
  EXPECT_NE(log.find("antra: error: " + (dir / "missing.dcm").string() + ": no such file"), std::string::npos) << log;
  EXPECT_NE(log.find("empty.dcm: empty file"), std::string::npos) << log;
  EXPECT_TRUE(fs::exists(dir / "out" / "cli-still.json"));
}

// A reader's ovary (a mask, or a folder of <stem>.png masks, or a box)
// replaces the estimate; a wrong mask fails that input with its reason.
TEST(AnalyzeCommand, AGivenOvaryMaskOrBoxReplacesTheEstimate) {
  test::TempDir dir("analyze-cli-ovary");
  const Inputs in = MakeInputs(dir);
  ASSERT_EQ(RunAntra("analyze " + in.dicom.string() + " --json " + (dir / "auto.json").string(), dir / "log"), 0);
  const auto automatic = ReadJson(dir / "auto.json");
  const auto& first = automatic.at("frames").at(0).at("follicles").at(0);
  // The mask: the first follicle found, grown by 15 pixels.
  std::vector<cv::Point> outline;
  for (const auto& p : first.at("contour_px")) outline.emplace_back(p.at(0).get<int>(), p.at(1).get<int>());
  cv::Mat mask = cv::Mat::zeros(automatic.at("image").at("height").get<int>(), automatic.at("image").at("width").get<int>(),
                                CV_8UC1);
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{outline}, 255);
  cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {31, 31}));
  fs::create_directories(dir / "masks");
  cv::imwrite((dir / "masks" / "cli-still.png").string(), mask);

  ASSERT_EQ(RunAntra("analyze " + in.dicom.string() + " --ovary-mask " + (dir / "masks").string() + " --json " +
                         (dir / "given.json").string(),
                     dir / "log"),
            0)
      << test::ReadBytes(dir / "log");
  const auto given = ReadJson(dir / "given.json");
  ExpectFollowsSchema(given);
  const auto& frame = given.at("frames").at(0);
  EXPECT_EQ(frame.at("ovary").at("source"), "given");
  EXPECT_EQ(automatic.at("frames").at(0).at("ovary").at("source"), "estimated");
  ASSERT_FALSE(frame.at("follicles").empty());
  bool first_found = false;
  for (const auto& f : frame.at("follicles")) {
    const cv::Point c(int(f.at("center_px").at(0).get<double>()), int(f.at("center_px").at(1).get<double>()));
    EXPECT_GT(mask.at<uchar>(c), 0) << "a follicle outside the given ovary at " << c;
    if (f.at("center_px") == first.at("center_px")) first_found = true;
  }
  EXPECT_TRUE(first_found);
  EXPECT_NE(given.dump().find("ovary given by the user"), std::string::npos);

  // A box works the same way; a box without area is a usage error.
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --ovary-box 0,0,40,40 --json " + (dir / "box.json").string(),
                     dir / "log"),
            0)
      << test::ReadBytes(dir / "log");
  EXPECT_TRUE(ReadJson(dir / "box.json").at("frames").at(0).at("follicles").empty());
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --ovary-box 0,0,0,40", dir / "log"), 2);

  // A mask of the wrong size, or none for the input: that input fails, named, with the reason.
  cv::imwrite((dir / "small.png").string(), cv::Mat(10, 10, CV_8UC1, cv::Scalar(255)));
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --ovary-mask " + (dir / "small.png").string(), dir / "log"), 1);
  std::string log = test::ReadBytes(dir / "log");
  EXPECT_NE(log.find("cli-still.dcm: ovary mask " + (dir / "small.png").string() + " is 10x10"), std::string::npos) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_EQ(RunAntra("analyze " + in.png.string() + " --ovary-mask " + (dir / "masks").string(), dir / "log"), 1);
  log = test::ReadBytes(dir / "log");
  EXPECT_NE(log.find("screen.png: no ovary mask screen.png in"), std::string::npos) << log;
}

TEST(AnalyzeCommand, PresetsAndBadOptions) {
  test::TempDir dir("analyze-cli-presets");
  const Inputs in = MakeInputs(dir);
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --preset rules-only", dir / "log"), 0) << test::ReadBytes(dir / "log");
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --preset no-such-preset", dir / "log"), 2);
  test::WriteBytes(dir / "bad.json", R"({"refine": {"edge_fraction": 7}})");
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --params " + (dir / "bad.json").string(), dir / "log"), 2);
  EXPECT_NE(test::ReadBytes(dir / "log").find("edge_fraction"), std::string::npos);
  EXPECT_EQ(RunAntra("analyze " + in.dicom.string() + " --mm-per-pixel -1", dir / "log"), 2);
  EXPECT_EQ(RunAntra("analyze", dir / "log"), 2);
}

}  // namespace
}  // namespace antra
