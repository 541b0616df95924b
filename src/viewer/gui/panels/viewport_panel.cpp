#include <imgui.h>

#include "viewer/gui/actions.h"
#include "viewer/gui/overlay.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

constexpr ImGuiWindowFlags kFixedWindow = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollWithMouse |
                                          ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav;

void CentredText(const ScreenRect& area, const std::string& text, ImU32 colour) {
  const ImVec2 size = ImGui::CalcTextSize(text.c_str());
  ImGui::GetWindowDrawList()->AddText(
      ImVec2(static_cast<float>(area.x + (area.width - size.x) / 2), static_cast<float>(area.y + area.height / 2)),
      colour, text.c_str());
}

}  // namespace

PointerInput ViewportPanel::ReadPointer(const AppContext& ctx, bool hovered) {
  const ImGuiIO& io = ImGui::GetIO();
  PointerInput in;
  const bool known = ctx.input.mouse_pos.x > -1e29;
  in.screen = known ? ctx.input.mouse_pos : cv::Point2d(io.MousePos.x, io.MousePos.y);
  in.hovered = hovered;
  for (int b = 0; b < 3; ++b) {
    in.clicked[b] = hovered && ImGui::IsMouseClicked(b);
    in.released[b] = ImGui::IsMouseReleased(b);
    in.down[b] = ImGui::IsMouseDown(b);
  }
  // No delta across an unknown position (first frame, pointer outside the window).
  in.delta = known && last_pointer_ ? in.screen - *last_pointer_ : cv::Point2d();
  last_pointer_ = known ? std::optional(in.screen) : std::nullopt;
  in.wheel = hovered ? io.MouseWheel : 0;
  in.mods = {io.KeyCtrl, io.KeyShift, io.KeyAlt, io.KeySuper};
  return in;
}

void ViewportPanel::Draw(AppContext& ctx) {
  const ScreenRect& area = ctx.layout.viewport;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  const bool visible = ImGui::Begin("##viewport", nullptr, kFixedWindow | ImGuiWindowFlags_NoBackground);
  ImGui::PopStyleVar(2);
  if (!visible) {
    ImGui::End();
    return;
  }
  ctx.ui.view.SetViewport(area);
  const Document* doc = ctx.document();
  if (!doc) {
    CentredText(area, "Drop an ultrasound file or folder here, or press Ctrl+O to browse", IM_COL32(200, 200, 200, 255));
  } else if (doc->phase == LoadPhase::kFailed) {
    CentredText(area, "Cannot open " + doc->path.filename().string() + ": " + doc->open_error->message,
                IM_COL32(255, 120, 120, 255));
  } else if (doc->phase == LoadPhase::kOpening) {
    CentredText(area, "Opening " + doc->path.filename().string() + "...", IM_COL32(200, 200, 200, 255));
  }
  // The whole viewport catches the mouse, all three buttons.
  ImGui::SetCursorScreenPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::InvisibleButton("##image", ImVec2(static_cast<float>(std::max(area.width, 1.0)), static_cast<float>(std::max(area.height, 1.0))),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                             ImGuiButtonFlags_MouseButtonMiddle);
  const bool hovered = ImGui::IsItemHovered() || ImGui::IsItemActive();
  ReviewModel* review = ctx.review();
  ViewportInteraction::Context ictx{ctx.ui.view, ctx.ui.window_level, review, ctx.frame(), ctx.ui.selection};
  ctx.ui.interaction.Update(ReadPointer(ctx, hovered), ictx);
  if (const auto box = ctx.ui.interaction.TakeOvaryBox()) UseOvaryBox(ctx, *box);

  if (review) {
    ImDrawList& draw = *ImGui::GetWindowDrawList();
    draw.PushClipRect(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)),
                      ImVec2(static_cast<float>(area.x + area.width), static_cast<float>(area.y + area.height)), true);
    const ReviewState shown = ctx.ui.interaction.DisplayState(*review);
    OverlayInput overlay{shown,
                               review->calibration(),
                               ctx.ui.view,
                               ctx.frame(),
                               ctx.ui.selection,
                               ctx.ui.interaction,
                               doc && doc->analysis ? &*doc->analysis : nullptr};
    overlay.show_estimated_ovary = ctx.ui.show_estimated_ovary;
    if (const VisitScanReview* scan = ctx.visit_scan()) {
      overlay.cine_rings = false;
      overlay.follicle_name = [scan](int id) {
        const std::string visit_id = scan->VisitFollicleId(id);
        return visit_id.empty() ? "#" + std::to_string(id) : visit_id;
      };
    }
    DrawOverlay(draw, overlay);
    if (!review->calibration().calibrated()) DrawUncalibratedBanner(draw, area, review->calibration());
    draw.PopClipRect();
  }
  ImGui::End();
}

}  // namespace antra::viewer::gui
