#include <imgui.h>
#include <imgui_stdlib.h>

#include <cstdio>

#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

std::string Mm(const std::optional<double>& v, const char* unit = " mm") {
  if (!v) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%s", *v, unit);
  return text;
}

std::string ShortUid(const std::string& uid) { return uid.size() > 12 ? "..." + uid.substr(uid.size() - 10) : uid; }

void ReviewLine(const VisitSession& session) {
  const VisitResult& v = session.visit();
  if (v.signed_off()) {
    ImGui::TextColored(ImVec4(0.4f, 1, 0.5f, 1), "Signed off by %s at %s", v.review.reviewer.c_str(),
                       v.review.signed_at.c_str());
  } else {
    ImGui::TextColored(ImVec4(1, 0.84f, 0, 1), "Unreviewed%s", v.reviewer_changes ? " (edited)" : "");
  }
  if (session.dirty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "  %zu unsaved edit(s)", session.unsaved_audit().size());
  }
  if (session.pending_automatic()) {
    ImGui::TextColored(ImVec4(1, 0.5f, 0.3f, 1),
                       "A newer automatic result is waiting (antra review --adopt-pending or --discard-pending).");
  }
}

void DiameterField(const char* label, std::optional<double>& value) {
  double v = value.value_or(0);
  ImGui::SetNextItemWidth(70);
  if (ImGui::InputDouble(label, &v, 0, 0, "%.1f")) value = v > 0 ? std::optional(v) : std::nullopt;
  ImGui::SameLine();
}

void OvaryBlock(AppContext& ctx, Side side) {
  const VisitSession& session = *ctx.visit();
  const OvaryResult& o = session.visit().ovary(side);
  const char* name = side == Side::kLeft ? "Left ovary" : "Right ovary";
  ImGui::PushID(name);
  ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "%s: %s%s", name, ToString(o.status),
                     o.status_by_reviewer ? " (reviewer)" : "");
  if (const auto counts = o.Counts()) {
    ImGui::Text("AFC %d   2-<6: %d   6-10: %d   >10: %d   largest %s", counts->afc(), counts->from_2_to_6,
                counts->from_6_to_10, counts->over_10, Mm(o.LargestFollicleMm()).c_str());
  } else {
    ImGui::TextDisabled("no AFC (%s)", o.status == OvaryStatus::kMeasured ? "no calibrated counting scan" : ToString(o.status));
  }
  if (!o.counting_scan.empty()) {
    const ScanEntry* scan = session.visit().FindScan(o.counting_scan);
    ImGui::Text("Counting scan %s (%s, %s)%s", ShortUid(o.counting_scan).c_str(),
                scan && scan->kind() == ScanKind::kSweep ? "sweep" : "still", ToString(o.basis),
                o.afc_from_single_frame() ? ", AFC from a single frame" : "");
  }
  OvaryDiameterDraft& draft = ctx.ui.diameters[side == Side::kLeft ? 0 : 1];
  ImGui::Text("Diameters L %s, W %s, H %s   volume %s", Mm(o.length_mm).c_str(), Mm(o.width_mm).c_str(),
              Mm(o.height_mm).c_str(), Mm(o.VolumeMl(), " ml").c_str());
  DiameterField("L##d", draft.length);
  DiameterField("W##d", draft.width);
  DiameterField("H##d", draft.height);
  if (ImGui::SmallButton("Set")) SetOvaryDiameters(ctx, side);
  const std::string toggle = o.status == OvaryStatus::kNotVisualised ? "Mark measured" : "Not visualised";
  if (ImGui::SmallButton(toggle.c_str())) {
    const OvaryStatus next = o.status == OvaryStatus::kNotVisualised ? OvaryStatus::kMeasured : OvaryStatus::kNotVisualised;
    ApplyVisitEdit(ctx, std::string(side == Side::kLeft ? "left" : "right") + " ovary: " + ToString(next),
                   [side, next](VisitEditor& e, const std::string& who, const std::string& reason) {
                     return e.SetOvaryStatus(side, next, who, reason);
                   });
  }
  ImGui::PopID();
}

