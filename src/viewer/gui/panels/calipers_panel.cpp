#include <imgui.h>

#include "viewer/gui/overlay.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {

void CalipersPanel::Draw(AppContext& ctx) {
  ReviewModel* review = ctx.review();
  if (!review) {
    ImGui::TextDisabled("No image open");
    return;
  }
  const ReviewState& state = review->state();
  if (state.calipers.empty()) {
    ImGui::TextDisabled("No calipers. Press M, then click both ends of a distance.");
    return;
  }
  std::optional<int> clicked;
  for (const auto& c : state.calipers) {
    const std::string label = "D" + std::to_string(c.id) + "  frame " + std::to_string(c.frame + 1) + "  " +
                              LengthLabel(review->calibration(), c.line.a, c.line.b) + "##cal" + std::to_string(c.id);
    if (ImGui::Selectable(label.c_str(), ctx.ui.selection.caliper == c.id)) clicked = c.id;
  }
  if (clicked) {
    ctx.ui.selection.Clear();
    ctx.ui.selection.caliper = *clicked;
    if (const auto* c = state.FindCaliper(*clicked)) {
      ctx.ui.cine.SetPlaying(false);
      ctx.ui.cine.Seek(c->frame);
    }
  }
}

}  // namespace antra::viewer::gui
