#include <imgui.h>

#include <cstdio>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {

void CineBar::Draw(AppContext& ctx) {
  const ScreenRect& area = ctx.layout.cine_bar;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  ImGui::Begin("##cine", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);
  auto& cine = ctx.ui.cine;
  const Document* doc = ctx.document();
  const int count = cine.frame_count();
  if (!doc || count == 0) {
    ImGui::TextDisabled("No image");
    ImGui::End();
    return;
  }
  ImGui::BeginDisabled(count < 2);
  if (ImGui::Button(cine.playing() ? "Pause" : "Play ", ImVec2(60, 0))) cine.SetPlaying(!cine.playing());
  ImGui::SameLine();
  int shown = cine.frame() + 1;  // readers count frames from 1
  ImGui::SetNextItemWidth(std::max(100.0f, ImGui::GetContentRegionAvail().x - 430));
  if (ImGui::SliderInt("##frame", &shown, 1, std::max(count, 1), "frame %d")) {
    cine.SetPlaying(false);
    cine.Seek(shown - 1);
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  char text[160];
  const int resident = doc->frames ? doc->frames->size() : 0;
  if (count == 1) {
    std::snprintf(text, sizeof text, "single frame");
  } else {
    std::snprintf(text, sizeof text, "%d / %d   %.1f fps%s   decoded %d/%d%s", cine.frame() + 1, count,
                  1000.0 / cine.frame_time_ms(), cine.frame_time_from_file() ? "" : " (no frame time in file)",
                  resident, count, cine.waiting_for_decode() ? "   buffering..." : "");
  }
  ImGui::TextUnformatted(text);
  ImGui::End();
}

}  // namespace antra::viewer::gui
