#include "viewer/gui/overlay.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace antra::viewer::gui {
namespace {

constexpr ImU32 kPending = IM_COL32(255, 214, 0, 255);    // yellow: not yet reviewed
constexpr ImU32 kAccepted = IM_COL32(60, 220, 90, 255);   // green
constexpr ImU32 kRejected = IM_COL32(230, 60, 60, 200);   // red
constexpr ImU32 kManual = IM_COL32(80, 200, 255, 255);    // cyan: the reader's calipers
constexpr ImU32 kHandleHover = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kGivenOvary = IM_COL32(230, 120, 255, 255);  // magenta: the ovary the reader boxed
constexpr ImU32 kEstimatedOvary = IM_COL32(190, 150, 255, 235);  // lilac, dashed: the pipeline's ovary
constexpr ImU32 kLabelBackground = IM_COL32(0, 0, 0, 170);

ImVec2 ToImVec(cv::Point2d p) { return ImVec2(static_cast<float>(p.x), static_cast<float>(p.y)); }

ImU32 DecisionColour(Decision d) {
  switch (d) {
    case Decision::kAccepted: return kAccepted;
    case Decision::kRejected: return kRejected;
    case Decision::kPending: return kPending;
  }
  return kPending;
}

void Cross(ImDrawList& draw, ImVec2 at, ImU32 colour, float size) {
  draw.AddLine(ImVec2(at.x - size, at.y), ImVec2(at.x + size + 1, at.y), colour, 1.5f);
  draw.AddLine(ImVec2(at.x, at.y - size), ImVec2(at.x, at.y + size + 1), colour, 1.5f);
}

void Label(ImDrawList& draw, ImVec2 at, const std::string& text, ImU32 colour) {
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  draw.AddRectFilled(ImVec2(at.x - 2, at.y - 1), ImVec2(at.x + size.x + 2, at.y + size.y + 1), kLabelBackground, 2);
  draw.AddText(at, colour, text.c_str());
}

void CaliperLine(ImDrawList& draw, const ViewTransform& view, const Caliper& c, ImU32 colour, bool dashed) {
  const ImVec2 a = ToImVec(view.ImageToScreen(c.a));
  const ImVec2 b = ToImVec(view.ImageToScreen(c.b));
  if (!dashed) {
    draw.AddLine(a, b, colour, 1.0f);
  } else {
    const float length = std::hypot(b.x - a.x, b.y - a.y);
    const int dashes = std::max(1, static_cast<int>(length / 6));
    for (int i = 0; i < dashes; i += 2) {
      const float t0 = static_cast<float>(i) / dashes, t1 = static_cast<float>(i + 1) / dashes;
      draw.AddLine(ImVec2(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0),
                   ImVec2(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1), colour, 1.0f);
    }
  }
  Cross(draw, a, colour, 5);
  Cross(draw, b, colour, 5);
}

std::string Millimetres(std::optional<double> mm) {
  if (!mm) return "--";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", *mm);
  return text;
}

void DrawFollicle(ImDrawList& draw, const OverlayInput& in, const ReviewedFollicle& f) {
  const bool selected = in.selection.follicle == f.id;
  const ImU32 colour = DecisionColour(f.decision);
  const auto& m = f.measurement;
  if (m.contour_px.size() >= 3) {
    std::vector<ImVec2> points;
    points.reserve(m.contour_px.size());
    for (const auto& p : m.contour_px) points.push_back(ToImVec(in.view.ImageToScreen(cv::Point2d(p.x, p.y))));
    draw.AddPolyline(points.data(), static_cast<int>(points.size()), colour, ImDrawFlags_Closed,
                     selected ? 3.0f : 1.5f);
  }
  const bool rejected = f.decision == Decision::kRejected;
  CaliperLine(draw, in.view, m.long_axis, colour, rejected);
  CaliperLine(draw, in.view, m.short_axis, colour, rejected);
  // The label sits right of the outline's top, like a scanner's measurement list.
  double right = m.center_px.x, top = m.center_px.y;
  for (const auto& p : m.contour_px) right = std::max(right, double(p.x)), top = std::min(top, double(p.y));
  if (m.contour_px.empty()) right += m.long_axis.LengthPx() / 2, top -= m.long_axis.LengthPx() / 2;
  std::string text = in.follicle_name ? in.follicle_name(f.id) : "#" + std::to_string(f.id);
  if (in.calibration.calibrated()) text += " " + Millimetres(m.mean_mm) + " mm";
  if (rejected) text += " rejected";
  const ImVec2 at = ToImVec(in.view.ImageToScreen({right, top}));
  Label(draw, ImVec2(at.x + 4, at.y - 8), text, colour);
}

void DrawCineAppearances(ImDrawList& draw, const OverlayInput& in) {
  // A cine follicle is outlined on its best frame; on the other frames where
  // the analysis tracked it, a small ring says "counted on frame N".
  if (!in.analysis || !in.cine_rings) return;
  for (const auto& cine : in.analysis->cine_follicles) {
    const ReviewedFollicle* reviewed = nullptr;
    for (const auto& f : in.state.follicles) {
      if (f.source_id == cine.id && f.measurement.origin != FollicleOrigin::kAdded) reviewed = &f;
    }
    if (!reviewed || reviewed->frame == in.frame || reviewed->decision == Decision::kRejected) continue;
    for (const auto& appearance : cine.appearances) {
      if (appearance.frame != in.frame) continue;
      const ImVec2 at = ToImVec(in.view.ImageToScreen(appearance.center_px));
      draw.AddCircle(at, 6, DecisionColour(reviewed->decision), 16, 1.0f);
      Label(draw, ImVec2(at.x + 8, at.y - 7),
            "#" + std::to_string(reviewed->id) + " (frame " + std::to_string(reviewed->frame + 1) + ")",
            DecisionColour(reviewed->decision));
    }
  }
}

void DrawManualCaliper(ImDrawList& draw, const OverlayInput& in, const ManualCaliper& c) {
  const bool selected = in.selection.caliper == c.id;
  CaliperLine(draw, in.view, c.line, kManual, false);
  if (selected) {
    draw.AddLine(ToImVec(in.view.ImageToScreen(c.line.a)), ToImVec(in.view.ImageToScreen(c.line.b)), kManual, 3.0f);
  }
  const ImVec2 at = ToImVec(in.view.ImageToScreen(c.line.b));
  Label(draw, ImVec2(at.x + 8, at.y + 4), "D" + std::to_string(c.id) + " " + LengthLabel(in.calibration, c.line.a, c.line.b),
        kManual);
}

// The ovary given: the review's box (the reader's, drawn whether or not its
// analysis has arrived or can run), else a mask given to `antra analyze` for
// a saved analysis.
void DrawGivenOvary(ImDrawList& draw, const OverlayInput& in) {
  constexpr const char* kNote = "ovary (given): follicles outside not counted";
  if (in.state.ovary_box_px) {
    const cv::Rect& box = *in.state.ovary_box_px;
    const ImVec2 top_left = ToImVec(in.view.ImageToScreen(cv::Point2d(box.x, box.y)));
    draw.AddRect(top_left, ToImVec(in.view.ImageToScreen(cv::Point2d(box.br()))), kGivenOvary, 0.0f, 0, 1.5f);
    Label(draw, ImVec2(top_left.x + 4, top_left.y + 4), kNote, kGivenOvary);
    return;
  }
  if (!in.analysis) return;
  for (const auto& frame : in.analysis->frames) {
    if (frame.index != in.frame || !frame.ovary || frame.ovary->source != "given") continue;
    std::vector<ImVec2> points;
    for (const auto& p : frame.ovary->contour_px) points.push_back(ToImVec(in.view.ImageToScreen(cv::Point2d(p))));
    if (points.size() < 3) continue;
    draw.AddPolyline(points.data(), int(points.size()), kGivenOvary, ImDrawFlags_Closed, 1.5f);
    Label(draw, ImVec2(points.front().x + 4, points.front().y + 4), kNote, kGivenOvary);
  }
}

// A closed polyline drawn as dashes of about 6 screen pixels.
void DashedOutline(ImDrawList& draw, const std::vector<ImVec2>& points, ImU32 colour) {
  constexpr float kDash = 6.0f;
  bool on = true;
  float left = kDash;  // of the current dash or gap
  for (size_t i = 0; i < points.size(); ++i) {
    ImVec2 a = points[i];
    const ImVec2 b = points[(i + 1) % points.size()];
    float length = std::hypot(b.x - a.x, b.y - a.y);
    while (length > 0) {
      const float step = std::min(left, length);
      const float t = step / length;
      const ImVec2 c(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
      if (on) draw.AddLine(a, c, colour, 1.5f);
      a = c;
      length -= step;
      left -= step;
      if (left <= 0) on = !on, left = kDash;
    }
  }
}

// The ovary the pipeline estimated: where it looked for follicles. Seeing
// it off the ovary tells the reader to draw a box (Shift+O).
void DrawEstimatedOvary(ImDrawList& draw, const OverlayInput& in) {
  const std::vector<cv::Point>* outline =
      EstimatedOvaryOutline(in.analysis, in.frame, in.state.ovary_box_px.has_value(), in.show_estimated_ovary);
  if (!outline) return;
  std::vector<ImVec2> points;
  size_t top = 0;
  for (size_t i = 0; i < outline->size(); ++i) {
    points.push_back(ToImVec(in.view.ImageToScreen(cv::Point2d((*outline)[i]))));
    if ((*outline)[i].y < (*outline)[top].y) top = i;
  }
  DashedOutline(draw, points, kEstimatedOvary);
  Label(draw, ImVec2(points[top].x + 4, points[top].y - ImGui::GetTextLineHeight() - 3), "ovary (estimated)",
        kEstimatedOvary);
}

void DrawPlacement(ImDrawList& draw, const OverlayInput& in) {
  const auto& placed = in.interaction.placed_points();
  if (placed.empty()) return;
  if (in.interaction.tool() == Tool::kOvaryBox) {
    draw.AddRect(ToImVec(in.view.ImageToScreen(placed.front())), ToImVec(in.view.ImageToScreen(in.interaction.pointer_image())),
                 kGivenOvary, 0.0f, 0, 1.5f);
    return;
  }
  std::vector<cv::Point2d> points = placed;
  points.push_back(in.interaction.pointer_image());  // rubber band to the pointer
  for (size_t i = 0; i + 1 < points.size(); i += 2) {
    CaliperLine(draw, in.view, {points[i], points[i + 1]}, kManual, false);
    const ImVec2 at = ToImVec(in.view.ImageToScreen(points[i + 1]));
    Label(draw, ImVec2(at.x + 8, at.y + 4), LengthLabel(in.calibration, points[i], points[i + 1]), kManual);
  }
  if (points.size() % 2 == 1) Cross(draw, ToImVec(in.view.ImageToScreen(points.back())), kManual, 5);
}

}  // namespace

std::string LengthLabel(const Calibration& calibration, cv::Point2d a, cv::Point2d b) {
  if (!calibration.calibrated()) {
    char text[48];
    std::snprintf(text, sizeof text, "%.0f px (no mm: uncalibrated)", std::hypot(b.x - a.x, b.y - a.y));
    return text;
  }
  const auto mm = calibration.LengthMm(a, b);
  if (!mm) return "no mm: ends in different regions";
  return Millimetres(mm) + " mm";
}

const std::vector<cv::Point>* EstimatedOvaryOutline(const ImageAnalysis* analysis, int frame_index, bool box_given,
                                                    bool shown) {
  if (!shown || !analysis || box_given) return nullptr;
  for (const auto& frame : analysis->frames) {
    if (frame.index != frame_index || !frame.ovary) continue;
    if (frame.ovary->source == "given" || frame.ovary->contour_px.size() < 3) return nullptr;
    return &frame.ovary->contour_px;
  }
  return nullptr;
}

void DrawOverlay(ImDrawList& draw, const OverlayInput& in) {
  DrawEstimatedOvary(draw, in);  // first: the follicles are drawn over it
  for (const auto& f : in.state.follicles) {
    if (f.frame == in.frame) DrawFollicle(draw, in, f);
  }
  DrawCineAppearances(draw, in);
  for (const auto& c : in.state.calipers) {
    if (c.frame == in.frame) DrawManualCaliper(draw, in, c);
  }
  if (auto hovered = in.interaction.hovered_handle()) {
    draw.AddCircle(ToImVec(in.view.ImageToScreen(HandlePosition(in.state, *hovered))), 7, kHandleHover, 16, 2.0f);
  }
  DrawGivenOvary(draw, in);
  DrawPlacement(draw, in);
}

void DrawUncalibratedBanner(ImDrawList& draw, const ScreenRect& viewport, const Calibration& calibration) {
  const std::string title = "UNCALIBRATED IMAGE: no pixel size, so no millimetres and no AFC";
  const std::string detail = calibration.detail().empty() ? "" : "(" + calibration.detail() + ")";
  const float line = ImGui::GetTextLineHeight();
  const ImVec2 top_left(static_cast<float>(viewport.x), static_cast<float>(viewport.y));
  const ImVec2 bottom_right(static_cast<float>(viewport.x + viewport.width),
                            static_cast<float>(viewport.y) + 2 * line + 12);
  draw.AddRectFilled(top_left, bottom_right, IM_COL32(170, 20, 20, 235));
  draw.AddText(ImVec2(top_left.x + 10, top_left.y + 4), IM_COL32(255, 255, 255, 255), title.c_str());
  draw.AddText(ImVec2(top_left.x + 10, top_left.y + 6 + line), IM_COL32(255, 220, 220, 255), detail.c_str());
}

}  // namespace antra::viewer::gui
