#pragma once
// What each shortcut (and the matching menu item or button) does. One place,
// so a key, a menu and a script all end in the same code.

#include "viewer/gui/app_context.h"
#include "viewer/shortcuts.h"

namespace antra::viewer::gui {

void RunAction(Action action, AppContext& ctx);
// Matches this frame's key presses against the shortcut table. Keys go to a
// text field instead while one is being edited.
void DispatchShortcuts(AppContext& ctx);

// Review edits on the selection, shared by shortcuts, buttons and the table.
void SetDecisionOfSelected(AppContext& ctx, Decision decision);
void DeleteSelected(AppContext& ctx);
void AssignSide(AppContext& ctx, const std::string& side);
void SelectFollicle(AppContext& ctx, int id);  // also shows its frame
void OpenNeighbourImage(AppContext& ctx, int step);

}  // namespace antra::viewer::gui
