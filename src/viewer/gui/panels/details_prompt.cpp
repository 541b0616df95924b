#include <imgui.h>
#include <imgui_stdlib.h>

#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

constexpr const char* kPopup = "Reviewer and reason";

}  // namespace

void DetailsPrompt::Draw(AppContext& ctx) {
  VisitSession* session = ctx.visit();
  VisitScanReview* scan = ctx.visit_scan();
  const bool waiting = (scan && scan->has_pending_edit()) || ctx.ui.waiting_for_details;
  if (!session || !waiting) {
    open_ = false;
    return;
  }
  const auto missing = session->MissingForEdit();
  const bool needs_name = session->reviewer.empty();
  const bool needs_reason = missing == VisitSession::Missing::kReopenReason ||
                            (session->visit().signed_off() && session->reopen_reason.empty());
  if (!open_) {
    open_ = true;
    focus_ = true;
    reviewer_ = session->reviewer;
    reason_.clear();
    ImGui::OpenPopup(kPopup);
  }
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y / 3),
                          ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  if (!ImGui::BeginPopupModal(kPopup, nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  bool apply = false;
  if (needs_reason) {
    const auto& r = session->visit().review;
    ImGui::TextWrapped("This visit was signed off by %s at %s. Changing it reopens it; the reason is kept in its "
                       "audit trail.",
                       r.reviewer.c_str(), r.signed_at.c_str());
  }
  if (needs_name) {
    if (focus_) ImGui::SetKeyboardFocusHere(), focus_ = false;
    ImGui::SetNextItemWidth(320);
    apply |= ImGui::InputText("Your name", &reviewer_, ImGuiInputTextFlags_EnterReturnsTrue) && !needs_reason;
  }
  if (needs_reason) {
    if (focus_) ImGui::SetKeyboardFocusHere(), focus_ = false;
    ImGui::SetNextItemWidth(420);
    apply |= ImGui::InputText("Reason for the change", &reason_, ImGuiInputTextFlags_EnterReturnsTrue);
  }
  const bool complete = !reviewer_.empty() && (!needs_reason || !reason_.empty());
  ImGui::BeginDisabled(!complete);
  apply |= ImGui::Button("Apply (Enter)");
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool cancel = ImGui::Button("Cancel (Esc)") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
  if (apply && complete) {
    session->reviewer = reviewer_;
    ctx.workspace->reviewer = reviewer_;
    if (needs_reason) session->reopen_reason = reason_;
    ImGui::CloseCurrentPopup();
    open_ = false;
    if (scan && scan->has_pending_edit()) {
      if (!scan->RetryPendingEdit()) ctx.Status(scan->last_error(), true);
    }
    if (auto retry = std::move(ctx.ui.waiting_for_details)) {
      ctx.ui.waiting_for_details = nullptr;
      retry(ctx);
    }
  } else if (cancel) {
    if (scan) scan->DropPendingEdit();
    ctx.ui.waiting_for_details = nullptr;
    ImGui::CloseCurrentPopup();
    open_ = false;
    ctx.Status("edit cancelled");
  }
  ImGui::EndPopup();
}

}  // namespace antra::viewer::gui
