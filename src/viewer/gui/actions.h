#pragma once
// What each shortcut (and the matching menu item or button) does. One place,
// so a key, a menu and a script all end in the same code.

#include <functional>

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
// Commits an edit to the open review and reports a refusal in the status line.
bool CommitEdit(AppContext& ctx, const std::string& description, ReviewState next);
// The reader's box around the ovary (full-image pixels): a single image is
// analysed again with that ovary given. On a visit's scan, whose follicles
// are the visit's own, the scan is analysed with the box too (on the worker
// thread); when it is back (FinishOvaryBox) the box is recorded, the
// follicles still pending outside it are rejected and the new ones found
// inside it are added, one audited edit each, one undo step.
void UseOvaryBox(AppContext& ctx, const cv::Rect& box);
// The analysis a box on a visit's scan asked for is back: box, rejections and
// the follicles it found are committed to the visit as one edit.
void FinishOvaryBox(AppContext& ctx, DocumentController::VisitBoxAnalysis outcome);

// Visit actions (--results). Each applies one audited VisitEditor call; when
// the reviewer's name or a reason is missing it asks for it and retries.
using VisitEdit = std::function<Status(VisitEditor&, const std::string& who, const std::string& reason)>;
void ApplyVisitEdit(AppContext& ctx, const std::string& description, const VisitEdit& edit);
// Marks a scan of the open visit as showing no ovary (uterus, bladder, ...).
void MarkScanNotOvary(AppContext& ctx, const std::string& sop_instance_uid);
void SaveVisit(AppContext& ctx);
void SignOffVisit(AppContext& ctx);
void MarkShownScanNotOvary(AppContext& ctx);
void ToggleNotVisualised(AppContext& ctx);
void CountOnThisScan(AppContext& ctx);
void UseCaliperAsOvaryDiameter(AppContext& ctx);
void SetOvaryDiameters(AppContext& ctx, Side side);
void OpenVisit(AppContext& ctx, const VisitRef& ref, const std::string& side);

}  // namespace antra::viewer::gui
