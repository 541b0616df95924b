#include <imgui.h>

#include <string_view>

#include "viewer/gui/panels/panels.h"
#include "viewer/shortcuts.h"

namespace antra::viewer::gui {
namespace {

constexpr const char* kMouse[][2] = {
    {"Left click", "select a follicle; place a caliper end (caliper and follicle tools)"},
    {"Left drag", "move a caliper end (grab the + mark); otherwise pan"},
    {"Right drag", "window/level: right = wider window, down = higher level (darker)"},
    {"Ctrl + left drag", "window/level (for one-button mice)"},
    {"Middle drag", "pan"},
    {"Wheel", "zoom around the pointer"},
    {"Drop files", "open a file or folder dropped on the window"},
};

}  // namespace

void HelpOverlay::Draw(AppContext& ctx) {
  if (!ctx.ui.show_help) return;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 2),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(760.0f, viewport->WorkSize.x - 40), std::min(640.0f, viewport->WorkSize.y - 40)));
  ImGui::SetNextWindowBgAlpha(0.95f);
  if (!ImGui::Begin("Keyboard shortcuts (F1 or H to close)", &ctx.ui.show_help,
                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoMove)) {
    ImGui::End();
    return;
  }
  if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    std::string_view group;
    for (const auto& s : Shortcuts()) {
      if (s.group != group) {
        group = s.group;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "%.*s", static_cast<int>(group.size()), group.data());
        ImGui::TableNextColumn();
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(ChordLabel(s).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.description.data(), s.description.data() + s.description.size());
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "Mouse");
    ImGui::TableNextColumn();
    for (const auto& row : kMouse) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row[0]);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row[1]);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace antra::viewer::gui
