#include "viewer/interaction.h"

#include <cmath>

namespace antra::viewer {
namespace {

constexpr int kLeft = static_cast<int>(MouseButton::kLeft);
constexpr int kRight = static_cast<int>(MouseButton::kRight);
constexpr int kMiddle = static_cast<int>(MouseButton::kMiddle);

std::string DescribeHandle(const HandleRef& h) {
  if (h.kind == HandleRef::Kind::kCaliper) return "move an end of caliper #" + std::to_string(h.id);
  return std::string("move the ") + (h.point < 2 ? "length" : "width") + " caliper of follicle #" +
         std::to_string(h.id);
}

}  // namespace

const char* ToString(Tool tool) {
  switch (tool) {
    case Tool::kNavigate: return "navigate";
    case Tool::kCaliper: return "caliper";
    case Tool::kFollicle: return "add follicle";
    case Tool::kOvaryBox: return "ovary box";
  }
  return "navigate";
}

void ViewportInteraction::SetTool(Tool tool) {
  if (tool != tool_) placed_.clear();
  tool_ = tool;
}

bool ViewportInteraction::Cancel() {
  const bool had = !placed_.empty() || drag_ != Drag::kNone;
  placed_.clear();
  drag_ = Drag::kNone;
  drag_handle_.reset();
  return had;
}

void ViewportInteraction::Update(const PointerInput& in, Context& ctx) {
  pointer_image_ = ctx.view.ScreenToImage(in.screen);
  if (drag_ != Drag::kNone) {
    ContinueDrag(in, ctx);
    if (in.released[drag_button_] || !in.down[drag_button_]) FinishDrag(ctx);
    return;
  }
  hovered_handle_.reset();
  if (!in.hovered) return;
  if (ctx.review && placed_.empty()) {
    hovered_handle_ = HitTestHandle(ctx.review->state(), ctx.frame, pointer_image_,
                                    kHandleRadiusScreen / ctx.view.zoom());
  }
  if (in.wheel != 0) ctx.view.ZoomAt(in.screen, std::pow(kWheelZoomStep, in.wheel));
  if (in.clicked[kLeft] || in.clicked[kRight] || in.clicked[kMiddle]) StartDrag(in, ctx);
}

void ViewportInteraction::StartDrag(const PointerInput& in, Context& ctx) {
  if (in.clicked[kRight] || (in.clicked[kLeft] && in.mods.ctrl)) {
    drag_ = Drag::kWindowLevel;
    drag_button_ = in.clicked[kRight] ? kRight : kLeft;
    return;
  }
  if (in.clicked[kMiddle]) {
    drag_ = Drag::kPan;
    drag_button_ = kMiddle;
    return;
  }
  // Left button, no Ctrl.
  if (hovered_handle_ && placed_.empty()) {
    drag_ = Drag::kHandle;
    drag_button_ = kLeft;
    drag_handle_ = hovered_handle_;
    drag_to_ = pointer_image_;
    return;
  }
  if (tool_ == Tool::kNavigate) {
    SelectAt(pointer_image_, ctx);
    drag_ = Drag::kPan;
    drag_button_ = kLeft;
    return;
  }
  PlacePoint(pointer_image_, ctx);
}

void ViewportInteraction::ContinueDrag(const PointerInput& in, Context& ctx) {
  switch (drag_) {
    case Drag::kWindowLevel: ctx.window_level.ApplyDrag(in.delta.x, in.delta.y); break;
    case Drag::kPan: ctx.view.PanBy(in.delta); break;
    case Drag::kHandle: drag_to_ = pointer_image_; break;
    case Drag::kNone: break;
  }
}

void ViewportInteraction::FinishDrag(Context& ctx) {
  if (drag_ == Drag::kHandle && drag_handle_ && ctx.review) {
    const auto& review = *ctx.review;
    if (HandlePosition(review.state(), *drag_handle_) != drag_to_) {
      ctx.review->Commit(DescribeHandle(*drag_handle_),
                         WithHandleMoved(review.state(), *drag_handle_, drag_to_, review.calibration()));
    }
    ctx.selection.Clear();
    if (drag_handle_->kind == HandleRef::Kind::kFollicle) ctx.selection.follicle = drag_handle_->id;
    else ctx.selection.caliper = drag_handle_->id;
  }
  drag_ = Drag::kNone;
  drag_button_ = -1;
  drag_handle_.reset();
}

void ViewportInteraction::PlacePoint(cv::Point2d p, Context& ctx) {
  if (!ctx.review) return;
  placed_.push_back(p);
  auto& review = *ctx.review;
  if (tool_ == Tool::kCaliper && placed_.size() == 2) {
    int id = 0;
    review.Commit("add caliper", WithCaliperAdded(review.state(), ctx.frame, {placed_[0], placed_[1]}, &id));
    ctx.selection.Clear();
    ctx.selection.caliper = id;
    placed_.clear();
  } else if (tool_ == Tool::kFollicle && placed_.size() == 4) {
    int id = 0;
    review.Commit("add follicle", WithFollicleAdded(review.state(), ctx.frame, {placed_[0], placed_[1]},
                                                    {placed_[2], placed_[3]}, review.calibration(), &id));
    ctx.selection.Clear();
    ctx.selection.follicle = id;
    placed_.clear();
  } else if (tool_ == Tool::kOvaryBox && placed_.size() == 2) {
    const cv::Point a(cvRound(placed_[0].x), cvRound(placed_[0].y)), b(cvRound(placed_[1].x), cvRound(placed_[1].y));
    const cv::Rect box(a, b);  // normalised: any two opposite corners
    if (box.width > 0 && box.height > 0) ovary_box_ = box;
    placed_.clear();
    tool_ = Tool::kNavigate;
  }
}

void ViewportInteraction::SelectAt(cv::Point2d p, Context& ctx) {
  ctx.selection.Clear();
  if (!ctx.review) return;
  ctx.selection.follicle = HitTestFollicle(ctx.review->state(), ctx.frame, p);
}

ReviewState ViewportInteraction::DisplayState(const ReviewModel& review) const {
  if (drag_ == Drag::kHandle && drag_handle_) {
    return WithHandleMoved(review.state(), *drag_handle_, drag_to_, review.calibration());
  }
  return review.state();
}

std::string ViewportInteraction::Prompt() const {
  switch (tool_) {
    case Tool::kNavigate:
      return "left-drag: pan or move a caliper end; right-drag: window/level; wheel: zoom";
    case Tool::kCaliper:
      return placed_.empty() ? "caliper: click the first end" : "caliper: click the second end";
    case Tool::kFollicle: {
      static const char* kSteps[] = {"follicle: click one end of the length (longest diameter)",
                                     "follicle: click the other end of the length",
                                     "follicle: click one end of the width (perpendicular)",
                                     "follicle: click the other end of the width"};
      return kSteps[std::min<size_t>(placed_.size(), 3)];
    }
    case Tool::kOvaryBox:
      return placed_.empty() ? "ovary: click one corner of a box around the ovary"
                             : "ovary: click the opposite corner (what lies outside is then dropped)";
  }
  return "";
}

}  // namespace antra::viewer
