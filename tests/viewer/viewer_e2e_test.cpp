// End-to-end: antra-view runs for real under xvfb-run with Mesa's software
// OpenGL, driven by scripts through the same input path as a mouse and a
// keyboard; the tests check its screenshots, state dumps and saved files.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <numbers>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "batch/analysis_cache.h"
#include "phantom/generator.h"
#include "study/sha256.h"
#include "support/test_support.h"
#include "viewer/analysis_worker.h"
#include "viewer/viewer_fixtures.h"
#include "viewer/viewer_runner.h"

namespace antra::test {
namespace {

class ViewerE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(XvfbAvailable()) << "xvfb-run not found: install the packages in tools/debian-packages.txt";
    ASSERT_TRUE(std::filesystem::exists(ViewerBinary())) << ViewerBinary();
  }

  // Writes the fixture (and its analysis beside it, unless told not to).
  std::string Write(const FixtureImage& image, const std::string& name, bool with_analysis = true) {
    const auto path = dir_ / name;
    WriteFixtureImage(path, image);
    if (with_analysis) WriteAnalysisJson(viewer::SavedAnalysisProvider::SidecarPath(path), FixtureAnalysis(image));
    return path.string();
  }

  ViewerRun Script(const std::string& script, std::vector<std::string> args = {}) {
    auto run = RunViewerScript(script, args, dir_.path());
    return run;
  }

  nlohmann::json Json(const std::string& name) { return ReadJsonFile(dir_ / name); }

  TempDir dir_{"viewer-e2e"};
};

bool IsPending(const cv::Vec3b& p) { return p[0] > 200 && p[1] > 170 && p[2] < 90; }  // the yellow outline
bool IsRed(const cv::Vec3b& p) { return p[0] > 140 && p[1] < 60 && p[2] < 60; }

// Whether a pixel of `wanted` colour lies within `radius` screen pixels of `at`.
template <typename Colour>
bool ColourNear(const cv::Mat& rgb, cv::Point2d at, int radius, Colour wanted) {
  for (int dy = -radius; dy <= radius; ++dy) {
    for (int dx = -radius; dx <= radius; ++dx) {
      const int x = static_cast<int>(at.x) + dx, y = static_cast<int>(at.y) + dy;
      if (x >= 0 && y >= 0 && x < rgb.cols && y < rgb.rows && wanted(rgb.at<cv::Vec3b>(y, x))) return true;
    }
  }
  return false;
}

