// Reviewer edits and their audit entries.

#include <algorithm>

#include <gtest/gtest.h>

#include "study/visit_edit.h"
#include "study_fixtures.h"

namespace antra {
namespace {

std::string FixedClock() { return "2026-02-01T09:00:00Z"; }

TEST(VisitEditor, EditsNeedAReviewerAndAReason) {
  VisitEditor e(test::MakeVisit(1, {3, 4}, {5}), FixedClock);
  EXPECT_FALSE(e.DeleteFollicle(Side::kLeft, "L1", "", "duplicate").ok());
  EXPECT_FALSE(e.DeleteFollicle(Side::kLeft, "L1", "Dr A", "").ok());
  EXPECT_TRUE(e.audit().empty());
}

TEST(VisitEditor, DeleteEditAddChangeCountsAndRecordEachStep) {
  auto v = test::MakeVisit(1, {3, 4, 5}, {5});
  const int start = v.revision;
  VisitEditor e(v, FixedClock);
  ASSERT_EQ(*e.visit().left.Afc(), 3);
  ASSERT_TRUE(e.DeleteFollicle(Side::kLeft, "L1", "Dr A", "vessel, not a follicle").ok());
  EXPECT_EQ(*e.visit().left.Afc(), 2);
  ASSERT_TRUE(e.EditFollicle(Side::kLeft, "L2", 10, 12, "Dr A", "caliper on the wall").ok());
  const VisitFollicle* edited = e.visit().left.FindFollicle("L2");
  EXPECT_EQ(edited->origin, FollicleOrigin::kEdited);
  EXPECT_DOUBLE_EQ(edited->long_mm, 12);  // long is the larger
  EXPECT_EQ(*e.visit().left.Afc(), 1);    // 11 mm leaves the AFC range
  FollicleInput added;
  added.long_mm = 4;
  added.short_mm = 3;
  auto id = e.AddFollicle(Side::kLeft, added, "Dr A", "missed by the pipeline");
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "L4");  // numbers are never reused
  EXPECT_EQ(e.visit().left.FindFollicle("L4")->origin, FollicleOrigin::kAdded);
  EXPECT_EQ(*e.visit().left.Afc(), 2);
  ASSERT_EQ(e.audit().size(), 3u);
  EXPECT_EQ(e.audit()[0].action, "delete-follicle");
  EXPECT_EQ(e.audit()[0].before["id"], "L1");
  EXPECT_TRUE(e.audit()[0].after.is_null());
  EXPECT_EQ(e.audit()[0].reason, "vessel, not a follicle");
  EXPECT_EQ(e.audit()[2].revision, start + 3);
  EXPECT_EQ(e.visit().revision, start + 3);
  EXPECT_TRUE(e.visit().reviewer_changes);
  EXPECT_FALSE(e.EditFollicle(Side::kLeft, "L1", 3, 3, "Dr A", "gone").ok());
  EXPECT_FALSE(e.EditFollicle(Side::kLeft, "L2", -1, 3, "Dr A", "negative").ok());
}

TEST(VisitEditor, ReviewerCanChooseAnotherCountingScan) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.visit_number = 0;
  in.baseline = *Date::Parse("20260105");
  for (auto [uid, frames, n] : {std::tuple{"1.1", 50, 2}, std::tuple{"1.2", 1, 4}}) {
    std::vector<test::FollicleSpec> f;
    for (int i = 0; i < n; ++i) f.push_back({4, 3, 0, 40.0 + 20 * i, 90});
    in.scans.push_back({test::MakeInfo(uid, "20260105", "L", "", frames), test::FakeIdentity(), std::string(64, 'e'),
                        {Side::kLeft, SideSource::kHeader}, test::MakeAnalysis(uid, frames, f), 0});
  }
  VisitEditor e(BuildAutomaticVisit(in), FixedClock);
  ASSERT_EQ(e.visit().left.counting_scan, "1.1");
  ASSERT_TRUE(e.SetCountingScan(Side::kLeft, "1.2", "Dr B", "sweep is blurred").ok());
  EXPECT_EQ(e.visit().left.counting_scan, "1.2");
  EXPECT_EQ(e.visit().left.basis, CountingBasis::kReviewer);
  EXPECT_TRUE(e.visit().left.afc_from_single_frame());
  EXPECT_EQ(*e.visit().left.Afc(), 4);
  EXPECT_FALSE(e.SetCountingScan(Side::kRight, "1.2", "Dr B", "wrong side").ok());
  EXPECT_FALSE(e.SetCountingScan(Side::kLeft, "9.9", "Dr B", "no such scan").ok());
}

