#include <imgui.h>

#include <cstdlib>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {

void GoToFramePopup::Draw(AppContext& ctx) {
  if (ctx.ui.request_go_to_frame) {
    ctx.ui.request_go_to_frame = false;
    if (ctx.ui.cine.frame_count() > 0) {
      input_[0] = '\0';
      focus_ = true;
      ImGui::OpenPopup("Go to frame");
    }
  }
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 3),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopup("Go to frame")) return;
  ImGui::Text("Frame (1 to %d), then Enter:", ctx.ui.cine.frame_count());
  if (focus_) {
    ImGui::SetKeyboardFocusHere();
    focus_ = false;
  }
  if (ImGui::InputText("##frame", input_, sizeof input_,
                       ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_EnterReturnsTrue)) {
    const int frame = std::atoi(input_);
    if (frame >= 1 && frame <= ctx.ui.cine.frame_count()) {
      ctx.ui.cine.SetPlaying(false);
      ctx.ui.cine.Seek(frame - 1);
    } else {
      ctx.Status("no frame " + std::string(input_), true);
    }
    ImGui::CloseCurrentPopup();
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace antra::viewer::gui
