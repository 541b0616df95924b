// The automatic visit: counting scan choice, ovary status, counts, volume,
// and visit.json round trips.

#include <gtest/gtest.h>

#include "study/visit_json.h"
#include "study_fixtures.h"

namespace antra {
namespace {

using test::FollicleSpec;
using test::MakeAnalysis;
using test::MakeInfo;

ScanInput Scan(const std::string& uid, Side side, int frames, const std::vector<FollicleSpec>& follicles,
               bool calibrated = true, bool analysed = true, bool ovary_found = true) {
  ScanInput s;
  s.info = MakeInfo(uid, "20260119", side == Side::kLeft ? "L" : side == Side::kRight ? "R" : "", "", frames, calibrated);
  s.identity = test::FakeIdentity();
  s.file_sha256 = std::string(64, 'd');
  s.side = {side, side == Side::kUnknown ? SideSource::kNone : SideSource::kHeader};
  if (analysed) s.analysis = MakeAnalysis(uid, frames, follicles, ovary_found, calibrated);
  return s;
}

VisitBuildInput Input(std::vector<ScanInput> scans) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.visit_number = 1;
  in.baseline = *Date::Parse("20260105");
  in.software_version = "test";
  in.scans = std::move(scans);
  return in;
}

std::vector<FollicleSpec> Means(std::initializer_list<double> means, int frames = 1) {
  std::vector<FollicleSpec> out;
  int i = 0;
  for (double m : means) out.push_back({m + 0.5, m - 0.5, frames > 1 ? i % frames : 0, 50.0 + 15 * i, 90.0});
  return out;
}

TEST(BuildVisit, CountsTheLongestSweepAndListsEveryScan) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 20, Means({3, 4, 5}, 20)),
                                      Scan("1.2", Side::kLeft, 60, Means({3, 4, 5, 7, 12}, 60)),
                                      Scan("1.3", Side::kLeft, 1, Means({3, 4, 5, 6, 7, 8, 9})),
                                      Scan("1.4", Side::kRight, 1, Means({1.5, 3, 11}))}));
  EXPECT_EQ(v.scans.size(), 4u);
  EXPECT_EQ(v.left.counting_scan, "1.2");
  EXPECT_EQ(v.left.basis, CountingBasis::kLongestSweep);
  EXPECT_FALSE(v.left.afc_from_single_frame());
  ASSERT_TRUE(v.left.Afc());
  EXPECT_EQ(*v.left.Afc(), 4);  // 3, 4, 5, 7; not 12
  EXPECT_EQ(v.left.Counts()->over_10, 1);
  EXPECT_EQ(v.left.follicles.front().id, "L1");
  EXPECT_DOUBLE_EQ(v.left.follicles.front().mean_mm(), 12.0);  // largest first
  EXPECT_EQ(v.right.counting_scan, "1.4");
  EXPECT_TRUE(v.right.afc_from_single_frame());
  EXPECT_EQ(*v.right.Afc(), 1);
  EXPECT_EQ(v.right.Counts()->under_2, 1);
  EXPECT_EQ(*v.TotalAfc(), 5);
  EXPECT_DOUBLE_EQ(*v.LargestFollicleMm(), 12.0);
  EXPECT_TRUE(std::find(v.right.notes.begin(), v.right.notes.end(), "AFC from a single frame") != v.right.notes.end());
}

TEST(BuildVisit, WithoutSweepTheStillWithMostFolliclesCounts) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kRight, 1, Means({3, 4})),
                                      Scan("1.2", Side::kRight, 1, Means({3, 4, 5, 15})),
                                      Scan("1.3", Side::kRight, 1, Means({3, 4, 5}))}));
  EXPECT_EQ(v.right.counting_scan, "1.2");
  EXPECT_EQ(v.right.basis, CountingBasis::kStillWithMostFollicles);
  EXPECT_TRUE(v.right.afc_from_single_frame());
}

TEST(BuildVisit, UncalibratedScansAreListedButNeverCounted) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 90, Means({3, 4}, 90), /*calibrated=*/false),
                                      Scan("1.2", Side::kLeft, 1, Means({3, 4, 5}))}));
  EXPECT_EQ(v.left.counting_scan, "1.2");
  const ScanEntry* uncal = v.FindScan("1.1");
  ASSERT_NE(uncal, nullptr);
  EXPECT_FALSE(uncal->calibrated);
  EXPECT_TRUE(uncal->follicles.empty());
  auto only_uncalibrated = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 90, Means({3}, 90), false)}));
  EXPECT_EQ(only_uncalibrated.left.status, OvaryStatus::kMeasured);
  EXPECT_FALSE(only_uncalibrated.left.Afc());
  EXPECT_FALSE(only_uncalibrated.TotalAfc());
  EXPECT_FALSE(VisitToJson(only_uncalibrated)["calibrated"].get<bool>());
}

TEST(BuildVisit, StatusesDistinguishNotScannedNotVisualisedAndZero) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 1, {}, true, true, /*ovary_found=*/false)}));
  EXPECT_EQ(v.left.status, OvaryStatus::kNotVisualised);
  EXPECT_FALSE(v.left.Afc());  // not AFC 0
  EXPECT_EQ(v.right.status, OvaryStatus::kNotScanned);
  EXPECT_FALSE(v.right.Afc());
  auto zero = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 1, {}, true, true, /*ovary_found=*/true)}));
  EXPECT_EQ(zero.left.status, OvaryStatus::kMeasured);
  EXPECT_EQ(*zero.left.Afc(), 0);
}

