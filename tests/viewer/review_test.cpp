#include <gtest/gtest.h>

#include "viewer/review_session.h"
#include "viewer/review_state.h"
#include "viewer/viewer_fixtures.h"

namespace antra::viewer {
namespace {

Calibration TwoPanes() {
  // Left pane 0.2 mm/px, right pane 0.1 mm/px, like a dual-view screen.
  test::FixtureImage image;
  image.two_panes_mm_per_px = {{0.2, 0.1}};
  return test::FixtureAnalysis(image).calibration;
}

Calibration Uniform(double mm) {
  test::FixtureImage image;
  image.mm_per_px = mm;
  return test::FixtureAnalysis(image).calibration;
}

TEST(Review, SingleFrameAnalysisGivesEveryFollicle) {
  const auto fixture = test::ThreeFollicles();
  const ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(fixture), "L");
  ASSERT_EQ(state.follicles.size(), 3u);
  EXPECT_EQ(state.image_side, "L");
  EXPECT_EQ(state.next_id, 4);
  EXPECT_EQ(state.follicles[0].decision, Decision::kPending);
  EXPECT_NEAR(*state.follicles[0].measurement.mean_mm, 7.0, 1e-9);
  const ReviewCounts counts = CountReview(state);
  EXPECT_EQ(counts.left.from_2_to_6, 1);
  EXPECT_EQ(counts.left.from_6_to_10, 1);
  EXPECT_EQ(counts.left.over_10, 1);
  EXPECT_EQ(counts.total().afc(), 2);
  EXPECT_EQ(counts.pending, 3);
}

TEST(Review, CineIsCountedOnceAtTheLargestFrame) {
  auto fixture = test::ThreeFollicles();
  fixture.frames = 10;
  fixture.follicles[0].peak_frame = 7;
  const auto analysis = test::FixtureAnalysis(fixture);
  const ReviewState state = ReviewFromAnalysis(analysis, "");
  ASSERT_EQ(state.follicles.size(), 3u);  // not 30
  EXPECT_EQ(state.follicles[0].frame, 7);
  EXPECT_NEAR(*state.follicles[0].measurement.mean_mm, 7.0, 1e-9);  // full size at its peak
  EXPECT_EQ(CountReview(state).unassigned.afc(), 2);
}

TEST(Review, RemeasureUsesTheRegionOfTheCaliper) {
  const Calibration c = TwoPanes();
  FollicleMeasurement m;
  m.long_axis = {{100, 100}, {150, 100}};   // left pane: 50 px x 0.2 = 10 mm
  m.short_axis = {{125, 80}, {125, 120}};   // 40 px x 0.2 = 8 mm
  m.area_px = 100;
  m.center_px = {125, 100};
  Remeasure(m, c);
  EXPECT_NEAR(*m.long_mm, 10.0, 1e-9);
  EXPECT_NEAR(*m.mean_mm, 9.0, 1e-9);
  m.long_axis = {{400, 100}, {450, 100}};   // right pane: 50 px x 0.1 = 5 mm
  Remeasure(m, c);
  EXPECT_NEAR(*m.long_mm, 5.0, 1e-9);
  m.long_axis = {{300, 100}, {350, 100}};   // across both panes: no millimetres
  Remeasure(m, c);
  EXPECT_FALSE(m.long_mm);
  EXPECT_FALSE(m.mean_mm);
}

TEST(Review, AddedFollicleTakesTheLongerCaliperAsLength) {
  const Calibration c = Uniform(0.2);
  const Caliper width{{100, 90}, {100, 110}};   // 20 px
  const Caliper length{{85, 100}, {115, 100}};  // 30 px
  const auto m = MeasurementFromCalipers(width, length, c);
  EXPECT_NEAR(m.long_axis.LengthPx(), 30, 1e-9);
  EXPECT_NEAR(*m.long_mm, 6.0, 1e-9);
  EXPECT_NEAR(*m.short_mm, 4.0, 1e-9);
  EXPECT_NEAR(*m.mean_mm, 5.0, 1e-9);
  EXPECT_EQ(m.origin, FollicleOrigin::kAdded);
  EXPECT_GE(m.contour_px.size(), 16u);
  EXPECT_EQ(m.center_px, cv::Point2d(100, 100));
}

TEST(Review, UncalibratedFolliclesAreNotBinned) {
  ReviewState state;
  state = WithFollicleAdded(state, 0, {{0, 0}, {30, 0}}, {{15, -10}, {15, 10}}, Calibration::Uncalibrated("none"));
  const auto counts = CountReview(state);
  EXPECT_EQ(counts.without_mm, 1);
  EXPECT_EQ(counts.total().afc(), 0);
}

TEST(Review, DecisionsSidesAndDeletion) {
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), "");
  state = WithDecision(state, 1, Decision::kRejected);
  state = WithFollicleSide(state, 2, "R");
  state = WithImageSide(state, "L");
  auto counts = CountReview(state);
  EXPECT_EQ(counts.rejected, 1);
  EXPECT_EQ(counts.right.from_2_to_6, 1);  // follicle 2 (4 mm) overridden to the right
  EXPECT_EQ(counts.left.over_10, 1);       // follicle 3 follows the image
  EXPECT_EQ(counts.total().afc(), 1);      // the 7 mm one was rejected
  state = WithFollicleDeleted(state, 3);
  EXPECT_EQ(state.follicles.size(), 2u);
  EXPECT_FALSE(state.FindFollicle(3));
}

