#include <gtest/gtest.h>

#include <fstream>

#include "support/test_support.h"
#include "viewer/viewer_fixtures.h"
#include "viewer/visit_workspace.h"

namespace antra::viewer {
namespace {

constexpr const char* kLeft0 = "1.2.826.0.1.3680043.9.7433.9.101";

class VisitReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    study_ = test::WriteFixtureStudy(dir_.path());
    auto session = VisitSession::Open(study_.results, {"S001", 0}, [] { return std::string("2026-11-24T10:00:00Z"); });
    ASSERT_TRUE(session) << session.error().message;
    session_ = std::move(session).value();
    session_->reviewer = "Dr Test";
    calibration_ = test::FixtureAnalysis(test::ThreeFollicles()).calibration;
    scan_ = std::make_unique<VisitScanReview>(*session_, kLeft0, calibration_);
  }

  std::vector<std::string> AuditLines() {
    std::ifstream in(study_.results / "S001" / "visit-00" / "audit.jsonl");
    std::vector<std::string> actions;
    for (std::string line; std::getline(in, line);) actions.push_back(nlohmann::json::parse(line)["action"]);
    return actions;
  }

  test::TempDir dir_{"viewer-visit"};
  test::FixtureStudy study_;
  std::unique_ptr<VisitSession> session_;
  Calibration calibration_;
  std::unique_ptr<VisitScanReview> scan_;
};

TEST_F(VisitReviewTest, ShowsTheOvarysFolliclesOnItsCountingScan) {
  EXPECT_TRUE(scan_->is_counting_scan());
  EXPECT_EQ(scan_->side(), Side::kLeft);
  const ReviewState& state = scan_->state();
  EXPECT_EQ(state.image_side, "L");
  ASSERT_EQ(state.follicles.size(), 3u);
  for (const auto& f : state.follicles) {
    EXPECT_EQ(scan_->VisitFollicleId(f.id), "L" + std::to_string(f.id));
    EXPECT_EQ(f.decision, Decision::kPending);
  }
  EXPECT_EQ(session_->visit().left.Afc(), 2);
  EXPECT_FALSE(scan_->per_follicle_sides());
}

TEST_F(VisitReviewTest, GesturesBecomeAuditedVisitEditsThatUndo) {
  const ReviewState before = scan_->state();
  const int first = before.follicles[0].id;
  // Reject -> deleted from the visit.
  ASSERT_TRUE(scan_->Commit("reject", WithDecision(before, first, Decision::kRejected))) << scan_->last_error();
  EXPECT_EQ(session_->visit().left.follicles.size(), 2u);
  EXPECT_EQ(session_->unsaved_audit().back().action, "delete-follicle");
  EXPECT_EQ(session_->unsaved_audit().back().who, "Dr Test");
  // Two calipers -> a follicle added on the counting scan, in millimetres.
  const ReviewState now = scan_->state();
  ASSERT_TRUE(scan_->Commit("add", WithFollicleAdded(now, 0, {{480, 400}, {520, 400}}, {{500, 385}, {500, 415}},
                                                     calibration_)));
  ASSERT_EQ(session_->visit().left.follicles.size(), 3u);
  EXPECT_NEAR(session_->visit().left.follicles.back().mean_mm(), 7.0, 1e-9);
  EXPECT_EQ(session_->visit().left.follicles.back().origin, FollicleOrigin::kAdded);
  // A moved caliper end -> edited with its new calipers.
  const ReviewState third = scan_->state();
  const int second = third.follicles[0].id;
  const auto handle = HandleRef{HandleRef::Kind::kFollicle, second, 1};
  ASSERT_TRUE(scan_->Commit("move", WithHandleMoved(third, handle, HandlePosition(third, handle) + cv::Point2d(10, 0),
                                                    calibration_)));
  const VisitFollicle* edited = session_->visit().left.FindFollicle(scan_->VisitFollicleId(second));
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->origin, FollicleOrigin::kEdited);
  // Undo walks the three edits back, the audit with them.
  EXPECT_TRUE(session_->Undo());
  EXPECT_TRUE(session_->Undo());
  EXPECT_TRUE(session_->Undo());
  EXPECT_EQ(session_->visit().left.follicles.size(), 3u);
  EXPECT_TRUE(session_->unsaved_audit().empty());
  EXPECT_TRUE(session_->Redo());
  EXPECT_EQ(session_->visit().left.follicles.size(), 2u);
}