TEST(BuildVisit, UnknownSidesAreFlaggedAndNotCounted) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kUnknown, 30, Means({3, 4}, 30))}));
  EXPECT_TRUE(v.left.counting_scan.empty());
  EXPECT_EQ(v.left.status, OvaryStatus::kNotScanned);
  ASSERT_FALSE(v.notes.empty());
  EXPECT_NE(v.notes[0].find("without laterality"), std::string::npos);
}

TEST(BuildVisit, VolumeNeedsThreeDiameters) {
  auto v = BuildAutomaticVisit(Input({Scan("1.1", Side::kLeft, 1, Means({4}))}));
  EXPECT_TRUE(v.left.length_mm && v.left.width_mm);
  EXPECT_FALSE(v.left.height_mm);
  EXPECT_FALSE(v.left.VolumeMl());
  v.left.length_mm = 30;
  v.left.width_mm = 20;
  v.left.height_mm = 15;
  EXPECT_NEAR(*v.left.VolumeMl(), 0.523 * 30 * 20 * 15 / 1000.0, 1e-12);
}

TEST(BuildVisit, DescriptionKeepsNoIdentityAndDuplicatesAreNoted) {
  auto scan = Scan("1.1", Side::kLeft, 1, Means({4}));
  scan.info.series_description = "LT OV Quillfeather HOSP-7731";
  scan.duplicate_imports = 1;
  auto v = BuildAutomaticVisit(Input({scan}));
  EXPECT_EQ(v.scans[0].series_description.find("Quillfeather"), std::string::npos);
  EXPECT_EQ(v.scans[0].series_description.find("7731"), std::string::npos);
  EXPECT_NE(v.scans[0].notes.back().find("imported 2 times"), std::string::npos);
}

TEST(VisitJson, RoundTripsByteForByte) {
  auto v = test::MakeVisit(2, {3, 4.5, 6, 11}, {2.5, 8});
  v.revision = 7;
  v.review = {ReviewStatus::kSignedOff, "Dr Who", "2026-02-01T10:00:00Z"};
  v.left.height_mm = 12;
  const std::string text = VisitJsonText(v);
  auto back = ParseVisitJson(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(VisitJsonText(*back), text);
  EXPECT_EQ(back->review.reviewer, "Dr Who");
  EXPECT_EQ(*back->left.Afc(), 3);
}

TEST(VisitJson, KeepsAScansOvaryBoxAndRefusesOneOutsideTheImage) {
  auto v = test::MakeVisit(1, {3}, {4});
  EXPECT_FALSE(VisitToJson(v)["scans"][0].contains("ovary_box_px"));  // automatic visits are unchanged
  v.scans[0].ovary_box_px = cv::Rect(10, 20, 300, 200);               // the scan is 320 x 240
  const std::string text = VisitJsonText(v);
  auto back = ParseVisitJson(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->scans[0].ovary_box_px, cv::Rect(10, 20, 300, 200));
  EXPECT_EQ(VisitJsonText(*back), text);
  for (const char* bad : {"[10, 20, 311, 200]", "[0, 0, 0, 5]", "[-1, 0, 5, 5]", "[1, 2, 3]", "[1.5, 2, 3, 4]",
                          "\"box\"", "[9223372036854775807, 0, 1, 1]"}) {
    auto j = VisitToJson(v);
    j["scans"][0]["ovary_box_px"] = nlohmann::json::parse(bad);
    auto read = VisitFromJson(j);
    ASSERT_FALSE(read.ok()) << bad;
    EXPECT_NE(read.error().message.find("ovary_box_px"), std::string::npos) << read.error().message;
  }
}

TEST(VisitJson, FingerprintIgnoresReviewAndRevisionOnly) {
  auto a = test::MakeVisit(1, {3, 4}, {5});
  auto b = a;
  b.revision = 9;
  b.review.status = ReviewStatus::kSignedOff;
  EXPECT_EQ(AutomaticFingerprint(a), AutomaticFingerprint(b));
  b.left.follicles.pop_back();
  EXPECT_NE(AutomaticFingerprint(a), AutomaticFingerprint(b));
}

TEST(VisitJson, RefusesOtherSchemasAndDamage) {
  auto v = test::MakeVisit(1, {3}, {4});
  auto j = VisitToJson(v);
  j["schema"] = "antra-visit/99";
  EXPECT_EQ(VisitFromJson(j).error().code, ErrorCode::kUnsupported);
  j = VisitToJson(v);
  j["subject_id"] = "../S001";
  EXPECT_FALSE(VisitFromJson(j).ok());
  j = VisitToJson(v);
  j["ovaries"]["left"]["status"] = "maybe";
  EXPECT_FALSE(VisitFromJson(j).ok());
  EXPECT_FALSE(ParseVisitJson("{not json").ok());
  EXPECT_FALSE(ParseVisitJson("[]").ok());
}

}  // namespace
}  // namespace antra