TEST(VisitEditor, AssigningASideToAnUnknownScanRecounts) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.baseline = *Date::Parse("20260105");
  in.scans.push_back({test::MakeInfo("1.1", "20260105", "", "SWEEP", 30), test::FakeIdentity(), std::string(64, 'f'),
                      {Side::kUnknown, SideSource::kNone}, test::MakeAnalysis("1.1", 30, {{5, 4, 3, 80, 80}}), 0});
  VisitEditor e(BuildAutomaticVisit(in), FixedClock);
  EXPECT_FALSE(e.SignOff("Dr C").ok());  // unknown side blocks sign-off
  ASSERT_TRUE(e.SetScanSide("1.1", Side::kRight, "Dr C", "probe marker on the right").ok());
  EXPECT_EQ(e.visit().right.counting_scan, "1.1");
  EXPECT_EQ(e.visit().right.status, OvaryStatus::kMeasured);
  EXPECT_EQ(*e.visit().right.Afc(), 1);
  EXPECT_EQ(e.visit().FindScan("1.1")->side_source, SideSource::kReviewer);
}

TEST(VisitEditor, AScanShowingNoOvaryIsListedNotCountedAndDoesNotBlockSignOff) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.baseline = *Date::Parse("20260105");
  // The uterus image has more "follicles" (nabothian cysts, vessels) than the ovary's still.
  in.scans.push_back({test::MakeInfo("1.1", "20260105", "", "UTERUS SAG", 1), test::FakeIdentity(),
                      std::string(64, 'a'), {Side::kNotOvary, SideSource::kSeriesDescription},
                      test::MakeAnalysis("1.1", 1, {{5, 4, 0, 60, 60}, {4, 3, 0, 120, 60}, {6, 5, 0, 180, 60}}), 0});
  in.scans.push_back({test::MakeInfo("1.2", "20260105", "", "", 1), test::FakeIdentity(), std::string(64, 'b'),
                      {Side::kUnknown, SideSource::kNone}, test::MakeAnalysis("1.2", 1, {{5, 4, 0, 80, 80}}), 0});
  VisitEditor e(BuildAutomaticVisit(in), FixedClock);
  const ScanEntry* uterus = e.visit().FindScan("1.1");
  ASSERT_NE(uterus, nullptr);
  EXPECT_NE(std::find(uterus->notes.begin(), uterus->notes.end(), std::string(kNotOvaryNote)), uterus->notes.end());
  EXPECT_TRUE(e.visit().left.counting_scan.empty());
  EXPECT_TRUE(e.visit().right.counting_scan.empty());
  EXPECT_FALSE(e.SignOff("Dr D").ok());  // 1.2 still has no side
  EXPECT_FALSE(e.SetCountingScan(Side::kLeft, "1.1", "Dr D", "not on a scan of no ovary").ok());
  EXPECT_FALSE(e.SetOvaryStatus(Side::kNotOvary, OvaryStatus::kMeasured, "Dr D", "no such ovary").ok());

  // The reviewer marks the other image as showing no ovary too (a bladder view)...
  ASSERT_TRUE(e.SetScanSide("1.2", Side::kNotOvary, "Dr D", "bladder").ok());
  EXPECT_EQ(e.visit().FindScan("1.2")->side_source, SideSource::kReviewer);
  EXPECT_EQ(e.audit().back().action, "set-scan-side");
  EXPECT_EQ(e.audit().back().after["side"], "not-ovary");
  // ... then finds the uterus image does show the left ovary at its edge.
  ASSERT_TRUE(e.SetScanSide("1.1", Side::kLeft, "Dr D", "left ovary beside the uterus").ok());
  uterus = e.visit().FindScan("1.1");
  EXPECT_EQ(std::find(uterus->notes.begin(), uterus->notes.end(), std::string(kNotOvaryNote)), uterus->notes.end());
  EXPECT_EQ(e.visit().left.counting_scan, "1.1");
  EXPECT_EQ(*e.visit().left.Afc(), 3);
  EXPECT_TRUE(e.SignOff("Dr D").ok());  // no scan waits for a side now
}