TEST_F(VisitReviewTest, SaveAndSignOffWriteTheVisitFolder) {
  const ReviewState before = scan_->state();
  ASSERT_TRUE(scan_->Commit("delete", WithFollicleDeleted(before, before.follicles[2].id)));
  ASSERT_TRUE(session_->Save());
  EXPECT_FALSE(session_->dirty());
  EXPECT_FALSE(session_->CanUndo());  // saved edits leave the history
  ASSERT_TRUE(session_->SignOff());
  auto reloaded = VisitSession::Open(study_.results, {"S001", 0});
  ASSERT_TRUE(reloaded);
  const VisitResult& visit = (*reloaded)->visit();
  EXPECT_TRUE(visit.signed_off());
  EXPECT_EQ(visit.review.reviewer, "Dr Test");
  EXPECT_EQ(visit.left.follicles.size(), 2u);
  const auto actions = AuditLines();
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(actions[actions.size() - 2], "delete-follicle");
  EXPECT_EQ(actions.back(), "sign-off");
}

TEST_F(VisitReviewTest, ASignedOffVisitAsksForAReasonBeforeChanging) {
  ASSERT_TRUE(session_->SignOff());
  const ReviewState state = scan_->state();
  EXPECT_EQ(state.follicles[0].decision, Decision::kAccepted);  // signed off: all accepted
  EXPECT_FALSE(scan_->Commit("delete", WithFollicleDeleted(state, state.follicles[0].id)));
  EXPECT_TRUE(scan_->has_pending_edit());
  EXPECT_EQ(session_->MissingForEdit(), VisitSession::Missing::kReopenReason);
  EXPECT_EQ(session_->visit().left.follicles.size(), 3u);
  session_->reopen_reason = "caliper on the wall";
  ASSERT_TRUE(scan_->RetryPendingEdit()) << scan_->last_error();
  EXPECT_FALSE(scan_->has_pending_edit());
  EXPECT_FALSE(session_->visit().signed_off());
  const auto& audit = session_->unsaved_audit();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "reopen");
  EXPECT_EQ(audit[0].reason, "caliper on the wall");
  EXPECT_EQ(audit[1].action, "delete-follicle");
  EXPECT_EQ(audit[1].reason, "caliper on the wall");
}

TEST_F(VisitReviewTest, EditsNeedAReviewerName) {
  session_->reviewer.clear();
  const ReviewState state = scan_->state();
  EXPECT_FALSE(scan_->Commit("delete", WithFollicleDeleted(state, state.follicles[0].id)));
  EXPECT_TRUE(scan_->has_pending_edit());
  // The reader's own calipers are not visit edits: no name needed.
  scan_->DropPendingEdit();
  EXPECT_TRUE(scan_->Commit("caliper", WithCaliperAdded(scan_->state(), 0, {{1, 1}, {50, 1}})));
  EXPECT_EQ(scan_->state().calipers.size(), 1u);
  EXPECT_GE(scan_->state().calipers[0].id, 10000);
  EXPECT_FALSE(session_->dirty());
}

// A box drawn before the reviewer's name was given waits with its analysis;
// once named, box, rejection and the follicle the analysis found are one edit.
TEST_F(VisitReviewTest, AnOvaryBoxWaitsWithItsAnalysisForTheReviewersName) {
  session_->reviewer.clear();
  // ThreeFollicles: 7 mm at (160, 200), 4 mm at (330, 260), 12 mm at (480, 160).
  const cv::Rect box(110, 150, 280, 160);
  int rejected = 0;
  ReviewState next = WithPendingOutsideRejected(scan_->state(), box, &rejected);
  ASSERT_EQ(rejected, 1);
  // The analysis with the box finds the two inside and one more (a 5 mm at 250, 180).
  test::FixtureImage seen = test::ThreeFollicles();
  seen.sop_instance_uid = kLeft0;
  seen.follicles.pop_back();
  seen.follicles.push_back({{250, 180}, 12, 13});
  ImageAnalysis analysis = test::FixtureAnalysis(seen);
  EXPECT_FALSE(scan_->CommitOvaryBox("ovary box", next, analysis));
  EXPECT_TRUE(scan_->has_pending_edit());
  EXPECT_EQ(session_->visit().left.follicles.size(), 3u);
  session_->reviewer = "Dr Test";
  ASSERT_TRUE(scan_->RetryPendingEdit()) << scan_->last_error();
  EXPECT_EQ(scan_->box_follicles_added(), 1);
  const auto& left = session_->visit().left;
  ASSERT_EQ(left.follicles.size(), 3u);  // 7 and 4 mm kept, 12 mm deleted, 5 mm added
  EXPECT_NE(left.FindFollicle("L4"), nullptr);
  const auto& audit = session_->unsaved_audit();
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0].action, "set-ovary-box");
  EXPECT_EQ(audit[1].action, "delete-follicle");
  EXPECT_EQ(audit[2].action, "ovary-box-analysis");
  // One undo step takes all three back.
  ASSERT_TRUE(scan_->Undo());
  EXPECT_EQ(session_->visit().left.follicles.size(), 3u);
  EXPECT_EQ(session_->visit().left.FindFollicle("L4"), nullptr);
  EXPECT_FALSE(session_->dirty());
  // An analysis of another image is refused, and nothing changes.
  analysis.sop_instance_uid = "1.2.3";
  EXPECT_FALSE(scan_->CommitOvaryBox("ovary box", next, analysis));
  EXPECT_FALSE(scan_->last_error().empty());
  EXPECT_FALSE(session_->dirty());
}