TEST(Review, DraggingACaliperEndEditsAndAccepts) {
  const Calibration c = Uniform(0.2);
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), "");
  // Follicle 1: long axis (140,200)-(180,200). Grab its right end.
  const auto handle = HitTestHandle(state, 0, {179, 201}, 3);
  ASSERT_TRUE(handle);
  EXPECT_EQ(*handle, (HandleRef{HandleRef::Kind::kFollicle, 1, 1}));
  const ReviewState moved = WithHandleMoved(state, *handle, {190, 200}, c);
  const auto& m = moved.FindFollicle(1)->measurement;
  EXPECT_NEAR(*m.long_mm, 10.0, 1e-9);  // 50 px
  EXPECT_NEAR(*m.mean_mm, 8.0, 1e-9);
  EXPECT_EQ(m.origin, FollicleOrigin::kEdited);
  EXPECT_EQ(moved.FindFollicle(1)->decision, Decision::kAccepted);
  EXPECT_FALSE(HitTestHandle(state, 0, {300, 300}, 3));
  EXPECT_FALSE(HitTestHandle(state, 1, {179, 201}, 3));  // another frame
}

TEST(Review, HitTestPicksTheSmallestFollicleUnderThePoint) {
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), "");
  EXPECT_EQ(HitTestFollicle(state, 0, {160, 200}), 1);
  EXPECT_EQ(HitTestFollicle(state, 0, {330, 262}), 2);
  EXPECT_FALSE(HitTestFollicle(state, 0, {10, 10}));
}

TEST(ReviewSession, UndoRedoAndAudit) {
  int tick = 0;
  ReviewSession session(ReviewState{}, Uniform(0.2), [&] { return "t" + std::to_string(tick++); });
  session.Commit("add caliper", WithCaliperAdded(session.state(), 0, {{0, 0}, {10, 0}}));
  session.Commit("nothing", session.state());  // no change: not recorded
  EXPECT_EQ(session.state().calipers.size(), 1u);
  EXPECT_TRUE(session.dirty());
  EXPECT_EQ(session.UndoDescription(), "add caliper");
  EXPECT_TRUE(session.Undo());
  EXPECT_TRUE(session.state().calipers.empty());
  EXPECT_FALSE(session.Undo());
  EXPECT_TRUE(session.Redo());
  EXPECT_EQ(session.state().calipers.size(), 1u);
  ASSERT_EQ(session.edits().size(), 3u);
  EXPECT_EQ(session.edits()[0].action, "edit");
  EXPECT_EQ(session.edits()[1].action, "undo");
  EXPECT_EQ(session.edits()[2].action, "redo");
  EXPECT_EQ(session.edits()[2].time_utc, "t2");
  // A new edit after an undo drops the redo branch.
  session.Undo();
  session.Commit("other", WithImageSide(session.state(), "R"));
  EXPECT_FALSE(session.CanRedo());
}

TEST(ReviewSession, AnalysisJoinsWithoutClobberingTheReadersWork) {
  ReviewSession session(ReviewState{}, Uniform(0.2));
  session.Commit("add caliper", WithCaliperAdded(session.state(), 0, {{0, 0}, {10, 0}}));
  session.MergeAnalysis(ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), "R"), "3 follicles");
  const auto& state = session.state();
  ASSERT_EQ(state.calipers.size(), 1u);
  ASSERT_EQ(state.follicles.size(), 3u);
  EXPECT_EQ(state.follicles[0].id, 2);  // after the caliper's id 1
  EXPECT_EQ(state.next_id, 5);
  EXPECT_EQ(state.image_side, "R");
  EXPECT_FALSE(session.CanUndo());
  EXPECT_EQ(session.edits().back().action, "analysis");
}

