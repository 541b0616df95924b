#include <imgui.h>

#include <cmath>
#include <cstdio>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

// "x 412, y 470: 37" for the pixel under the pointer.
std::string PixelUnderPointer(AppContext& ctx) {
  const cv::Point2d p = ctx.ui.interaction.pointer_image();
  const Frame* frame = ctx.documents.frame(ctx.frame());
  if (!frame || frame->luma.empty()) return "";
  const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
  if (x < 0 || y < 0 || x >= frame->luma.cols || y >= frame->luma.rows) return "";
  char text[64];
  std::snprintf(text, sizeof text, "x %d, y %d: %d", x, y, frame->luma.at<unsigned char>(y, x));
  return text;
}

}  // namespace

void StatusBar::Draw(AppContext& ctx) {
  const ScreenRect& area = ctx.layout.status_bar;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 3));
  ImGui::Begin("##status", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);
  ImGui::PopStyleVar();
  char view[96];
  std::snprintf(view, sizeof view, "zoom %.0f%%   W %.0f L %.0f   %s", ctx.ui.view.zoom() * 100,
                ctx.ui.window_level.window, ctx.ui.window_level.level, ctx.ui.colour ? "colour" : "luma");
  ImGui::TextUnformatted(view);
  ImGui::SameLine(0, 24);
  ImGui::TextUnformatted(PixelUnderPointer(ctx).c_str());
  ImGui::SameLine(0, 24);
  const ReviewModel* review = ctx.review();
  if (review && !review->last_error().empty() && ctx.ui.status.empty()) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", review->last_error().c_str());
  } else if (!ctx.ui.status.empty()) {
    ImGui::TextColored(ctx.ui.status_is_error ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.6f, 0.9f, 1, 1), "%s",
                       ctx.ui.status.c_str());
  } else {
    ImGui::TextDisabled("%s", ctx.ui.interaction.Prompt().c_str());
  }
  ImGui::End();
}

}  // namespace antra::viewer::gui
