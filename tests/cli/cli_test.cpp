// The `antra` command as a user runs it: exit codes, one-line errors, JSON.

#include <array>
#include <cstdio>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace antra {
namespace {

using test::RunAntra;

int CountLines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CliTest, BadInputsGetOneLineEachAndANonZeroExit) {
  test::TempDir dir("cli-bad");
  test::WriteBytes(dir / "empty.dcm", "");
  test::WriteBytes(dir / "notes.txt", "hello");
  const auto run = RunAntra("info '" + (dir / "missing.dcm").string() + "' '" + dir.path().string() + "' '" +
                            (dir / "empty.dcm").string() + "' '" + (dir / "notes.txt").string() + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(CountLines(run.err), 4) << run.err;
  EXPECT_NE(run.err.find("missing.dcm: no such file"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("empty.dcm: empty file"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("notes.txt: not DICOM"), std::string::npos) << run.err;
}

TEST(CliTest, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunAntra("").exit_code, 2);
  EXPECT_EQ(RunAntra("info").exit_code, 2);
  EXPECT_EQ(RunAntra("no-such-command").exit_code, 2);
  EXPECT_EQ(RunAntra("info --mm-per-pixel -1 x.dcm").exit_code, 2);
  EXPECT_EQ(RunAntra("--version").exit_code, 0);
}

TEST(CliTest, InfoJsonOnTheSamplesGoodFilesStillReportedWhenOneFails) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const auto dir = *test::DicomSamplesDir();
  const auto run = RunAntra("info --json '" + (dir / "orthanc_RLE_YBR_FULL_planar1_Mindray.dcm").string() + "' '" +
                            (dir / "fodicom_GH364.dcm").string() + "' '" + (dir / "US1_J2KR.dcm").string() + "'");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(CountLines(run.err), 1) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["calibration"]["source"], "ultrasound-regions");
  EXPECT_NEAR(json[0]["calibration"]["regions"][0]["mm_per_pixel"]["x"].get<double>(), 0.145117, 5e-7);
  EXPECT_FALSE(json[1]["calibration"]["calibrated"].get<bool>());
  // No identity in the output: the Mindray header names "Test^Belle".
  EXPECT_EQ(run.out.find("Belle"), std::string::npos);
}

TEST(CliTest, UncalibratedImagesSaySoInText) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  const auto run = RunAntra("info '" + (*test::DicomSamplesDir() / "US1_J2KR.dcm").string() + "'");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("UNCALIBRATED"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace antra
