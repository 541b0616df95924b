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

// ---- The scan analysed again with the reviewer's ovary box ------------------

TEST(VisitEditor, SameFollicleIsTheSamePlaceWithinTwoFrames) {
  VisitFollicle known;
  known.frame = 10;
  known.center_px = {100, 100};
  known.long_axis = {{80, 100}, {120, 100}};  // 20 px half length
  CandidateFollicle found;
  found.follicle.long_axis = {{0, 0}, {10, 0}};
  found.seen = {{12, {115, 100}}};
  EXPECT_TRUE(SameFollicle(found, known));   // two frames, 15 px off
  found.seen = {{13, {100, 100}}};
  EXPECT_FALSE(SameFollicle(found, known));  // three frames off: another section of the sweep
  found.seen = {{13, {100, 100}}, {9, {125, 100}}};
  EXPECT_FALSE(SameFollicle(found, known));  // seen on frame 9, but 25 px away
  found.follicle.long_axis = {{0, 0}, {60, 0}};
  EXPECT_TRUE(SameFollicle(found, known));   // unless the new outline reaches that far
  VisitFollicle typed_in = known;
  typed_in.long_axis = {};
  EXPECT_FALSE(SameFollicle(found, typed_in));  // no place on the image
}

TEST(VisitEditor, TheBoxAnalysisAddsOnlyFolliclesTheOvaryDoesNotHoldOrWereDeleted) {
  // Left ovary: a 40-frame sweep with L1 (3 mm, frame 0 at 60,80), L2 (4 mm,
  // frame 7 at 80,89) and L3 (5 mm, frame 14 at 100,98).
  VisitEditor e(test::MakeVisit(1, {3, 4, 5}, {5}), FixedClock);
  const std::string uid = e.visit().left.counting_scan;
  ASSERT_EQ(e.visit().left.follicles.size(), 3u);
  ASSERT_TRUE(e.DeleteFollicle(Side::kLeft, "L1", "Dr A", "speckle").ok());
  const cv::Rect box(30, 40, 260, 180);
  ASSERT_TRUE(e.SetOvaryBox(uid, box, "Dr A", "ovary boxed").ok());
  // The analysis with the box finds L1 again (deleted: not offered twice), L2
  // a frame later and a little to the side (known), and two new follicles.
  const ImageAnalysis again = test::MakeAnalysis(uid, 40,
                                                 {{3.3, 2.7, 0, 61, 80},
                                                  {4.6, 3.6, 8, 84, 90},
                                                  {7.4, 6.6, 20, 200, 150},
                                                  {12.0, 11.0, 30, 150, 120}});
  const auto declined = DeletedFollicles(e.audit());
  ASSERT_EQ(declined.size(), 1u);
  EXPECT_EQ(declined[0].id, "L1");
  // The same visit as saved and opened again: the deletion is then in the trail on disk.
  VisitEditor reopened(e.visit(), FixedClock);
  auto added = e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "Dr A", "analysis with the ovary box");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, (std::vector<std::string>{"L4", "L5"}));  // numbers are never reused
  const OvaryResult& left = e.visit().left;
  ASSERT_EQ(left.follicles.size(), 4u);  // L2, L3 and the two new
  const VisitFollicle* l4 = left.FindFollicle("L4");
  ASSERT_NE(l4, nullptr);
  EXPECT_EQ(l4->origin, FollicleOrigin::kAutomatic);
  EXPECT_EQ(l4->frame, 20);
  EXPECT_DOUBLE_EQ(l4->mean_mm(), 7.0);
  EXPECT_EQ(*left.Afc(), 3);  // 4, 5 and 7 mm; 11.5 mm is over 10
  // The scan's candidates are the new analysis' now, and say where they came from.
  const ScanEntry* scan = e.visit().FindScan(uid);
  EXPECT_EQ(scan->follicles.size(), 4u);
  EXPECT_NE(std::find(scan->notes.begin(), scan->notes.end(),
                      "candidates from the analysis with the reviewer's ovary box"),
            scan->notes.end());
  const AuditEntry& entry = e.audit().back();
  EXPECT_EQ(entry.action, "ovary-box-analysis");
  EXPECT_EQ(entry.target, "scan " + uid);
  EXPECT_EQ(entry.before["candidates"], 3);
  EXPECT_EQ(entry.after["candidates"], 4);
  ASSERT_EQ(entry.after["added"].size(), 2u);
  EXPECT_EQ(entry.after["added"][0]["id"], "L4");
  EXPECT_EQ(entry.after["software_version"], "test-pipeline");
  EXPECT_EQ(entry.after["ovary_box_px"], nlohmann::json::parse("[30, 40, 260, 180]"));
  // The same analysis again adds nothing: everything it finds is known now.
  auto twice = e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "Dr A", "again");
  ASSERT_TRUE(twice.ok());
  EXPECT_TRUE(twice->empty());
  EXPECT_EQ(e.visit().left.follicles.size(), 4u);
  auto after_reopening = reopened.ApplyOvaryBoxAnalysis(uid, box, again, e.audit(), "Dr A", "box");
  ASSERT_TRUE(after_reopening.ok()) << after_reopening.error().message;
  EXPECT_EQ(*after_reopening, (std::vector<std::string>{"L4", "L5"}));
}

