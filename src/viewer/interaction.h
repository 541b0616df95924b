#pragma once
// What the mouse does over the image, as a small state machine independent of
// ImGui: window/level by right-drag (or Ctrl + left-drag), pan by middle-drag
// (or left-drag on empty image in the navigation tool), zoom by the wheel,
// dragging caliper ends, and placing calipers and follicles click by click.
// The GUI fills a PointerInput from ImGui each frame and draws what this
// reports (points placed so far, the drag preview).

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/types.hpp>

#include "viewer/input.h"
#include "viewer/review_model.h"
#include "viewer/view_transform.h"
#include "viewer/window_level.h"

namespace antra::viewer {

enum class Tool { kNavigate, kCaliper, kFollicle, kOvaryBox };
const char* ToString(Tool tool);

struct PointerInput {
  cv::Point2d screen;
  bool hovered = false;  // over the image viewport, not over a panel
  std::array<bool, 3> clicked{}, released{}, down{};  // left, right, middle
  cv::Point2d delta;     // pointer movement since the previous frame (screen)
  double wheel = 0;
  Modifiers mods;
};

struct Selection {
  std::optional<int> follicle;
  std::optional<int> caliper;
  void Clear() { follicle.reset(), caliper.reset(); }
};

class ViewportInteraction {
 public:
  static constexpr double kHandleRadiusScreen = 7.0;  // grab distance, screen pixels
  static constexpr double kWheelZoomStep = 1.15;

  struct Context {
    ViewTransform& view;
    WindowLevel& window_level;
    ReviewModel* review;  // null while no image is open
    int frame = 0;
    Selection& selection;
  };

  void Update(const PointerInput& in, Context& ctx);

  void SetTool(Tool tool);
  Tool tool() const { return tool_; }
  // Drops the measurement in progress; returns whether there was one.
  bool Cancel();

  // Caliper ends placed so far in the current tool (0..3) and where the pointer is.
  const std::vector<cv::Point2d>& placed_points() const { return placed_; }
  cv::Point2d pointer_image() const { return pointer_image_; }
  std::optional<HandleRef> hovered_handle() const { return hovered_handle_; }
  // The box the reader drew around the ovary (image pixels), once: the app
  // asks for the analysis with it.
  std::optional<cv::Rect> TakeOvaryBox() { return std::exchange(ovary_box_, std::nullopt); }
  bool dragging_handle() const { return drag_handle_.has_value(); }
  // The review as it should be drawn: with the handle being dragged moved.
  ReviewState DisplayState(const ReviewModel& review) const;
  // What the tool expects next, for the status line ("click the width's first end").
  std::string Prompt() const;

 private:
  enum class Drag { kNone, kWindowLevel, kPan, kHandle };

  void StartDrag(const PointerInput& in, Context& ctx);
  void ContinueDrag(const PointerInput& in, Context& ctx);
  void FinishDrag(Context& ctx);
  void PlacePoint(cv::Point2d image_point, Context& ctx);
  void SelectAt(cv::Point2d image_point, Context& ctx);

  Tool tool_ = Tool::kNavigate;
  Drag drag_ = Drag::kNone;
  int drag_button_ = -1;
  std::optional<HandleRef> drag_handle_;
  cv::Point2d drag_to_;
  std::optional<HandleRef> hovered_handle_;
  std::vector<cv::Point2d> placed_;
  cv::Point2d pointer_image_;
  std::optional<cv::Rect> ovary_box_;
};

}  // namespace antra::viewer