TEST_F(VisitReviewTest, ScanSideAndOtherScansOfTheVisit) {
  // The right ovary's scan shown: not the left counting scan, its own side.
  VisitScanReview right(*session_, "1.2.826.0.1.3680043.9.7433.9.102", calibration_);
  EXPECT_EQ(right.side(), Side::kRight);
  EXPECT_TRUE(right.is_counting_scan());
  ASSERT_TRUE(right.Commit("not visualised?", WithImageSide(right.state(), "L")));
  EXPECT_EQ(right.side(), Side::kLeft);
  EXPECT_FALSE(right.is_counting_scan());  // the left ovary counts on its own scan
  EXPECT_EQ(session_->unsaved_audit().back().action, "set-scan-side");
  // Its candidates are shown, but are not the visit's to edit.
  const ReviewState candidates = right.state();
  ASSERT_EQ(candidates.follicles.size(), 1u);
  EXPECT_FALSE(right.Commit("delete", WithFollicleDeleted(candidates, candidates.follicles[0].id)));
  EXPECT_NE(right.last_error().find("not the counting scan"), std::string::npos);
}

TEST_F(VisitReviewTest, WorklistPutsUnreviewedVisitsFirst) {
  ASSERT_TRUE(session_->SignOff());
  auto list = LoadWorklist(study_.results);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].summary.visit, 1);  // visit 0 is signed off
  EXPECT_TRUE((*list)[1].summary.signed_off);
  VisitWorkspace workspace(study_.results);
  ASSERT_TRUE(workspace.RefreshWorklist());
  ASSERT_TRUE(workspace.OpenVisit({"S001", 1}));
  EXPECT_EQ(workspace.ScanToShow(Side::kRight), study_.files[3]);
  EXPECT_EQ(workspace.HistoryOfOpenSubject().size(), 2u);
  EXPECT_EQ(workspace.Neighbour(+1)->visit_number, 0);
}

// Saving draws the key images again; with the left scan's file gone the left
// one is removed (it would show the automatic follicles) and the save says why.
TEST(VisitReviewKeyImages, SavingRedrawsThemAndSaysWhenAScanIsGone) {
  test::TempDir dir("viewer-visit-keys");
  const test::FixtureStudy study = test::WriteFixtureStudy(dir.path(), /*key_images=*/true);
  const auto visit_dir = study.results / "S001" / "visit-00";
  const std::string left_key = test::ReadBytes(visit_dir / "key-left.png");
  const std::string right_key = test::ReadBytes(visit_dir / "key-right.png");
  ASSERT_FALSE(left_key.empty());
  ASSERT_FALSE(right_key.empty());
  auto session = VisitSession::Open(study.results, {"S001", 0});
  ASSERT_TRUE(session) << session.error().message;
  (*session)->reviewer = "Dr Test";
  const auto delete_first = [](VisitEditor& editor, const std::string& who, const std::string& reason) {
    return editor.DeleteFollicle(Side::kRight, editor.visit().right.follicles.front().id, who, reason);
  };
  ASSERT_TRUE((*session)->Apply("delete", delete_first).ok());
  std::filesystem::rename(study.files[0], study.files[0].string() + ".moved");  // the left scan
  ASSERT_TRUE((*session)->Save().ok());
  EXPECT_EQ((*session)->key_image_notes(), std::vector<std::string>{"left key image: counting scan could not be reopened"});
  EXPECT_FALSE(std::filesystem::exists(visit_dir / "key-left.png"));
  const std::string right_after = test::ReadBytes(visit_dir / "key-right.png");
  EXPECT_FALSE(right_after.empty());
  EXPECT_NE(right_after, right_key);  // its one follicle was deleted
}

}  // namespace
}  // namespace antra::viewer