TEST(VisitEditor, TheBoxAnalysisIsRefusedWhenItNoLongerFitsTheScan) {
  VisitEditor e(test::MakeVisit(1, {3, 4}, {5}), FixedClock);
  const std::string uid = e.visit().left.counting_scan;
  const cv::Rect box(30, 40, 260, 180);
  const ImageAnalysis again = test::MakeAnalysis(uid, 40, {{7.4, 6.6, 20, 200, 150}});
  // No box yet, or another box now: the reader changed it while this ran.
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "Dr A", "box").ok());
  ASSERT_TRUE(e.SetOvaryBox(uid, cv::Rect(0, 0, 100, 100), "Dr A", "ovary boxed").ok());
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "Dr A", "box").ok());
  ASSERT_TRUE(e.SetOvaryBox(uid, box, "Dr A", "ovary boxed again").ok());
  // Another image, or an image of another size.
  ImageAnalysis other = again;
  other.sop_instance_uid = "9.9.9";
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, other, {}, "Dr A", "box").ok());
  other = again;
  other.width = 640;
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, other, {}, "Dr A", "box").ok());
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "", "box").ok());
  const auto entries = e.audit().size();
  const auto follicles = e.visit().left.follicles.size();
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis("9.9", box, again, {}, "Dr A", "box").ok());
  EXPECT_EQ(e.audit().size(), entries);
  EXPECT_EQ(e.visit().left.follicles.size(), follicles);
  ASSERT_TRUE(e.SignOff("Dr A").ok());
  EXPECT_FALSE(e.ApplyOvaryBoxAnalysis(uid, box, again, {}, "Dr A", "box").ok());  // signed off
}

TEST(VisitEditor, TheBoxAnalysisOfAScanNotCountedOnlyReplacesItsCandidates) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.baseline = *Date::Parse("20260105");
  for (auto [uid, frames] : {std::pair{"1.1", 40}, std::pair{"1.2", 1}}) {
    in.scans.push_back({test::MakeInfo(uid, "20260105", "L", "LT OV", frames), test::FakeIdentity(),
                        std::string(64, 'a'), {Side::kLeft, SideSource::kHeader},
                        test::MakeAnalysis(uid, frames, {{5, 4, 0, 100, 100}, {9, 8, 0, 40, 200}}), 0});
  }
  VisitEditor e(BuildAutomaticVisit(in), FixedClock);
  ASSERT_EQ(e.visit().left.counting_scan, "1.1");  // the sweep
  const auto ovary_before = e.visit().left.follicles.size();
  const cv::Rect box(60, 60, 120, 120);
  ASSERT_TRUE(e.SetOvaryBox("1.2", box, "Dr A", "ovary boxed").ok());
  auto added = e.ApplyOvaryBoxAnalysis("1.2", box, test::MakeAnalysis("1.2", 1, {{5, 4, 0, 100, 100}}), {}, "Dr A",
                                       "analysis with the ovary box");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_TRUE(added->empty());
  EXPECT_EQ(e.visit().FindScan("1.2")->follicles.size(), 1u);
  EXPECT_EQ(e.visit().left.follicles.size(), ovary_before);
  EXPECT_EQ(e.audit().back().after["added"].size(), 0u);
}

TEST(VisitEditor, TheBoxAnalysisMakesAnAutomaticNotVisualisedOvaryMeasured) {
  VisitBuildInput in;
  in.subject_id = "S001";
  in.baseline = *Date::Parse("20260105");
  in.scans.push_back({test::MakeInfo("1.1", "20260105", "L", "LT OV", 1), test::FakeIdentity(), std::string(64, 'a'),
                      {Side::kLeft, SideSource::kHeader}, test::MakeAnalysis("1.1", 1, {}, /*ovary_found=*/false), 0});
  VisitEditor e(BuildAutomaticVisit(in), FixedClock);
  ASSERT_EQ(e.visit().left.status, OvaryStatus::kNotVisualised);
  const cv::Rect box(60, 60, 120, 120);
  ASSERT_TRUE(e.SetOvaryBox("1.1", box, "Dr A", "ovary boxed").ok());
  auto added = e.ApplyOvaryBoxAnalysis("1.1", box, test::MakeAnalysis("1.1", 1, {{5, 4, 0, 100, 100}}), {}, "Dr A",
                                       "analysis with the ovary box");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(e.visit().left.status, OvaryStatus::kMeasured);
  EXPECT_EQ(*e.visit().left.Afc(), 1);
  EXPECT_EQ(e.audit().back().after["ovary_status"], "measured");
  // A status the reviewer set stays.
  VisitEditor by_reviewer(BuildAutomaticVisit(in), FixedClock);
  ASSERT_TRUE(by_reviewer.SetOvaryStatus(Side::kLeft, OvaryStatus::kNotVisualised, "Dr A", "not seen").ok());
  ASSERT_TRUE(by_reviewer.SetOvaryBox("1.1", box, "Dr A", "ovary boxed").ok());
  ASSERT_TRUE(by_reviewer.ApplyOvaryBoxAnalysis("1.1", box, test::MakeAnalysis("1.1", 1, {{5, 4, 0, 100, 100}}), {},
                                                "Dr A", "box").ok());
  EXPECT_EQ(by_reviewer.visit().left.status, OvaryStatus::kNotVisualised);
  EXPECT_TRUE(by_reviewer.audit().back().after["ovary_status"].is_null());
}

}  // namespace
}  // namespace antra
