// `antra batch` as a coordinator runs it: usage errors, and the real
// ultrasound samples (every file either in a visit or in errors.csv).

#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "study/csv.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

using test::RunAntra;

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(BatchCliTest, UsageErrorsExitWithTwoAndOneLine) {
  test::TempDir dir("batch-cli-usage");
  fs::create_directories(dir / "archive");
  const std::string base = "batch " + Quote(dir / "archive") + " --out " + Quote(dir / "results");
  EXPECT_EQ(RunAntra("batch").exit_code, 2);
  EXPECT_EQ(RunAntra("batch " + Quote(dir / "missing") + " --out " + Quote(dir / "results")).exit_code, 2);
  for (const char* shard : {"2/2", "x", "1/0"}) {
    const auto run = RunAntra(base + " --shard " + shard);
    EXPECT_EQ(run.exit_code, 2) << shard;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
  const auto unmapped = RunAntra(base + " --shard 0/2");
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_NE(unmapped.err.find("--shard needs --mapping"), std::string::npos) << unmapped.err;
  EXPECT_EQ(RunAntra(base + " --jobs -1").exit_code, 2);
  EXPECT_EQ(RunAntra(base + " --db nosuch:x").exit_code, 2);
  EXPECT_EQ(RunAntra(base + " --no-export --shard 0/1 -q").exit_code, 0) << "an empty archive is fine";
}

TEST(BatchCliTest, RealSamplesEveryFileInAVisitOrInErrorsCsv) {
  ANTRA_REQUIRE_DICOM_SAMPLES();
  test::TempDir dir("batch-cli-real");
  const auto run = RunAntra("batch " + Quote(*test::DicomSamplesDir()) + " --out " + Quote(dir / "results") +
                            " --jobs 2 --progress-lines");
  // fodicom_GH364.dcm is refused (malformed), so the run reports a failure.
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;

  std::set<std::string> dicom_files;
  for (const auto& e : fs::directory_iterator(*test::DicomSamplesDir())) {
    if (e.path().extension() == ".dcm") dicom_files.insert(e.path().filename().string());
  }
  ASSERT_EQ(dicom_files.size(), 13u);
  auto errors = ReadCsvFile(dir / "results" / "errors.csv");
  ASSERT_TRUE(errors) << errors.error().message;
  std::set<std::string> failed;
  for (size_t r = 1; r < errors->size(); ++r) failed.insert(fs::path((*errors)[r].at(0)).filename().string());
  EXPECT_TRUE(failed.count("fodicom_GH364.dcm")) << run.err;
  // One stderr line per failed file (plus progress lines, which name no file).
  for (const auto& name : failed) EXPECT_NE(run.err.find(name), std::string::npos) << name;

  // The SHA-256 of every scan in a visit maps back to a sample through scan-paths.csv.
  auto paths = ReadCsvFile(dir / "results" / "private" / "scan-paths.csv");
  ASSERT_TRUE(paths) << paths.error().message;
  std::set<std::string> in_visits;
  for (size_t r = 1; r < paths->size(); ++r) in_visits.insert(fs::path((*paths)[r].at(1)).filename().string());
  // Copies of one image (same SOP Instance UID: OBXXXX1A and its RLE
  // version) are placed once and counted in the visit as duplicate imports.
  int duplicates = 0;
  for (const auto& visit : fs::recursive_directory_iterator(dir / "results")) {
    if (visit.path().filename() != "visit.json") continue;
    const auto json = nlohmann::json::parse(test::ReadBytes(visit.path()));
    for (const auto& scan : json.at("scans")) {
      duplicates += scan["duplicate_imports"].get<int>();
    }
  }
  for (const auto& name : in_visits) EXPECT_FALSE(failed.count(name)) << name << " both placed and failed";
  for (const auto& name : failed) EXPECT_TRUE(dicom_files.count(name)) << name;
  for (const auto& name : in_visits) EXPECT_TRUE(dicom_files.count(name)) << name;
  EXPECT_EQ(in_visits.size() + failed.size() + static_cast<size_t>(duplicates), dicom_files.size())
      << "every sample is placed in a visit, reported, or a counted copy";
  EXPECT_NE(run.out.find("13 DICOM file(s) by content"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace antra
