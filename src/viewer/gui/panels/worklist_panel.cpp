#include <imgui.h>

#include <cstdio>

#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

std::string Afc(const std::optional<int>& afc) { return afc ? std::to_string(*afc) : "-"; }

std::string VisitLabel(const WorklistVisit& w) {
  const auto& v = w.summary;
  char text[160];
  std::snprintf(text, sizeof text, "%s visit %d  %s  AFC %s%s%s", v.signed_off && !v.pending_automatic ? "   " : "(!)",
                v.visit, v.date.c_str(), Afc(v.total_afc).c_str(), v.signed_off ? "  signed off" : "  to review",
                v.pending_automatic ? ", new automatic result" : "");
  std::string label = text;
  // Sign-off waits for these: say so before the reviewer opens the visit.
  if (v.scans_without_side > 0) label += ", " + std::to_string(v.scans_without_side) + " scan(s) need a side";
  return label;
}

}  // namespace

void WorklistPanel::Draw(AppContext& ctx) {
  if (!ctx.workspace || ctx.ui.browser.open) return;
  const ScreenRect& area = ctx.layout.browser;
  ImGui::SetNextWindowPos(ImVec2(static_cast<float>(area.x), static_cast<float>(area.y)));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(area.width), static_cast<float>(area.height)));
  ImGui::Begin("Worklist##visits", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoCollapse);
  const auto& list = ctx.workspace->worklist();
  const VisitSession* open = ctx.visit();
  int unreviewed = 0;
  for (const auto& w : list) unreviewed += !w.summary.signed_off || w.summary.pending_automatic;
  ImGui::Text("%zu visit(s), %d to review", list.size(), unreviewed);
  if (ImGui::SmallButton("Refresh")) {
    if (Status s = ctx.workspace->RefreshWorklist(); !s) ctx.Status(s.error().message, true);
  }
  ImGui::Separator();
  ImGui::BeginChild("##list");
  // Grouped by subject (in the worklist's unreviewed-first order), then visit, then ovary.
  std::string subject;
  bool subject_open = true;
  for (const auto& w : list) {
    if (w.subject_id != subject) {
      subject = w.subject_id;
      ImGui::SetNextItemOpen(true, ImGuiCond_Once);
      subject_open = ImGui::TreeNode(("Subject " + subject + "##" + subject).c_str());
      if (subject_open) ImGui::TreePop();
    }
    if (!subject_open) continue;
    const VisitRef ref{w.subject_id, w.summary.visit};
    const bool is_open = open && open->ref() == ref;
    ImGui::Indent();
    ImGui::PushStyleColor(ImGuiCol_Text, w.summary.signed_off && !w.summary.pending_automatic
                                             ? ImVec4(0.6f, 0.6f, 0.6f, 1)
                                             : ImVec4(1, 0.9f, 0.5f, 1));
    if (ImGui::Selectable((VisitLabel(w) + "##" + subject + std::to_string(w.summary.visit)).c_str(), is_open)) {
      OpenVisit(ctx, ref, "");
    }
    ImGui::PopStyleColor();
    ImGui::Indent();
    for (const char* side : {"left", "right"}) {
      const std::string& status = side[0] == 'l' ? w.summary.left_status : w.summary.right_status;
      const auto& afc = side[0] == 'l' ? w.summary.left_afc : w.summary.right_afc;
      const std::string label = std::string(side) + ": " + status + ", AFC " + Afc(afc) + "##" + subject +
                                std::to_string(w.summary.visit) + side;
      if (ImGui::Selectable(label.c_str(), false)) OpenVisit(ctx, ref, side);
    }
    ImGui::Unindent();
    ImGui::Unindent();
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace antra::viewer::gui