// The reader drew a box around the ovary and the image was analysed again:
// undecided automatic follicles are replaced, the reader's work stays, and a
// detection already reviewed is not offered twice.
TEST(ReviewSession, AnalysisWithTheOvaryGivenReplacesOnlyUndecidedFollicles) {
  ReviewSession session(ReviewState{}, Uniform(0.2));
  session.MergeAnalysis(ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), ""), "3 follicles");
  const int accepted = session.state().follicles[0].id;  // at (160, 200)
  session.Commit("accept", WithDecision(session.state(), accepted, Decision::kAccepted));
  int added = 0;
  session.Commit("add follicle", WithFollicleAdded(session.state(), 0, {{50, 50}, {70, 50}}, {{60, 45}, {60, 55}},
                                                   session.calibration(), &added));
  session.Commit("add caliper", WithCaliperAdded(session.state(), 0, {{0, 0}, {10, 0}}));
  session.MarkSaved();
  // The new analysis finds the accepted one again and one new follicle; the
  // two others (still pending) are gone.
  test::FixtureImage again = test::ThreeFollicles();
  again.follicles = {{{161, 201}, 20, 15}, {{400, 400}, 12, 12}};
  ReviewState boxed = ReviewFromAnalysis(test::FixtureAnalysis(again), "");
  boxed.ovary_box_px = cv::Rect(100, 100, 400, 350);
  EXPECT_FALSE(session.state().ovary_box_px);
  session.ReplaceAnalysis(boxed, "ovary given: 2 follicles");
  const auto& state = session.state();
  EXPECT_EQ(state.ovary_box_px, cv::Rect(100, 100, 400, 350));  // the review remembers the box
  ASSERT_EQ(state.follicles.size(), 3u);
  EXPECT_EQ(state.follicles[0].id, accepted);
  EXPECT_EQ(state.follicles[0].decision, Decision::kAccepted);
  EXPECT_EQ(state.follicles[1].id, added);
  EXPECT_NEAR(state.follicles[2].measurement.center_px.x, 400, 1);
  EXPECT_EQ(state.follicles[2].decision, Decision::kPending);
  EXPECT_GT(state.follicles[2].id, added);  // ids stay unique
  EXPECT_EQ(state.calipers.size(), 1u);
  EXPECT_TRUE(session.dirty());
  EXPECT_EQ(session.edits().back().action, "analysis");
  EXPECT_EQ(session.edits().back().description, "ovary given: 2 follicles");
  // Later edits keep it.
  session.Commit("reject", WithDecision(session.state(), state.follicles[2].id, Decision::kRejected));
  EXPECT_EQ(session.state().ovary_box_px, cv::Rect(100, 100, 400, 350));
}

TEST(EllipseFromCalipers, FollowsTheLongAxisAngle) {
  const auto points = EllipseFromCalipers({{0, 0}, {40, 40}}, {{25, 15}, {15, 25}});
  double far = 0;
  for (const auto& p : points) far = std::max(far, std::hypot(p.x - 20.0, p.y - 20.0));
  EXPECT_NEAR(far, std::hypot(20, 20), 1.0);
}

// The box around the ovary rejects only what is still pending outside it.
TEST(ReviewState, PendingFolliclesOutsideTheOvaryBoxAreRejected) {
  ReviewState state = ReviewFromAnalysis(test::FixtureAnalysis(test::ThreeFollicles()), "");
  ASSERT_EQ(state.follicles.size(), 3u);
  const cv::Point2d first = state.follicles[0].measurement.center_px;
  const cv::Rect box(int(first.x) - 20, int(first.y) - 20, 40, 40);
  state = WithDecision(state, state.follicles[2].id, Decision::kAccepted);  // outside, but accepted
  int rejected = -1;
  const ReviewState next = WithPendingOutsideRejected(state, box, &rejected);
  EXPECT_EQ(rejected, 1);
  EXPECT_EQ(next.follicles[0].decision, Decision::kPending);   // inside
  EXPECT_EQ(next.follicles[1].decision, Decision::kRejected);  // outside, pending
  EXPECT_EQ(next.follicles[2].decision, Decision::kAccepted);  // the reader's decision stays
  EXPECT_EQ(next.ovary_box_px, box);  // the box is part of the review
  EXPECT_EQ(WithPendingOutsideRejected(next, box, &rejected).follicles[1].decision, Decision::kRejected);
  EXPECT_EQ(rejected, 0);  // nothing left to reject
}


}  // namespace
}  // namespace antra::viewer