void ScanList(AppContext& ctx) {
  const VisitSession& session = *ctx.visit();
  const Document* doc = ctx.document();
  const std::string shown = doc && doc->info ? doc->info->sop_instance_uid : "";
  if (!ImGui::BeginTable("##scans", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) return;
  ImGui::TableSetupColumn("scan");
  ImGui::TableSetupColumn("side");
  ImGui::TableSetupColumn("kind");
  ImGui::TableSetupColumn("follicles");
  ImGui::TableSetupColumn("");
  ImGui::TableHeadersRow();
  for (const auto& scan : session.visit().scans) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted((ShortUid(scan.sop_instance_uid) + (scan.sop_instance_uid == shown ? " *" : "")).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(ToString(scan.side));
    ImGui::TableNextColumn();
    ImGui::Text("%s%s", scan.kind() == ScanKind::kSweep ? "sweep" : "still", scan.calibrated ? "" : " (uncalibrated)");
    ImGui::TableNextColumn();
    ImGui::Text("%zu", scan.follicles.size());
    ImGui::TableNextColumn();
    ImGui::PushID(scan.sop_instance_uid.c_str());
    if (const auto path = session.PathOf(scan.sop_instance_uid)) {
      if (ImGui::SmallButton("show")) ctx.Post(OpenCommand{path->string()});
    } else {
      ImGui::TextDisabled("file unknown");
    }
    // A uterus, bladder or Doppler image of the exam: listed, never counted,
    // and no longer waiting for a side. Shift+L / Shift+R on the image undo it.
    if (scan.side != Side::kNotOvary) {
      ImGui::SameLine();
      if (ImGui::SmallButton("no ovary")) MarkScanNotOvary(ctx, scan.sop_instance_uid);
    }
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace

void VisitPanel::Draw(AppContext& ctx) {
  if (!ctx.workspace) {
    ImGui::TextDisabled("Open a results folder (antra-view --results RESULTS) to review visits.");
    return;
  }
  VisitSession* session = ctx.visit();
  if (!session) {
    ImGui::TextDisabled("Pick a visit in the worklist.");
    return;
  }
  // Never the treatment arm: the viewer does not read it.
  ImGui::Text("Subject %s, visit %d (target %s)", session->ref().subject_id.c_str(), session->ref().visit_number,
              session->visit().TargetDate().c_str());
  ReviewLine(*session);
  ImGui::SetNextItemWidth(200);
  if (ImGui::InputText("Reviewer", &session->reviewer)) ctx.workspace->reviewer = session->reviewer;
  if (auto* scan = ctx.visit_scan(); scan && !scan->is_counting_scan()) {
    ImGui::TextColored(ImVec4(1, 0.84f, 0, 1), "The scan shown is not counted (Shift+C counts this ovary on it).");
  } else if (!ctx.visit_scan() && ctx.document()) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.3f, 1), "The image shown is not a scan of this visit.");
  }
  for (Side side : {Side::kLeft, Side::kRight}) OvaryBlock(ctx, side);
  if (const auto total = session->visit().TotalAfc()) ImGui::Text("Total AFC %d", *total);
  else ImGui::TextDisabled("Total AFC: needs both ovaries counted");
  if (ImGui::TreeNode("Scans")) {
    ScanList(ctx);
    ImGui::TreePop();
  }
  ImGui::BeginDisabled(!session->dirty());
  if (ImGui::Button("Save (Ctrl+S)")) SaveVisit(ctx);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(session->visit().signed_off());
  if (ImGui::Button("Sign off (Ctrl+Shift+S)")) SignOffVisit(ctx);
  ImGui::EndDisabled();
}

}  // namespace antra::viewer::gui