TEST_F(ViewerE2E, ScreenshotAloneWritesTheWindowAndExits) {
  const auto image = Write(ThreeFollicles(), "scan.dcm");
  const auto run = RunViewer({image, "--screenshot", (dir_ / "shot.png").string(), "--window-size", "1200x800"}, dir_.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const cv::Mat shot = ReadPngRgb(dir_ / "shot.png");
  EXPECT_EQ(shot.cols, 1200);
  EXPECT_EQ(shot.rows, 800);
}

TEST_F(ViewerE2E, OverlaysAppearWhereTheFolliclesAre) {
  const auto fixture = ThreeFollicles();
  const auto image = Write(fixture, "scan.dcm");
  const auto run = Script("wait-idle\nwait-frames 2\ndump-state state.json\nscreenshot shot.png\n", {image});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  ASSERT_EQ(state["review"]["follicles"].size(), 3u);
  const cv::Mat shot = ReadPngRgb(dir_ / "shot.png");
  ASSERT_FALSE(shot.empty());
  for (const auto& f : fixture.follicles) {
    // Eight points around each follicle's edge: each has the outline colour nearby.
    for (int k = 0; k < 8; ++k) {
      const double t = k * std::numbers::pi / 4;
      const cv::Point2d edge(f.center.x + f.radius_x * std::cos(t), f.center.y + f.radius_y * std::sin(t));
      EXPECT_TRUE(ColourNear(shot, ScreenOf(state, edge), 2, IsPending))
          << "no outline near image point " << edge << " of the follicle at " << f.center;
    }
  }
  // And none far from every follicle.
  for (cv::Point2d empty : {cv::Point2d(60, 60), cv::Point2d(600, 440), cv::Point2d(320, 60), cv::Point2d(60, 420)}) {
    EXPECT_FALSE(ColourNear(shot, ScreenOf(state, empty), 4, IsPending)) << empty;
  }
  EXPECT_FALSE(ColourNear(shot, ScreenOf(state, {320, 2}), 3, IsRed));  // calibrated: no banner
}

TEST_F(ViewerE2E, ScriptedCaliperPairGivesMillimetres) {
  FixtureImage fixture;  // 0.2 mm per pixel
  const auto image = Write(fixture, "plain.dcm", false);
  const auto run = Script(
      "wait-idle\nkey m\nclick 100 300\nclick 200 300\nclick 100 100\nclick 100 175\ndump-state state.json\n",
      {image, "--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto calipers = Json("state.json")["review"]["calipers"];
  ASSERT_EQ(calipers.size(), 2u);
  EXPECT_NEAR(calipers[0]["length_mm"].get<double>(), 20.0, 1e-6);  // 100 px x 0.2 mm
  EXPECT_NEAR(calipers[1]["length_mm"].get<double>(), 15.0, 1e-6);
  EXPECT_NEAR(calipers[0]["a_px"][0].get<double>(), 100.0, 1e-6);
}

TEST_F(ViewerE2E, CalipersUseTheRegionTheyAreIn) {
  FixtureImage fixture;
  fixture.two_panes_mm_per_px = {{0.2, 0.1}};  // left pane, right pane
  const auto image = Write(fixture, "panes.dcm", false);
  const auto run = Script(
      "wait-idle\nkey m\nclick 400 100\nclick 500 100\nclick 300 200\nclick 350 200\ndump-state state.json\n",
      {image, "--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto calipers = Json("state.json")["review"]["calipers"];
  ASSERT_EQ(calipers.size(), 2u);
  EXPECT_NEAR(calipers[0]["length_mm"].get<double>(), 10.0, 1e-6);  // right pane, 0.1 mm per pixel
  EXPECT_TRUE(calipers[1]["length_mm"].is_null());                  // across both panes
}

TEST_F(ViewerE2E, UncalibratedImageShowsABannerAndNoMillimetres) {
  auto fixture = ThreeFollicles();
  fixture.mm_per_px.reset();
  const auto image = Write(fixture, "uncalibrated.dcm");
  const auto run = Script(
      "wait-idle\nkey m\nclick 100 300\nclick 200 300\nwait-frames 2\ndump-state state.json\nscreenshot shot.png\n",
      {image});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  EXPECT_FALSE(state["review"]["calibrated"].get<bool>());
  EXPECT_TRUE(state["review"]["counts"].is_null());
  EXPECT_TRUE(state["review"]["calipers"][0]["length_mm"].is_null());
  for (const auto& f : state["review"]["follicles"]) EXPECT_TRUE(f["mean_diameter_mm"].is_null());
  const cv::Mat shot = ReadPngRgb(dir_ / "shot.png");
  const auto& viewport = state["view"]["viewport"];
  const cv::Point2d banner(viewport[0].get<double>() + viewport[2].get<double>() - 20, viewport[1].get<double>() + 6);
  EXPECT_TRUE(ColourNear(shot, banner, 1, IsRed)) << "no red banner at the top of the image";
}

TEST_F(ViewerE2E, DroppedFileOpens) {
  const auto image = Write(ThreeFollicles(), "dropped.dcm");
  const auto run = Script("dump-state before.json\ndrop " + image + "\nwait-idle\ndump-state after.json\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Json("before.json")["document"].is_null());
  const auto after = Json("after.json");
  EXPECT_EQ(after["document"]["path"], image);
  EXPECT_EQ(after["document"]["phase"], "ready");
  EXPECT_EQ(after["review"]["follicles"].size(), 3u);
}

TEST_F(ViewerE2E, DroppedFolderOpensItsFirstImage) {
  std::filesystem::create_directories(dir_ / "visit");
  auto fixture = ThreeFollicles();
  Write(fixture, "visit/b.dcm", false);
  fixture.sop_instance_uid += ".2";
  const auto first = Write(fixture, "visit/a.dcm", false);
  const auto run = Script("drop " + (dir_ / "visit").string() + "\nwait-idle\nkey pagedown\nwait-idle\ndump-state after.json\n",
                        {"--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json("after.json")["document"]["path"], (dir_ / "visit" / "b.dcm").string());  // PageDown: the next one
}

TEST_F(ViewerE2E, FramesKeepBeingDrawnWhileALongCineLoads) {
  FixtureImage cine;
  cine.width = 1024;
  cine.height = 768;
  cine.frames = 150;
  cine.jpeg = true;
  cine.frame_time_ms = 33.3;
  cine.follicles = {{{300, 300}, 30, 25, 40}, {{600, 400}, 20, 20, 90}};
  const auto image = Write(cine, "cine.dcm", false);
  const auto run = Script("open " + image +
                          "\nwait-frames 3\ndump-state during.json\nwait-idle 240\ndump-state after.json\n",
                          {"--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto during = Json("during.json");
  const auto after = Json("after.json");
  // Frames were drawn while most of the cine was still being decoded...
  EXPECT_LT(during["document"]["frames_decoded"].get<int>(), 150);
  EXPECT_GE(during["stats"]["frames_drawn_while_loading"].get<int>(), 3);
  // ...and kept coming until it was done: the UI never stalled on decoding.
  EXPECT_EQ(after["document"]["frames_decoded"].get<int>(), 150);
  EXPECT_GT(after["stats"]["frames_drawn_while_loading"].get<int>(),
            during["stats"]["frames_drawn_while_loading"].get<int>());
  EXPECT_LT(after["stats"]["max_frame_interval_while_loading_ms"].get<double>(), 1000.0);
  EXPECT_NEAR(after["view"]["frame_time_ms"].get<double>(), 33.3, 1e-6);
}

TEST_F(ViewerE2E, ReviewEditsAreSavedWithTheirAuditTrailAndRestored) {
  const auto image = Write(ThreeFollicles(), "scan.dcm");
  const std::string edit_script =
      "wait-idle\n"
      "key tab\n"          // select follicle #1 (7 mm)
      "key r\n"            // reject it
      "key ctrl+z\n"       // undo
      "key ctrl+y\n"       // redo: rejected again
      "key f\n"            // add a follicle: length, then width
      "click 480 400\nclick 520 400\nclick 500 385\nclick 500 415\n"
      "key escape\n"
      "click 40 40\n"      // empty place: nothing selected
      "key shift+l\n"      // the image is of the left ovary
      "save\n"
      "dump-state state.json\n";
  auto run = Script(edit_script, {image});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto saved = ReadJsonFile(image + ".review.json");
  EXPECT_EQ(saved["schema"], "antra-review/1");
  ASSERT_EQ(saved["follicles"].size(), 4u);
  EXPECT_EQ(saved["follicles"][0]["decision"], "rejected");
  const auto& added = saved["follicles"][3];
  EXPECT_EQ(added["origin"], "added");
  EXPECT_NEAR(added["mean_diameter_mm"].get<double>(), 7.0, 1e-6);  // (40 + 30 px) / 2 x 0.2 mm
  EXPECT_EQ(saved["image_side"], "L");
  EXPECT_EQ(saved["counts"]["left"]["afc"], 2);      // the 4 mm one and the added 7 mm one
  EXPECT_EQ(saved["counts"]["left"]["over_10"], 1);  // the 12 mm one
  std::vector<std::string> log;
  for (const auto& e : saved["edits"]) log.push_back(e["action"].get<std::string>() + ": " + e["description"].get<std::string>());
  const std::vector<std::string> expected = {"analysis: automatic analysis: 3 follicle(s)", "edit: reject follicle #1",
                                             "undo: reject follicle #1", "redo: reject follicle #1",
                                             "edit: add follicle", "edit: image: ovary left"};
  EXPECT_EQ(log, expected);
  EXPECT_FALSE(Json("state.json")["review"]["dirty"].get<bool>());

  // Reopening shows the edited review, not the raw analysis.
  run = Script("wait-idle\ndump-state reopened.json\n", {image});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto reopened = Json("reopened.json");
  EXPECT_TRUE(reopened["document"]["review_restored"].get<bool>());
  ASSERT_EQ(reopened["review"]["follicles"].size(), 4u);
  EXPECT_EQ(reopened["review"]["follicles"][0]["decision"], "rejected");
  EXPECT_EQ(reopened["review"]["counts"]["total"]["afc"], 2);
}

TEST_F(ViewerE2E, DraggingACaliperEndResizesTheFollicle) {
  const auto image = Write(ThreeFollicles(), "scan.dcm");
  // Follicle #1's length caliper ends at (180, 200): drag it 10 px right.
  const auto run = Script("wait-idle\ndrag 180 200 190 200\ndump-state state.json\n", {image});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto follicle = Json("state.json")["review"]["follicles"][0];
  EXPECT_NEAR(follicle["diameters_mm"][0].get<double>(), 10.0, 1e-6);
  EXPECT_NEAR(follicle["mean_diameter_mm"].get<double>(), 8.0, 1e-6);
  EXPECT_EQ(follicle["origin"], "edited");
  EXPECT_EQ(follicle["decision"], "accepted");
}

TEST_F(ViewerE2E, WindowLevelDragChangesTheGreysOnScreen) {
  FixtureImage fixture;
  fixture.patch = cv::Rect(250, 150, 80, 60);
  fixture.patch_value = 90;
  const auto image = Write(fixture, "patch.dcm", false);
  const auto run = Script(
      "wait-idle\nscreenshot before.png\nwindow-level 120 60\ndump-state state.json\nscreenshot after.png\n"
      "key 1\ndump-state reset.json\n",
      {image, "--window-size", "1200x800", "--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  EXPECT_DOUBLE_EQ(state["view"]["window"].get<double>(), 120);
  EXPECT_DOUBLE_EQ(state["view"]["level"].get<double>(), 60);
  const cv::Point2d centre = ScreenOf(state, {290, 180});
  const auto before = ReadPngRgb(dir_ / "before.png").at<cv::Vec3b>(static_cast<int>(centre.y), static_cast<int>(centre.x));
  const auto after = ReadPngRgb(dir_ / "after.png").at<cv::Vec3b>(static_cast<int>(centre.y), static_cast<int>(centre.x));
  EXPECT_NEAR(before[0], 90, 2);   // identity at the default window
  EXPECT_NEAR(after[0], 191, 2);   // (90 - 0) / 120 of white, computed by the shader
  EXPECT_EQ(after[0], after[1]);
  EXPECT_DOUBLE_EQ(Json("reset.json")["view"]["window"].get<double>(), 255);
}

TEST_F(ViewerE2E, GoToFrameAndPlayback) {
  FixtureImage cine;
  cine.width = 320;
  cine.height = 240;
  cine.frames = 20;
  cine.frame_time_ms = 40;
  const auto image = Write(cine, "cine.dcm", false);
  const auto run = Script(
      "wait-idle\nframe 7\ndump-state at7.json\nkey space\nwait-ms 600\ndump-state playing.json\nkey space\n"
      "dump-state paused.json\nkey f1\ndump-state help.json\n",
      {image, "--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json("at7.json")["view"]["frame_index"], 6);
  const auto playing = Json("playing.json");
  EXPECT_TRUE(playing["view"]["playing"].get<bool>());
  EXPECT_NE(playing["view"]["frame_index"], 6);
  EXPECT_FALSE(Json("paused.json")["view"]["playing"].get<bool>());
  EXPECT_TRUE(Json("help.json")["view"]["help_shown"].get<bool>());
}

// With the study's mapping the image is shown by subject ID; neither the
// PatientID nor the treatment arm in the mapping reaches anything shown or written.
TEST_F(ViewerE2E, MappingShowsTheSubjectNeverThePatientOrTheArm) {
  const auto image = Write(ThreeFollicles(), "scan.dcm");  // PatientID PH-TEST, name PHANTOM^TEST
  WriteBytes(dir_ / "subjects.csv", "PatientID,SubjectID,Arm\nPH-TEST,S042,zz-secret-arm\n");
  const auto run = Script("wait-idle\nsave\ndump-state state.json\n",
                          {image, "--mapping", (dir_ / "subjects.csv").string(), "--no-auto-analysis"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string state = ReadBytes(dir_ / "state.json");
  EXPECT_EQ(nlohmann::json::parse(state)["document"]["subject_id"], "S042");
  const std::string review = ReadBytes(image + ".review.json");
  for (const std::string& text : {state, review, run.out, run.err}) {
    EXPECT_EQ(text.find("PH-TEST"), std::string::npos);
    EXPECT_EQ(text.find("PHANTOM"), std::string::npos);
    EXPECT_EQ(text.find("zz-secret-arm"), std::string::npos);
  }
}

TEST_F(ViewerE2E, BadInputsGiveOneLineErrorsAndExitCodes) {
  WriteBytes(dir_ / "not-an-image.dcm", "hello");
  auto run = RunViewer({(dir_ / "not-an-image.dcm").string(), "--screenshot", (dir_ / "x.png").string()}, dir_.path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("antra-view: error: " + (dir_ / "not-an-image.dcm").string() + ": "), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;

  run = Script("click 1\n");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("line 1: click takes"), std::string::npos) << run.err;

  run = Script("wait-idle 0.5\n", {(dir_ / "missing.dcm").string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("missing.dcm"), std::string::npos) << run.err;

  run = RunViewer({"--window-size", "12"}, dir_.path());
  EXPECT_EQ(run.exit_code, 2);
}

// ---- With the real pipeline ------------------------------------------------

class ViewerPipelineE2E : public ViewerE2E {
 protected:
  // A phantom case from the generator, written as DICOM into the test folder.
  std::string Phantom(size_t preset_index) {
    const auto spec = phantom::SamplesPreset(20261124)[preset_index];
    const auto status = phantom::WriteCase(phantom::GenerateCase(spec), spec, dir_.path());
    EXPECT_TRUE(status) << status.error().message;
    return (dir_ / (spec.stem + ".dcm")).string();
  }

  // Pipeline options for both programs: without the ovary map, so that the
  // ovary comes from the follicles found (faster, and the same in both).
  std::string Params() {
    const auto path = dir_ / "params.json";
    WriteBytes(path, R"({"ovary_map": {"model": ""}})");
    return path.string();
  }

  // `antra analyze FILE --json OUT [EXTRA]`: what the command line finds.
  nlohmann::json AnalyzeWithCli(const std::string& image, const std::string& extra = "") {
    const auto out = dir_ / "cli-analysis.json";
    const std::string command = (BinaryDir() / "src" / "cli" / "antra").string() + " analyze '" + image +
                                "' --params '" + Params() + "' --json '" + out.string() + "' " + extra +
                                " > /dev/null 2>&1";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return ReadJsonFile(out);
  }
};

// The viewer runs the same pipeline as `antra analyze` (on its worker thread)
// and shows exactly its follicles, outlined where they are.
TEST_F(ViewerPipelineE2E, AutomaticAnalysisShowsWhatAntraAnalyzeFinds) {
  const auto image = Phantom(0);  // an easy still
  const auto cli = AnalyzeWithCli(image);
  const auto run =
      Script("wait-idle 120\nwait-frames 2\ndump-state state.json\nscreenshot shot.png\n", {image, "--params", Params()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  EXPECT_EQ(state["document"]["analysis"], "done");
  const auto& expected = cli["frames"][0]["follicles"];
  const auto& shown = state["review"]["follicles"];
  ASSERT_GT(expected.size(), 0u) << "the phantom should have follicles the pipeline finds";
  ASSERT_EQ(shown.size(), expected.size());
  const cv::Mat shot = ReadPngRgb(dir_ / "shot.png");
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(shown[i]["center_px"][0].get<double>(), expected[i]["center_px"][0].get<double>(), 1e-9);
    EXPECT_NEAR(shown[i]["center_px"][1].get<double>(), expected[i]["center_px"][1].get<double>(), 1e-9);
    EXPECT_EQ(shown[i]["mean_diameter_mm"], expected[i]["mean_diameter_mm"]);
    // The outline passes through the first point of the follicle's contour.
    const auto& p = expected[i]["contour_px"][0];
    EXPECT_TRUE(ColourNear(shot, ScreenOf(state, {p[0].get<double>(), p[1].get<double>()}), 2, IsPending))
        << "no outline at follicle " << i;
  }
  EXPECT_EQ(state["review"]["counts"]["total"]["afc"], cli["counts"]["afc"]);
}

// The reader draws a box around the ovary (Shift+O, two corners): the image
// is analysed again with that ovary given, as `antra analyze --ovary-box`
// does, and only the follicles inside it are left to review.
TEST_F(ViewerPipelineE2E, AnOvaryBoxAnalysesAgainWithOnlyTheFolliclesInsideIt) {
  const auto image = Phantom(0);  // an easy still
  const auto cli = AnalyzeWithCli(image);
  const auto& follicles = cli["frames"][0]["follicles"];
  ASSERT_GE(follicles.size(), 2u);
  // A box around one follicle found, 25 pixels wider on every side: the
  // first whose box leaves another follicle out.
  const auto box_around = [&](const nlohmann::json& follicle) {
    std::vector<cv::Point> outline;
    for (const auto& p : follicle["contour_px"]) outline.emplace_back(p[0].get<int>(), p[1].get<int>());
    return cv::boundingRect(outline) + cv::Size(50, 50) - cv::Point(25, 25);
  };
  const auto left_out = [&](const cv::Rect& box) {
    int outside = 0;
    for (const auto& f : follicles) {
      outside += !box.contains(cv::Point(f["center_px"][0].get<int>(), f["center_px"][1].get<int>()));
    }
    return outside;
  };
  size_t chosen = 0;
  while (chosen < follicles.size() && left_out(box_around(follicles[chosen])) == 0) ++chosen;
  ASSERT_LT(chosen, follicles.size()) << "some follicle's box should leave another out";
  const cv::Rect box = box_around(follicles[chosen]);
  const std::string script = "wait-idle 120\nkey shift+o\nclick " + std::to_string(box.x) + " " +
                             std::to_string(box.y) + "\nclick " + std::to_string(box.br().x) + " " +
                             std::to_string(box.br().y) + "\nwait-idle 120\nwait-frames 2\ndump-state state.json\n"
                             "screenshot shot.png\nkey ctrl+s\n";
  const auto run = Script(script, {image, "--params", Params()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  EXPECT_EQ(state["document"]["analysis"], "done");
  const auto& shown = state["review"]["follicles"];
  ASSERT_GE(shown.size(), 1u);
  // Exactly what `antra analyze --ovary-box` finds with the same box.
  const auto boxed = AnalyzeWithCli(image, "--ovary-box " + std::to_string(box.x) + "," + std::to_string(box.y) + "," +
                                               std::to_string(box.width) + "," + std::to_string(box.height));
  const auto& expected = boxed["frames"][0]["follicles"];
  ASSERT_EQ(shown.size(), expected.size());
  bool chosen_shown = false;
  for (size_t i = 0; i < shown.size(); ++i) {
    const cv::Point2d c(shown[i]["center_px"][0].get<double>(), shown[i]["center_px"][1].get<double>());
    EXPECT_NEAR(c.x, expected[i]["center_px"][0].get<double>(), 1e-9);
    EXPECT_NEAR(c.y, expected[i]["center_px"][1].get<double>(), 1e-9);
    EXPECT_TRUE(box.contains(cv::Point(int(c.x), int(c.y)))) << "a follicle outside the box at " << c;
    EXPECT_GT(shown[i]["id"].get<int>(), int(follicles.size()));  // the automatic ones were replaced
    if (cv::norm(c - cv::Point2d(follicles[chosen]["center_px"][0].get<double>(),
                                 follicles[chosen]["center_px"][1].get<double>())) < 2) {
      chosen_shown = true;
    }
  }
  EXPECT_TRUE(chosen_shown);
  EXPECT_TRUE(state["review"]["dirty"].get<bool>());
  EXPECT_NE(state["review"].dump().find("analysis with the ovary given"), std::string::npos);
  // The given ovary is drawn (magenta) along the box's top edge.
  const cv::Mat shot = ReadPngRgb(dir_ / "shot.png");
  const auto is_magenta = [](const cv::Vec3b& p) { return p[0] > 180 && p[1] < 170 && p[2] > 200; };
  EXPECT_TRUE(ColourNear(shot, ScreenOf(state, {box.x + box.width / 2.0, double(box.y)}), 2, is_magenta));
  EXPECT_EQ(state["review"]["ovary_box_px"], nlohmann::json({box.x, box.y, box.width, box.height}));
  EXPECT_TRUE(state["view"]["estimated_ovary_drawn"].is_null()) << "the reader's box replaces the estimated ovary";

  // Saved (Ctrl+S) and opened again: the box is drawn again and the review
  // is the one saved, not replaced by a new analysis.
  const auto again = Script("wait-idle 120\nwait-frames 2\ndump-state reopened.json\nscreenshot reopened.png\n",
                            {image, "--params", Params()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto reopened = Json("reopened.json");
  EXPECT_TRUE(reopened["document"]["review_restored"].get<bool>());
  EXPECT_EQ(reopened["document"]["analysis"], "done");
  EXPECT_EQ(reopened["review"]["ovary_box_px"], state["review"]["ovary_box_px"]);
  EXPECT_EQ(reopened["review"]["follicles"].size(), shown.size());
  EXPECT_FALSE(reopened["review"]["dirty"].get<bool>());
  const cv::Mat reshot = ReadPngRgb(dir_ / "reopened.png");
  EXPECT_TRUE(ColourNear(reshot, ScreenOf(reopened, {box.x + box.width / 2.0, double(box.y)}), 2, is_magenta));
}

// The ovary the pipeline estimated is drawn, dashed in lilac, where `antra
// analyze` puts it: the reader sees where it looked for follicles, and boxes
// the ovary (Shift+O) when that is not the ovary. E hides it and shows it again.
TEST_F(ViewerPipelineE2E, TheEstimatedOvaryIsDrawnAndCanBeHidden) {
  const auto image = Phantom(0);  // an easy still
  const auto cli = AnalyzeWithCli(image);
  const auto& ovary = cli["frames"][0]["ovary"];
  ASSERT_TRUE(ovary.is_object() && ovary["contour_px"].size() >= 3) << "the pipeline should estimate an ovary";
  EXPECT_EQ(ovary["source"], "estimated");
  const auto run = Script(
      "wait-idle 120\nwait-frames 2\ndump-state shown.json\nscreenshot shown.png\n"
      "key e\nwait-frames 2\ndump-state hidden.json\nscreenshot hidden.png\n"
      "key e\nwait-frames 2\ndump-state again.json\n",
      {image, "--params", Params()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto shown = Json("shown.json"), hidden = Json("hidden.json"), again = Json("again.json");
  EXPECT_TRUE(shown["view"]["show_estimated_ovary"].get<bool>());
  EXPECT_EQ(shown["view"]["estimated_ovary_drawn"], ovary["contour_px"]);
  EXPECT_FALSE(hidden["view"]["show_estimated_ovary"].get<bool>());
  EXPECT_TRUE(hidden["view"]["estimated_ovary_drawn"].is_null());
  EXPECT_EQ(again["view"]["estimated_ovary_drawn"], ovary["contour_px"]);
  // On screen: lilac dashes along the outline (no grey of the image is lilac).
  const auto is_lilac = [](const cv::Vec3b& p) {
    return p[2] > 200 && p[0] > 140 && p[0] < 235 && p[1] > 100 && p[1] < 200 && p[2] - p[1] > 40;
  };
  const cv::Mat with = ReadPngRgb(dir_ / "shown.png"), without = ReadPngRgb(dir_ / "hidden.png");
  int near_with = 0, near_without = 0;
  for (const auto& p : ovary["contour_px"]) {
    const cv::Point2d at = ScreenOf(shown, {p[0].get<double>(), p[1].get<double>()});
    near_with += ColourNear(with, at, 4, is_lilac);
    near_without += ColourNear(without, at, 4, is_lilac);
  }
  EXPECT_GE(near_with, int(ovary["contour_px"].size()) / 2) << "of " << ovary["contour_px"].size() << " outline points";
  EXPECT_EQ(near_without, 0);
}

TEST_F(ViewerPipelineE2E, CineFolliclesAreCountedOnceAsByAntraAnalyze) {
  const auto image = Phantom(9);  // the 12-frame sweep
  const auto cli = AnalyzeWithCli(image);
  const auto run = Script("wait-idle 180\ndump-state state.json\n", {image, "--params", Params()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto state = Json("state.json");
  ASSERT_GT(cli["follicles"].size(), 0u);
  EXPECT_EQ(state["review"]["follicles"].size(), cli["follicles"].size());  // unique follicles, not per frame
  EXPECT_EQ(state["review"]["counts"]["total"]["afc"], cli["counts"]["afc"]);
}

// ---- Study visits (--results) ---------------------------------------------

class ViewerVisitE2E : public ViewerE2E {
 protected:
  void SetUp() override {
    ViewerE2E::SetUp();
    study_ = WriteFixtureStudy(dir_.path(), /*key_images=*/true);
  }
  std::vector<std::string> Audit(int visit) {
    std::ifstream in(study_.results / "S001" / ("visit-0" + std::to_string(visit)) / "audit.jsonl");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      const auto j = nlohmann::json::parse(line);
      lines.push_back(j["action"].get<std::string>() + "|" + j["who"].get<std::string>() + "|" +
                      j["reason"].get<std::string>());
    }
    return lines;
  }
  nlohmann::json Visit(int visit) {
    return ReadJsonFile(study_.results / "S001" / ("visit-0" + std::to_string(visit)) / "visit.json");
  }
  FixtureStudy study_;
};

// The automatic result missed a follicle: a box around the ovary on the
// counting scan analyses it with the box given, and what the pipeline finds
// inside that the visit does not hold yet is added (one undo step with the
// box and the rejection of the follicle outside it), and saved and audited.
TEST_F(ViewerE2E, AnOvaryBoxOnAVisitAddsTheFollicleTheAutomaticResultMissed) {
  const FixtureStudy study = WriteFixtureStudy(dir_.path(), /*key_images=*/false, /*analysis_misses_one=*/true);
  const std::vector<std::string> args = {"--results", study.results.string(), "--reviewer", "Dr Test"};
  const auto visit_json = study.results / "S001" / "visit-00" / "visit.json";
  ASSERT_EQ(ReadJsonFile(visit_json)["ovaries"]["left"]["follicles"].size(), 2u);  // 12 and 7 mm
  // ThreeFollicles: 7 mm at (160, 200), the missed 4 mm at (330, 260), 12 mm at (480, 160).
  const cv::Rect box(110, 150, 280, 160);
  const std::string draw = "key shift+o\nclick " + std::to_string(box.x) + " " + std::to_string(box.y) + "\nclick " +
                           std::to_string(box.br().x) + " " + std::to_string(box.br().y) + "\nwait-idle 120\n";
  auto run = Script("visit S001 0 left\nwait-idle\n" + draw + "dump-state boxed.json\nkey ctrl+z\n"
                        "dump-state undone.json\nkey ctrl+y\nkey ctrl+s\n",
                    args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto boxed = Json("boxed.json");
  const std::string status = boxed["view"]["status"].get<std::string>();
  EXPECT_NE(status.find("reject 1 follicle(s) outside the ovary box"), std::string::npos) << status;
  EXPECT_NE(status.find("the analysis with the box added 1 follicle(s)"), std::string::npos) << status;
  auto near = [](const nlohmann::json& follicles, double x, double y) {
    return std::any_of(follicles.begin(), follicles.end(), [&](const nlohmann::json& f) {
      return std::hypot(f["center_px"][0].get<double>() - x, f["center_px"][1].get<double>() - y) < 4;
    });
  };
  // The 12 mm one rejected (deleted from the visit), the 7 mm one kept, the 4 mm one new.
  const auto& shown = boxed["review"]["follicles"];
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_TRUE(near(shown, 160, 200));
  EXPECT_TRUE(near(shown, 330, 260));
  // One undo step: none rejected, none added.
  const auto undone = Json("undone.json")["review"]["follicles"];
  ASSERT_EQ(undone.size(), 2u);
  EXPECT_TRUE(near(undone, 480, 160));
  EXPECT_FALSE(near(undone, 330, 260));
  const auto left = ReadJsonFile(visit_json)["ovaries"]["left"];
  ASSERT_EQ(left["follicles"].size(), 2u);
  const nlohmann::json* added = nullptr;
  for (const auto& f : left["follicles"]) {
    if (f["id"] == "L3") added = &f;
  }
  ASSERT_NE(added, nullptr) << left.dump();
  EXPECT_EQ((*added)["origin"], "automatic");
  EXPECT_NEAR((*added)["center_px"][0].get<double>(), 330, 4);
  EXPECT_NEAR((*added)["center_px"][1].get<double>(), 260, 4);
  const double mean = ((*added)["diameters_mm"][0].get<double>() + (*added)["diameters_mm"][1].get<double>()) / 2;
  EXPECT_NEAR(mean, 4.0, 0.8);
  EXPECT_EQ(left["afc"], 2);  // 7 and 4 mm
  std::ifstream trail(study.results / "S001" / "visit-00" / "audit.jsonl");
  std::string line, last;
  while (std::getline(trail, line)) last = line;
  const auto entry = nlohmann::json::parse(last);
  EXPECT_EQ(entry["action"], "ovary-box-analysis");
  EXPECT_EQ(entry["who"], "Dr Test");
  ASSERT_EQ(entry["after"]["added"].size(), 1u);
  EXPECT_EQ(entry["after"]["added"][0]["id"], "L3");
  EXPECT_EQ(entry["after"]["ovary_box_px"], nlohmann::json({box.x, box.y, box.width, box.height}));
}

// A sonographer opens the worklist, corrects a visit and signs it off; later
// changes it again, which asks for a reason; reopening shows the edits.
TEST_F(ViewerVisitE2E, EditSignOffReasonAndReopen) {
  const std::vector<std::string> args = {"--results", study_.results.string(), "--reviewer", "Dr Test"};
  auto run = Script(
      "dump-state worklist.json\n"
      "visit S001 0 left\nwait-idle\nwait-frames 2\ndump-state opened.json\nscreenshot visit.png\n"
      "key tab\nkey r\n"                                                    // reject L1 (12 mm: largest first)
      "key f\nclick 480 400\nclick 520 400\nclick 500 385\nclick 500 415\n"  // add a 7 mm follicle
      "key escape\nkey m\nclick 100 440\nclick 300 440\nkey o\n"          // ovary length 40 mm
      "click 100 40\nclick 100 240\nkey o\nclick 600 40\nclick 600 140\nkey o\n"  // width 40, height 20
      "key escape\n"
      "key ctrl+shift+s\n"
      "dump-state signed.json\n",
      args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto worklist = Json("worklist.json")["worklist"];
  ASSERT_EQ(worklist.size(), 2u);
  const auto opened = Json("opened.json");
  EXPECT_EQ(opened["visit"]["scan"]["side"], "left");
  EXPECT_TRUE(opened["visit"]["scan"]["counting"].get<bool>());
  EXPECT_EQ(opened["review"]["follicles"].size(), 3u);
  EXPECT_EQ(opened["visit"]["history_visits"], 2);

  auto visit = Visit(0);
  EXPECT_EQ(visit["review"]["status"], "signed-off");
  EXPECT_EQ(visit["review"]["reviewer"], "Dr Test");
  const auto& left = visit["ovaries"]["left"];
  std::vector<std::string> ids;
  for (const auto& f : left["follicles"]) ids.push_back(f["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"L2", "L3", "L4"}));
  EXPECT_EQ(left["afc"], 3) << left.dump(1);  // 7 and 4 mm, and the added 7 mm
  EXPECT_EQ(left["counts"]["over_10"], 0);
  const auto audit = Audit(0);
  ASSERT_GE(audit.size(), 5u);
  EXPECT_EQ(audit[0].substr(0, audit[0].find('|')), "create");
  const std::vector<std::string> reviewer_part(audit.end() - 4, audit.end());
  EXPECT_EQ(reviewer_part[0], "delete-follicle|Dr Test|reviewer correction in antra-view");
  EXPECT_EQ(reviewer_part[1], "add-follicle|Dr Test|reviewer correction in antra-view");
  EXPECT_EQ(reviewer_part[2].substr(0, reviewer_part[2].find('|')), "set-ovary-diameters");
  EXPECT_EQ(reviewer_part[3], "sign-off|Dr Test|");
  EXPECT_NEAR(Json("signed.json")["visit"]["left"]["volume_ml"].get<double>(), 0.523 * 40 * 40 * 20 / 1000, 1e-6);

  // Later: a change to the signed-off visit asks for a reason first.
  run = Script(
      "visit S001 0 left\nwait-idle\nkey tab\nkey delete\ndump-state asked.json\n"
      "type \"measured the wall, not the lumen\"\nkey enter\nkey ctrl+s\ndump-state changed.json\n",
      args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Json("asked.json")["visit"]["scan"]["pending_edit"].get<bool>());
  EXPECT_EQ(Json("asked.json")["review"]["follicles"].size(), 3u);  // nothing changed yet
  const auto after = Audit(0);
  ASSERT_EQ(after.size(), audit.size() + 2);
  EXPECT_EQ(after[after.size() - 2], "reopen|Dr Test|measured the wall, not the lumen");
  EXPECT_EQ(after.back(), "delete-follicle|Dr Test|measured the wall, not the lumen");
  visit = Visit(0);
  EXPECT_EQ(visit["review"]["status"], "unreviewed");
  EXPECT_EQ(visit["ovaries"]["left"]["follicles"].size(), 2u);

  // Reopening the visit shows the edited state, and it is back on the worklist.
  run = Script("visit S001 0 left\nwait-idle\ndump-state reopened.json\n", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto reopened = Json("reopened.json");
  EXPECT_EQ(reopened["review"]["follicles"].size(), 2u);
  EXPECT_FALSE(reopened["visit"]["signed_off"].get<bool>());
}

// In a visit the box around the ovary rejects the follicles outside it (one
// audited deletion each) and the scan is analysed with the box given; all one
// undo step.
TEST_F(ViewerVisitE2E, AnOvaryBoxRejectsTheFolliclesOutsideIt) {
  const std::vector<std::string> args = {"--results", study_.results.string(), "--reviewer", "Dr Test"};
  auto run = Script("visit S001 0 left\nwait-idle\ndump-state opened.json\n", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto follicles = Json("opened.json")["review"]["follicles"];
  ASSERT_EQ(follicles.size(), 3u);
  const cv::Point2d kept(follicles[1]["center_px"][0].get<double>(), follicles[1]["center_px"][1].get<double>());
  const cv::Rect box(int(kept.x) - 30, int(kept.y) - 30, 60, 60);
  int outside = 0;
  for (const auto& f : follicles) {
    outside += !box.contains(cv::Point(f["center_px"][0].get<int>(), f["center_px"][1].get<int>()));
  }
  ASSERT_EQ(outside, 2) << "the fixture's follicles should lie apart";
  const std::filesystem::path key_image = study_.results / "S001" / "visit-00" / "key-left.png";
  const std::string automatic_key = ReadBytes(key_image);
  ASSERT_FALSE(automatic_key.empty());
  const std::string draw = "key shift+o\nclick " + std::to_string(box.x) + " " + std::to_string(box.y) + "\nclick " +
                           std::to_string(box.br().x) + " " + std::to_string(box.br().y) + "\nwait-idle 120\n";
  run = Script("visit S001 0 left\nwait-idle\n" + draw + "dump-state boxed.json\nkey ctrl+z\ndump-state undone.json\n" +
                   draw + "dump-state again.json\nkey ctrl+s\n",
               args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto boxed = Json("boxed.json");
  ASSERT_EQ(boxed["review"]["follicles"].size(), 1u);
  EXPECT_NEAR(boxed["review"]["follicles"][0]["center_px"][0].get<double>(), kept.x, 1e-6);
  EXPECT_NE(boxed["view"]["status"].get<std::string>().find("reject 2 follicle(s) outside the ovary box"),
            std::string::npos)
      << boxed["view"]["status"];
  EXPECT_NE(boxed["view"]["status"].get<std::string>().find("the analysis with the box added 0 follicle(s)"),
            std::string::npos)
      << boxed["view"]["status"];
  EXPECT_EQ(Json("undone.json")["review"]["follicles"].size(), 3u);  // one undo step brings both back
  EXPECT_EQ(Json("again.json")["review"]["follicles"].size(), 1u) << Json("again.json")["view"]["status"];
  const auto left = Visit(0)["ovaries"]["left"]["follicles"];
  ASSERT_EQ(left.size(), 1u);
  EXPECT_NEAR(left[0]["center_px"][0].get<double>(), kept.x, 1e-6);
  const auto audit = Audit(0);
  ASSERT_GE(audit.size(), 5u);
  EXPECT_EQ(audit[audit.size() - 1], "ovary-box-analysis|Dr Test|reviewer correction in antra-view");
  EXPECT_EQ(audit[audit.size() - 2], "delete-follicle|Dr Test|reviewer correction in antra-view");
  EXPECT_EQ(audit[audit.size() - 3], "delete-follicle|Dr Test|reviewer correction in antra-view");
  EXPECT_EQ(audit[audit.size() - 4], "set-ovary-box|Dr Test|reviewer correction in antra-view");
  // The key image was drawn again: it shows the one follicle left, not the three.
  const std::string reviewed_key = ReadBytes(key_image);
  EXPECT_FALSE(reviewed_key.empty());
  EXPECT_NE(reviewed_key, automatic_key);
  // The box is the scan's, in visit.json, and drawn again when the visit is reopened.
  const nlohmann::json box_json = {box.x, box.y, box.width, box.height};
  int boxed_scans = 0;
  const auto saved = Visit(0);
  for (const auto& scan : saved["scans"]) {
    if (!scan.contains("ovary_box_px")) continue;
    ++boxed_scans;
    EXPECT_EQ(scan["ovary_box_px"], box_json);
  }
  EXPECT_EQ(boxed_scans, 1);
  run = Script("visit S001 0 left\nwait-idle\nwait-frames 2\ndump-state reopened.json\nscreenshot reopened.png\n", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto reopened = Json("reopened.json");
  EXPECT_EQ(reopened["review"]["ovary_box_px"], box_json);
  EXPECT_EQ(reopened["review"]["follicles"].size(), 1u);
  const cv::Mat shot = ReadPngRgb(dir_ / "reopened.png");
  const auto is_magenta = [](const cv::Vec3b& p) { return p[0] > 180 && p[1] < 170 && p[2] > 200; };
  EXPECT_TRUE(ColourNear(shot, ScreenOf(reopened, {box.x + box.width / 2.0, double(box.y)}), 2, is_magenta));
}

// In a visit, the estimated ovary comes from the analysis `antra batch`
// cached for the scan (the follicles stay the visit's own); without one,
// nothing is drawn.
TEST_F(ViewerVisitE2E, TheBatchEstimatedOvaryIsDrawnOnTheVisitScan) {
  const auto args = std::vector<std::string>{"--results", study_.results.string()};
  auto run = Script("visit S001 0 left\nwait-idle\nwait-frames 2\ndump-state none.json\n", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(Json("none.json")["view"]["estimated_ovary_drawn"].is_null());

  const auto scan = dir_ / "archive" / "v0-left.dcm";
  FixtureImage image = ThreeFollicles();
  image.sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.101";
  auto analysis = FixtureAnalysis(image);
  OvaryMeasurement ovary;
  ovary.contour_px = {{120, 120}, {520, 110}, {540, 300}, {130, 310}};
  analysis.frames.front().ovary = ovary;
  ASSERT_TRUE(AnalysisCache(AnalysisCache::FolderUnder(study_.results), "0123456789abcdef")
                  .StoreAnalysis(*FileSha256(scan), analysis));
  run = Script("visit S001 0 left\nwait-idle\nwait-frames 2\ndump-state drawn.json\n", args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto drawn = Json("drawn.json");
  EXPECT_EQ(drawn["view"]["estimated_ovary_drawn"], nlohmann::json({{120, 120}, {520, 110}, {540, 300}, {130, 310}}));
  EXPECT_EQ(drawn["review"]["follicles"].size(), Visit(0)["ovaries"]["left"]["follicles"].size());
  EXPECT_EQ(drawn["document"]["analysis"], "done");
}

TEST_F(ViewerVisitE2E, NotVisualisedAndCountingScan) {
  const std::vector<std::string> args = {"--results", study_.results.string(), "--reviewer", "Dr Test"};
  const auto run = Script(
      "visit S001 1 right\nwait-idle\nkey shift+n\ndump-state unseen.json\nkey shift+n\nkey ctrl+s\n"
      "dump-state saved.json\n",
      args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto unseen = Json("unseen.json");
  EXPECT_EQ(unseen["visit"]["right"]["status"], "not-visualised");
  EXPECT_TRUE(unseen["visit"]["right"]["afc"].is_null());  // not 0
  const auto saved = Json("saved.json");
  EXPECT_EQ(saved["visit"]["right"]["status"], "measured");
  const auto audit = Audit(1);
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[audit.size() - 2].substr(0, 16), "set-ovary-status");
  EXPECT_EQ(audit.back().substr(0, 16), "set-ovary-status");
}

// A uterus view in the visit: Shift+X marks the scan shown as having no
// ovary (listed, never counted), Shift+R gives it back to its ovary.
TEST_F(ViewerVisitE2E, AScanWithNoOvaryIsMarkedAndGivenBack) {
  const std::vector<std::string> args = {"--results", study_.results.string(), "--reviewer", "Dr Test"};
  const auto run = Script(
      "visit S001 1 right\nwait-idle\ndump-state opened.json\nkey shift+x\ndump-state marked.json\n"
      "key shift+r\ndump-state back.json\nkey shift+x\nkey ctrl+s\n",
      args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto opened = Json("opened.json")["visit"];
  const std::string uid = opened["scan"]["sop_instance_uid"];
  ASSERT_EQ(opened["scan"]["side"], "right");
  ASSERT_EQ(opened["right"]["counting_scan"], uid);
  const auto marked = Json("marked.json")["visit"];
  EXPECT_EQ(marked["scan"]["side"], "not-ovary");
  EXPECT_FALSE(marked["scan"]["counting"].get<bool>());
  EXPECT_NE(marked["right"]["counting_scan"], uid);
  const auto back = Json("back.json")["visit"];
  EXPECT_EQ(back["scan"]["side"], "right");
  EXPECT_EQ(back["right"]["counting_scan"], uid);
  EXPECT_EQ(back["right"]["afc"], opened["right"]["afc"]);
  // Saved: the scan is not-ovary, by the reviewer, and each step is in the trail.
  bool found = false;
  const auto saved = Visit(1);  // kept: a range-for over a temporary's member would dangle
  for (const auto& scan : saved["scans"]) {
    if (scan["sop_instance_uid"] != uid) continue;
    found = true;
    EXPECT_EQ(scan["side"], "not-ovary");
    EXPECT_EQ(scan["side_source"], "reviewer");
  }
  EXPECT_TRUE(found) << uid;
  const auto audit = Audit(1);
  ASSERT_GE(audit.size(), 3u);
  for (size_t i = audit.size() - 3; i < audit.size(); ++i) EXPECT_EQ(audit[i].substr(0, 13), "set-scan-side") << audit[i];
}

}  // namespace
}  // namespace antra::test
