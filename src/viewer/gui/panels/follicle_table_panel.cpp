#include <imgui.h>

#include <cstdio>

#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

std::string Mm(const std::optional<double>& v) {
  if (!v) return "-";
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", *v);
  return text;
}

const char* BinLabel(const FollicleMeasurement& m) {
  if (!m.mean_mm) return "-";
  switch (BinOf(*m.mean_mm)) {
    case SizeBin::kUnder2: return "<2";
    case SizeBin::k2ToUnder6: return "2-<6";
    case SizeBin::k6To10: return "6-10";
    case SizeBin::kOver10: return ">10";
  }
  return "-";
}

ImVec4 DecisionColour(Decision d) {
  switch (d) {
    case Decision::kAccepted: return ImVec4(0.3f, 0.9f, 0.4f, 1);
    case Decision::kRejected: return ImVec4(0.95f, 0.35f, 0.35f, 1);
    case Decision::kPending: return ImVec4(1, 0.84f, 0, 1);
  }
  return ImVec4(1, 1, 1, 1);
}

void Buttons(AppContext& ctx) {
  const bool selected = ctx.ui.selection.follicle.has_value();
  ImGui::BeginDisabled(!selected);
  if (ImGui::Button("Accept (A)")) SetDecisionOfSelected(ctx, Decision::kAccepted);
  ImGui::SameLine();
  if (ImGui::Button("Reject (R)")) SetDecisionOfSelected(ctx, Decision::kRejected);
  ImGui::SameLine();
  if (ImGui::Button("Delete")) DeleteSelected(ctx);
  ImGui::SameLine();
  if (ImGui::Button("Left")) AssignSide(ctx, "L");
  ImGui::SameLine();
  if (ImGui::Button("Right")) AssignSide(ctx, "R");
  ImGui::EndDisabled();
}

}  // namespace

void FollicleTablePanel::Draw(AppContext& ctx) {
  ReviewModel* review = ctx.review();
  if (!review) {
    ImGui::TextDisabled("No image open");
    return;
  }
  const ReviewState& state = review->state();
  if (state.follicles.empty()) {
    ImGui::TextDisabled("No follicles. Press F to add one (length, then width).");
    return;
  }
  Buttons(ctx);
  const bool mm = review->calibration().calibrated();
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingFixedFit;
  const float height = std::min(ImGui::GetTextLineHeightWithSpacing() * (state.follicles.size() + 1.5f), 320.0f);
  if (!ImGui::BeginTable("##follicles", 8, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#");
  ImGui::TableSetupColumn(mm ? "L mm" : "L px");
  ImGui::TableSetupColumn(mm ? "W mm" : "W px");
  ImGui::TableSetupColumn("MD mm");
  ImGui::TableSetupColumn("bin");
  ImGui::TableSetupColumn("frame");
  ImGui::TableSetupColumn("side");
  ImGui::TableSetupColumn("status");
  ImGui::TableHeadersRow();
  std::optional<int> clicked;
  for (const auto& f : state.follicles) {
    const auto& m = f.measurement;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    // In a visit, its own follicle IDs (L3, R1...).
    const VisitScanReview* scan = ctx.visit_scan();
    const std::string visit_id = scan ? scan->VisitFollicleId(f.id) : std::string();
    const std::string label = (visit_id.empty() ? std::to_string(f.id) : visit_id) + "##row" + std::to_string(f.id);
    if (ImGui::Selectable(label.c_str(), ctx.ui.selection.follicle == f.id, ImGuiSelectableFlags_SpanAllColumns)) {
      clicked = f.id;
    }
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(mm ? Mm(m.long_mm).c_str() : Mm(m.long_axis.LengthPx()).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(mm ? Mm(m.short_mm).c_str() : Mm(m.short_axis.LengthPx()).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(Mm(m.mean_mm).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(BinLabel(m));
    ImGui::TableNextColumn();
    ImGui::Text("%d", f.frame + 1);
    ImGui::TableNextColumn();
    const std::string side = EffectiveSide(state, f);
    ImGui::TextUnformatted(side.empty() ? "?" : side.c_str());
    ImGui::TableNextColumn();
    std::string status = ToString(f.decision);
    if (m.origin != FollicleOrigin::kAutomatic) status += std::string(" (") + ToString(m.origin) + ")";
    ImGui::TextColored(DecisionColour(f.decision), "%s", status.c_str());
  }
  ImGui::EndTable();
  if (clicked) SelectFollicle(ctx, *clicked);
}

}  // namespace antra::viewer::gui