TEST(VisitEditor, AnOvaryBoxIsRecordedOnItsScanWithoutTouchingFollicles) {
  VisitEditor e(test::MakeVisit(1, {3, 4}, {5}), FixedClock);
  const std::string uid = e.visit().scans.front().sop_instance_uid;  // 320 x 240
  const auto follicles_before = e.visit().left.follicles.size();
  const cv::Rect box(40, 30, 200, 150);
  ASSERT_TRUE(e.SetOvaryBox(uid, box, "Dr A", "ovary boxed in antra-view").ok());
  EXPECT_EQ(e.visit().FindScan(uid)->ovary_box_px, box);
  EXPECT_EQ(e.visit().left.follicles.size(), follicles_before);
  EXPECT_TRUE(e.visit().reviewer_changes);
  ASSERT_EQ(e.audit().size(), 1u);
  EXPECT_EQ(e.audit()[0].action, "set-ovary-box");
  EXPECT_EQ(e.audit()[0].target, "scan " + uid);
  EXPECT_TRUE(e.audit()[0].before["ovary_box_px"].is_null());
  EXPECT_EQ(e.audit()[0].after["ovary_box_px"], nlohmann::json::parse("[40, 30, 200, 150]"));
  // The same box again is no edit; removing it is one.
  ASSERT_TRUE(e.SetOvaryBox(uid, box, "Dr A", "again").ok());
  EXPECT_EQ(e.audit().size(), 1u);
  ASSERT_TRUE(e.SetOvaryBox(uid, std::nullopt, "Dr A", "box removed").ok());
  EXPECT_FALSE(e.visit().FindScan(uid)->ovary_box_px);
  EXPECT_EQ(e.audit().size(), 2u);
  // Refused: outside the image, empty, an unknown scan, no reason.
  EXPECT_FALSE(e.SetOvaryBox(uid, cv::Rect(200, 30, 121, 50), "Dr A", "too wide").ok());
  EXPECT_FALSE(e.SetOvaryBox(uid, cv::Rect(-1, 0, 10, 10), "Dr A", "negative").ok());
  EXPECT_FALSE(e.SetOvaryBox(uid, cv::Rect(10, 10, 0, 10), "Dr A", "empty").ok());
  EXPECT_FALSE(e.SetOvaryBox("9.9", box, "Dr A", "no such scan").ok());
  EXPECT_FALSE(e.SetOvaryBox(uid, box, "Dr A", "").ok());
  EXPECT_EQ(e.audit().size(), 2u);
}

TEST(VisitEditor, StatusDiametersSignOffAndReopen) {
  VisitEditor e(test::MakeVisit(1, {3}, {}), FixedClock);
  ASSERT_TRUE(e.SetOvaryStatus(Side::kRight, OvaryStatus::kNotVisualised, "Dr D", "ovary not found, POI").ok());
  EXPECT_FALSE(e.visit().right.Afc());
  ASSERT_TRUE(e.SetOvaryDiameters(Side::kLeft, 25, 18, 12, "Dr D", "measured in two planes").ok());
  EXPECT_NEAR(*e.visit().left.VolumeMl(), 0.523 * 25 * 18 * 12 / 1000, 1e-12);
  ASSERT_TRUE(e.SignOff("Dr D").ok());
  EXPECT_TRUE(e.visit().signed_off());
  EXPECT_EQ(e.visit().review.signed_at, FixedClock());
  EXPECT_FALSE(e.DeleteFollicle(Side::kLeft, "L1", "Dr D", "late change").ok());
  EXPECT_FALSE(e.Reopen("Dr D", "").ok());
  ASSERT_TRUE(e.Reopen("Dr D", "wrong ovary").ok());
  EXPECT_TRUE(e.DeleteFollicle(Side::kLeft, "L1", "Dr D", "late change").ok());
  EXPECT_EQ(e.audit().back().action, "delete-follicle");
}

}  // namespace
}  // namespace antra
