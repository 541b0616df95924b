#include <gtest/gtest.h>

#include "viewer/interaction.h"
#include "viewer/review_session.h"
#include "viewer/viewer_fixtures.h"

namespace antra::viewer {
namespace {

// A 640 x 480 image shown at zoom 1 in a 640 x 480 viewport.
class InteractionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    view_.SetViewport({0, 0, 640, 480});
    view_.SetImageSize({640, 480});
    const auto analysis = test::FixtureAnalysis(test::ThreeFollicles());
    session_ = std::make_unique<ReviewSession>(ReviewFromAnalysis(analysis, ""), analysis.calibration);
  }

  // One frame with the pointer over image pixel `p`.
  void Frame(cv::Point2d p, int clicked = -1, int released = -1, bool down = false, int button = 0) {
    FrameAtScreen(view_.ImageToScreen(p), clicked, released, down, button);
  }
  // A pointer is where it is on screen, whatever the view does under it.
  void FrameAtScreen(cv::Point2d screen, int clicked = -1, int released = -1, bool down = false, int button = 0) {
    PointerInput in;
    in.screen = screen;
    in.delta = last_ ? in.screen - *last_ : cv::Point2d();
    last_ = in.screen;
    in.hovered = true;
    if (clicked >= 0) in.clicked[clicked] = true;
    if (released >= 0) in.released[released] = true;
    in.down[button] = down;
    in.mods = mods_;
    ViewportInteraction::Context ctx{view_, wl_, session_.get(), 0, selection_};
    interaction_.Update(in, ctx);
  }
  void Click(cv::Point2d p) {
    Frame(p, 0, -1, true);
    Frame(p, -1, 0, false);
  }

  ViewTransform view_;
  WindowLevel wl_;
  Selection selection_;
  Modifiers mods_;
  std::unique_ptr<ReviewSession> session_;
  ViewportInteraction interaction_;
  std::optional<cv::Point2d> last_;
};

TEST_F(InteractionTest, OvaryBoxToolGivesTheBoxOfTwoCornersOnce) {
  interaction_.SetTool(Tool::kOvaryBox);
  Click({300, 350});
  EXPECT_FALSE(interaction_.TakeOvaryBox());
  Click({100, 150});  // the opposite corner, up and to the left
  const auto box = interaction_.TakeOvaryBox();
  ASSERT_TRUE(box);
  EXPECT_EQ(*box, cv::Rect(100, 150, 200, 200));
  EXPECT_FALSE(interaction_.TakeOvaryBox());  // taken once
  EXPECT_EQ(interaction_.tool(), Tool::kNavigate);
  EXPECT_TRUE(session_->state().calipers.empty());  // a box is not a measurement
  // Two clicks on one point make no box.
  interaction_.SetTool(Tool::kOvaryBox);
  Click({100, 150});
  Click({100, 150});
  EXPECT_FALSE(interaction_.TakeOvaryBox());
}

TEST_F(InteractionTest, CaliperToolMeasuresTwoClicks) {
  interaction_.SetTool(Tool::kCaliper);
  Click({100, 400});
  EXPECT_EQ(interaction_.placed_points().size(), 1u);
  Click({150, 400});
  ASSERT_EQ(session_->state().calipers.size(), 1u);
  EXPECT_NEAR(session_->state().calipers[0].line.LengthPx(), 50, 1e-9);
  EXPECT_EQ(selection_.caliper, session_->state().calipers[0].id);
  EXPECT_TRUE(interaction_.placed_points().empty());
  EXPECT_EQ(session_->UndoDescription(), "add caliper");
}

TEST_F(InteractionTest, FollicleToolTakesLengthThenWidth) {
  interaction_.SetTool(Tool::kFollicle);
  EXPECT_NE(interaction_.Prompt().find("length"), std::string::npos);
  Click({500, 400});
  Click({540, 400});
  EXPECT_NE(interaction_.Prompt().find("width"), std::string::npos);
  Click({520, 385});
  EXPECT_TRUE(session_->state().follicles.size() == 3u);  // not yet
  Click({520, 415});
  ASSERT_EQ(session_->state().follicles.size(), 4u);
  const auto& added = session_->state().follicles.back();
  EXPECT_NEAR(*added.measurement.mean_mm, 7.0, 1e-9);  // (40 + 30) / 2 px x 0.2 mm
  EXPECT_EQ(added.decision, Decision::kAccepted);
  EXPECT_EQ(selection_.follicle, added.id);
}

TEST_F(InteractionTest, EscapeDropsAHalfPlacedMeasurement) {
  interaction_.SetTool(Tool::kFollicle);
  Click({500, 400});
  EXPECT_TRUE(interaction_.Cancel());
  EXPECT_TRUE(interaction_.placed_points().empty());
  EXPECT_FALSE(interaction_.Cancel());
}

TEST_F(InteractionTest, DraggingAHandleMovesItOnRelease) {
  // Follicle 1's long axis ends at (180, 200).
  Frame({180, 200});
  ASSERT_TRUE(interaction_.hovered_handle());
  Frame({180, 200}, 0, -1, true);
  Frame({185, 200}, -1, -1, true);
  EXPECT_TRUE(interaction_.dragging_handle());
  EXPECT_NEAR(interaction_.DisplayState(*session_).FindFollicle(1)->measurement.long_axis.b.x, 185, 1e-9);
  EXPECT_NEAR(session_->state().FindFollicle(1)->measurement.long_axis.b.x, 180, 1e-9);  // not committed yet
  Frame({190, 200}, -1, 0, false);
  EXPECT_NEAR(session_->state().FindFollicle(1)->measurement.long_axis.b.x, 190, 1e-9);
  EXPECT_EQ(session_->UndoDescription(), "move the length caliper of follicle #1");
  EXPECT_EQ(selection_.follicle, 1);
}

TEST_F(InteractionTest, RightDragChangesWindowLevel) {
  Frame({320, 240}, 1, -1, true, 1);
  Frame({320 - 100, 240 + 20}, -1, -1, true, 1);
  Frame({320 - 100, 240 + 20}, -1, 1, false, 1);
  EXPECT_DOUBLE_EQ(wl_.window, 155);
  EXPECT_DOUBLE_EQ(wl_.level, 147.5);
}

TEST_F(InteractionTest, ClickSelectsAndLeftDragPans) {
  Click({160, 200});
  EXPECT_EQ(selection_.follicle, 1);
  Click({20, 20});
  EXPECT_FALSE(selection_.follicle);
  const cv::Point2d before = view_.ImageToScreen({0, 0});
  FrameAtScreen({20, 20}, 0, -1, true);
  FrameAtScreen({30, 25}, -1, -1, true);
  FrameAtScreen({30, 25}, -1, 0, false);
  EXPECT_NEAR(view_.ImageToScreen({0, 0}).x - before.x, 10, 1e-9);
}

TEST_F(InteractionTest, WheelZoomsAroundThePointer) {
  PointerInput in;
  in.screen = view_.ImageToScreen({100, 100});
  in.hovered = true;
  in.wheel = 2;
  ViewportInteraction::Context ctx{view_, wl_, session_.get(), 0, selection_};
  interaction_.Update(in, ctx);
  EXPECT_NEAR(view_.zoom(), 1.15 * 1.15, 1e-9);
  EXPECT_NEAR(view_.ScreenToImage(in.screen).x, 100, 1e-9);
}

}  // namespace
}  // namespace antra::viewer
