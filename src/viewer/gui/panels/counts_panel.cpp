#include <imgui.h>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

void CountsRow(const char* name, const SizeCounts& c, bool bold) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  const int values[] = {c.from_2_to_6, c.from_6_to_10, c.afc(), c.over_10, c.under_2};
  for (int i = 0; i < 5; ++i) {
    ImGui::TableNextColumn();
    if (bold && i == 2) ImGui::TextColored(ImVec4(0.4f, 1, 0.5f, 1), "%d", values[i]);
    else ImGui::Text("%d", values[i]);
  }
}

}  // namespace

namespace {

// In a visit the count is the visit's: each ovary on its counting scan.
void VisitCounts(AppContext& ctx) {
  const VisitResult& visit = ctx.visit()->visit();
  if (ImGui::BeginTable("##visit-afc", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) {
    for (const char* h : {"ovary", "2-<6", "6-10", "AFC", ">10", "<2"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (Side side : {Side::kLeft, Side::kRight}) {
      const OvaryResult& o = visit.ovary(side);
      if (const auto counts = o.Counts()) {
        CountsRow(side == Side::kLeft ? "left" : "right", *counts, false);
      } else {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(side == Side::kLeft ? "left" : "right");
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", ToString(o.status));
      }
    }
    ImGui::EndTable();
  }
  if (const auto total = visit.TotalAfc()) ImGui::TextColored(ImVec4(0.4f, 1, 0.5f, 1), "Total AFC %d", *total);
  else ImGui::TextDisabled("Total AFC: needs an AFC for both ovaries");
  ImGui::TextWrapped("AFC: follicles of 2 to 10 mm mean diameter on each ovary's counting scan.");
}

}  // namespace

void CountsPanel::Draw(AppContext& ctx) {
  if (ctx.visit() && ctx.visit_scan()) {
    VisitCounts(ctx);
    return;
  }
  ReviewModel* review = ctx.review();
  if (!review) {
    ImGui::TextDisabled("No image open");
    return;
  }
  if (!ctx.calibrated()) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "No AFC: the image is uncalibrated (no millimetres).");
    return;
  }
  const ReviewCounts counts = CountReview(review->state());
  if (ImGui::BeginTable("##afc", 6, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableSetupColumn("ovary");
    ImGui::TableSetupColumn("2-<6");
    ImGui::TableSetupColumn("6-10");
    ImGui::TableSetupColumn("AFC");
    ImGui::TableSetupColumn(">10");
    ImGui::TableSetupColumn("<2");
    ImGui::TableHeadersRow();
    CountsRow("left", counts.left, false);
    CountsRow("right", counts.right, false);
    if (counts.unassigned.afc() + counts.unassigned.over_10 + counts.unassigned.under_2 > 0) {
      CountsRow("unknown", counts.unassigned, false);
    }
    CountsRow("total", counts.total(), true);
    ImGui::EndTable();
  }
  ImGui::TextWrapped("AFC: follicles of 2 to 10 mm mean diameter that are not rejected, both ovaries added.");
  if (counts.pending > 0) ImGui::TextColored(ImVec4(1, 0.84f, 0, 1), "%d not yet reviewed (counted)", counts.pending);
  if (counts.rejected > 0) ImGui::TextDisabled("%d rejected (not counted)", counts.rejected);
  if (counts.without_mm > 0) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%d without mm (caliper across two regions): not counted",
                       counts.without_mm);
  }
  if (counts.unassigned.afc() > 0) ImGui::TextColored(ImVec4(1, 0.84f, 0, 1), "ovary unknown for some: Shift+L / Shift+R");
}

}  // namespace antra::viewer::gui
