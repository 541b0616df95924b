#include <imgui.h>

#include "viewer/gui/actions.h"
#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

// A menu item that runs an action, labelled with its first shortcut.
void ActionItem(AppContext& ctx, const char* label, Action action, bool enabled = true, bool checked = false) {
  std::string chord;
  for (const auto& s : Shortcuts()) {
    if (s.action == action) {
      chord = ChordLabel(s);
      break;
    }
  }
  if (ImGui::MenuItem(label, chord.c_str(), checked, enabled)) RunAction(action, ctx);
}

}  // namespace

void MenuBar::Draw(AppContext& ctx) {
  if (!ImGui::BeginMainMenuBar()) return;
  auto* review = ctx.review();
  if (ImGui::BeginMenu("File")) {
    ActionItem(ctx, "Open file or folder...", Action::kOpenBrowser, true, ctx.ui.browser.open);
    ActionItem(ctx, "Next image in folder", Action::kNextFile, !ctx.ui.session_images.empty());
    ActionItem(ctx, "Previous image in folder", Action::kPreviousFile, !ctx.ui.session_images.empty());
    ImGui::Separator();
    ActionItem(ctx, "Save review", Action::kSave, review != nullptr);
    ImGui::Separator();
    if (ImGui::MenuItem("Quit")) ctx.Post(QuitCommand{});
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    const std::string undo = "Undo " + (review ? review->UndoDescription() : std::string());
    const std::string redo = "Redo " + (review ? review->RedoDescription() : std::string());
    ActionItem(ctx, undo.c_str(), Action::kUndo, review && review->CanUndo());
    ActionItem(ctx, redo.c_str(), Action::kRedo, review && review->CanRedo());
    ImGui::Separator();
    ActionItem(ctx, "Accept selected follicle", Action::kAccept, ctx.ui.selection.follicle.has_value());
    ActionItem(ctx, "Reject selected follicle", Action::kReject, ctx.ui.selection.follicle.has_value());
    ActionItem(ctx, "Delete selected", Action::kDelete,
               ctx.ui.selection.follicle.has_value() || ctx.ui.selection.caliper.has_value());
    ImGui::Separator();
    ActionItem(ctx, "Left ovary", Action::kAssignLeft, review != nullptr);
    ActionItem(ctx, "Right ovary", Action::kAssignRight, review != nullptr);
    ActionItem(ctx, "Ovary unknown", Action::kUnassignSide, review != nullptr);
    ActionItem(ctx, "No ovary on this scan (uterus, bladder...)", Action::kNoOvaryScan, ctx.visit_scan() != nullptr);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Tools")) {
    const Tool tool = ctx.ui.interaction.tool();
    if (ImGui::MenuItem("Navigate", "Esc", tool == Tool::kNavigate)) ctx.ui.interaction.SetTool(Tool::kNavigate);
    ActionItem(ctx, "Caliper", Action::kCaliperTool, true, tool == Tool::kCaliper);
    ActionItem(ctx, "Add follicle (length, then width)", Action::kFollicleTool, true, tool == Tool::kFollicle);
    ActionItem(ctx, "Box around the ovary (analyse again inside it)", Action::kOvaryBoxTool, true, tool == Tool::kOvaryBox);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ActionItem(ctx, "Fit to window", Action::kFit);
    ActionItem(ctx, "Zoom in", Action::kZoomIn);
    ActionItem(ctx, "Zoom out", Action::kZoomOut);
    ActionItem(ctx, "Colour", Action::kToggleColour, true, ctx.ui.colour);
    ActionItem(ctx, "Estimated ovary outline", Action::kToggleEstimatedOvary, true, ctx.ui.show_estimated_ovary);
    ImGui::Separator();
    const Action presets[] = {Action::kPreset1, Action::kPreset2, Action::kPreset3, Action::kPreset4};
    for (size_t i = 0; i < WindowLevelPresets().size(); ++i) {
      const std::string name(WindowLevelPresets()[i].name);
      ActionItem(ctx, name.c_str(), presets[i], true, ctx.ui.window_level == WindowLevelPresets()[i].value);
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ActionItem(ctx, "Keyboard shortcuts", Action::kToggleHelp, true, ctx.ui.show_help);
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

}  // namespace antra::viewer::gui
