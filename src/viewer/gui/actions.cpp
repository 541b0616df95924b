#include "viewer/gui/actions.h"

#include <imgui.h>

#include <algorithm>

namespace antra::viewer::gui {
namespace {

std::string FollicleName(int id) { return "follicle #" + std::to_string(id); }

void StepFrame(AppContext& ctx, int delta) {
  ctx.ui.cine.SetPlaying(false);
  ctx.ui.cine.Step(delta);
}

void ApplyPreset(AppContext& ctx, int index) {
  const auto& preset = WindowLevelPresets()[static_cast<size_t>(index)];
  ctx.ui.window_level = preset.value;
  ctx.Status(std::string("window/level: ") + std::string(preset.name));
}

void Undo(AppContext& ctx, bool redo) {
  auto* review = ctx.review();
  if (!review) return;
  const std::string what = redo ? review->RedoDescription() : review->UndoDescription();
  const bool done = redo ? review->Redo() : review->Undo();
  if (!done) {
    ctx.Status(redo ? "nothing to redo" : "nothing to undo");
    return;
  }
  ctx.ui.interaction.Cancel();
  // The selection may point at something the undo removed.
  const auto& state = review->state();
  if (ctx.ui.selection.follicle && !state.FindFollicle(*ctx.ui.selection.follicle)) ctx.ui.selection.follicle.reset();
  if (ctx.ui.selection.caliper && !state.FindCaliper(*ctx.ui.selection.caliper)) ctx.ui.selection.caliper.reset();
  ctx.Status(std::string(redo ? "redid: " : "undid: ") + what);
}

void SelectRelative(AppContext& ctx, int step) {
  auto* review = ctx.review();
  if (!review || review->state().follicles.empty()) return;
  const auto& follicles = review->state().follicles;
  int index = -1;
  for (size_t i = 0; i < follicles.size(); ++i) {
    if (ctx.ui.selection.follicle == follicles[i].id) index = static_cast<int>(i);
  }
  const int n = static_cast<int>(follicles.size());
  index = index < 0 ? (step > 0 ? 0 : n - 1) : ((index + step) % n + n) % n;
  SelectFollicle(ctx, follicles[static_cast<size_t>(index)].id);
}

void Cancel(AppContext& ctx) {
  if (ctx.ui.show_help) {
    ctx.ui.show_help = false;
    return;
  }
  if (!ctx.ui.interaction.Cancel()) ctx.ui.interaction.SetTool(Tool::kNavigate);
  ctx.Status("");
}

}  // namespace

void SelectFollicle(AppContext& ctx, int id) {
  auto* review = ctx.review();
  if (!review) return;
  const auto* f = review->state().FindFollicle(id);
  if (!f) return;
  ctx.ui.selection.Clear();
  ctx.ui.selection.follicle = id;
  ctx.ui.cine.SetPlaying(false);
  ctx.ui.cine.Seek(f->frame);
}

void SetDecisionOfSelected(AppContext& ctx, Decision decision) {
  auto* review = ctx.review();
  if (!review || !ctx.ui.selection.follicle) {
    ctx.Status("select a follicle first (click it, or Tab)");
    return;
  }
  const int id = *ctx.ui.selection.follicle;
  CommitEdit(ctx, std::string(decision == Decision::kAccepted ? "accept " : "reject ") + FollicleName(id),
             WithDecision(review->state(), id, decision));
}

void DeleteSelected(AppContext& ctx) {
  auto* review = ctx.review();
  if (!review) return;
  if (ctx.ui.selection.follicle) {
    const int id = *ctx.ui.selection.follicle;
    if (!CommitEdit(ctx, "delete " + FollicleName(id), WithFollicleDeleted(review->state(), id))) return;
  } else if (ctx.ui.selection.caliper) {
    const int id = *ctx.ui.selection.caliper;
    if (!CommitEdit(ctx, "delete caliper #" + std::to_string(id), WithCaliperDeleted(review->state(), id))) return;
  } else {
    ctx.Status("select a follicle or caliper first");
    return;
  }
  ctx.ui.selection.Clear();
}

void AssignSide(AppContext& ctx, const std::string& side) {
  auto* review = ctx.review();
  if (!review) return;
  const std::string label = side == "L" ? "left" : side == "R" ? "right" : "unknown";
  if (ctx.ui.selection.follicle && review->per_follicle_sides()) {
    const int id = *ctx.ui.selection.follicle;
    CommitEdit(ctx, FollicleName(id) + ": ovary " + label, WithFollicleSide(review->state(), id, side));
  } else {
    // In a visit the whole scan belongs to one ovary.
    CommitEdit(ctx, "image: ovary " + label, WithImageSide(review->state(), side));
  }
}

void OpenNeighbourImage(AppContext& ctx, int step) {
  const auto* doc = ctx.document();
  if (!doc || ctx.ui.session_images.empty()) {
    ctx.Status("no other images: open a folder to step through its images");
    return;
  }
  auto next = NeighbourImage(ctx.ui.session_images, doc->path, step);
  if (!next) {
    ctx.Status(step > 0 ? "this is the last image" : "this is the first image");
    return;
  }
  ctx.Post(OpenCommand{next->string()});
}

bool CommitEdit(AppContext& ctx, const std::string& description, ReviewState next) {
  ReviewModel* review = ctx.review();
  if (!review) return false;
  if (review->Commit(description, std::move(next))) return true;
  // A visit edit waiting for a name or reason is asked for by the details prompt.
  if (auto* scan = ctx.visit_scan(); !(scan && scan->has_pending_edit())) ctx.Status(review->last_error(), true);
  return false;
}

namespace {

std::string BoxText(const cv::Rect& box) {
  return "(x " + std::to_string(box.x) + ", y " + std::to_string(box.y) + ", " + std::to_string(box.width) + " x " +
         std::to_string(box.height) + " px)";
}

// A box on a visit's scan: recorded with the scan (drawn again on reopening),
// the pending follicles outside it rejected on the counting scan, and what
// the analysis with the box found inside it added, all one visit edit.
void CommitVisitOvaryBox(AppContext& ctx, const cv::Rect& box, std::optional<ImageAnalysis> analysis,
                         const std::string& why_no_analysis) {
  VisitScanReview* scan = ctx.visit_scan();
  if (!scan) return;
  const bool counting = scan->is_counting_scan();
  int rejected = 0;
  // Nothing on a scan not counted is rejected: the analysis replaces its candidates.
  ReviewState next = counting ? WithPendingOutsideRejected(scan->state(), box, &rejected) : scan->state();
  next.ovary_box_px = box;
  std::string what = rejected == 0 ? "ovary box " + BoxText(box) + ": no follicle waiting for review lies outside it"
                                   : "reject " + std::to_string(rejected) + " follicle(s) outside the ovary box " +
                                         BoxText(box);
  const bool with_analysis = analysis.has_value();
  if (!scan->CommitOvaryBox(what, std::move(next), std::move(analysis))) {
    if (!scan->has_pending_edit()) ctx.Status(scan->last_error(), true);
    return;
  }
  if (!with_analysis) {
    what += "; " + why_no_analysis;
  } else if (counting) {
    what += "; the analysis with the box added " + std::to_string(scan->box_follicles_added()) +
            " follicle(s) inside it";
  } else {
    what += "; this scan is not counted: its candidates are now those the analysis found inside the box";
  }
  ctx.Status(what);
}

}  // namespace

void UseOvaryBox(AppContext& ctx, const cv::Rect& box) {
  if (!ctx.visit()) {
    if (Status s = ctx.documents.AnalyseWithOvary(pipeline::GivenOvaryFromBox(box)); !s) {
      ctx.Status("ovary box: " + s.error().message, true);
    } else {
      ctx.Status("analysing again with the ovary box (" + std::to_string(box.width) + " x " +
                 std::to_string(box.height) + " px)");
    }
    return;
  }
  if (!ctx.visit_scan()) {
    // An image that is not one of the visit's scans: its own review.
    ReviewModel* review = ctx.review();
    if (!review) return;
    int rejected = 0;
    ReviewState next = WithPendingOutsideRejected(review->state(), box, &rejected);
    const std::string what = "ovary box " + BoxText(box) + ": " + std::to_string(rejected) + " follicle(s) rejected";
    if (CommitEdit(ctx, what, std::move(next))) ctx.Status(what);
    return;
  }
  if (ctx.documents.CanAnalyseWithOvary()) {
    if (Status s = ctx.documents.AnalyseForVisit(box); s) {
      ctx.Status("ovary box " + BoxText(box) + ": finding the follicles inside it ...");
      return;  // FinishOvaryBox commits it when the analysis is back
    }
  }
  CommitVisitOvaryBox(ctx, box, std::nullopt, "not analysed again (no pipeline: --no-auto-analysis)");
}

void FinishOvaryBox(AppContext& ctx, DocumentController::VisitBoxAnalysis outcome) {
  const Document* doc = ctx.document();
  // The reader moved to another image or visit meanwhile: the box was never committed.
  if (!doc || doc->generation != outcome.generation || !ctx.visit_scan()) return;
  if (!outcome.result) {
    CommitVisitOvaryBox(ctx, outcome.box, std::nullopt, "the analysis with the box failed: " +
                                                            outcome.result.error().message);
  } else if (!outcome.result->has_value()) {
    CommitVisitOvaryBox(ctx, outcome.box, std::nullopt, "no analysis with the box for this image");
  } else {
    CommitVisitOvaryBox(ctx, outcome.box, std::move(*outcome.result).value(), "");
  }
}

namespace {

VisitSession* RequireVisit(AppContext& ctx) {
  VisitSession* visit = ctx.visit();
  if (!visit) ctx.Status("open a visit first (--results RESULTS, then pick one in the worklist)", true);
  return visit;
}

// The ovary of the scan on screen, when it belongs to the open visit.
std::optional<Side> ShownSide(AppContext& ctx) {
  auto* scan = ctx.visit_scan();
  if (!scan) {
    ctx.Status("the image shown is not a scan of the open visit", true);
    return std::nullopt;
  }
  if (!IsOvarySide(scan->side())) {
    ctx.Status(scan->side() == Side::kNotOvary ? "this scan is marked as showing no ovary (Visit panel: scans)"
                                               : "assign this scan to an ovary first (Shift+L or Shift+R)",
               true);
    return std::nullopt;
  }
  return scan->side();
}

std::string SideName(Side side) { return side == Side::kLeft ? "left" : "right"; }

}  // namespace

void MarkScanNotOvary(AppContext& ctx, const std::string& sop_instance_uid) {
  ApplyVisitEdit(ctx, "scan " + sop_instance_uid + ": no ovary",
                 [sop_instance_uid](VisitEditor& e, const std::string& who, const std::string& reason) {
                   return e.SetScanSide(sop_instance_uid, Side::kNotOvary, who, reason);
                 });
}

void ApplyVisitEdit(AppContext& ctx, const std::string& description, const VisitEdit& edit) {
  VisitSession* visit = RequireVisit(ctx);
  if (!visit) return;
  if (visit->MissingForEdit() != VisitSession::Missing::kNothing) {
    ctx.ui.waiting_for_details = [description, edit](AppContext& c) { ApplyVisitEdit(c, description, edit); };
    return;
  }
  if (Status s = visit->Apply(description, edit); !s) {
    ctx.Status(s.error().message, true);
    return;
  }
  ctx.Status(description);
}

namespace {

// "; left key image: ..." for each key image a save could not draw.
std::string KeyImageWarning(const VisitSession& visit) {
  std::string out;
  for (const auto& note : visit.key_image_notes()) out += "; " + note;
  return out;
}

}  // namespace

void SaveVisit(AppContext& ctx) {
  VisitSession* visit = RequireVisit(ctx);
  if (!visit) return;
  if (!visit->dirty()) {
    ctx.Status("nothing to save");
    return;
  }
  if (Status s = visit->Save(); !s) {
    ctx.Status("not saved: " + s.error().message, true);
    return;
  }
  (void)ctx.workspace->RefreshWorklist();
  ctx.Status("saved " + visit->ref().subject_id + " visit " + std::to_string(visit->ref().visit_number) +
             KeyImageWarning(*visit));
}

void SignOffVisit(AppContext& ctx) {
  VisitSession* visit = RequireVisit(ctx);
  if (!visit) return;
  if (visit->reviewer.empty()) {
    ctx.ui.waiting_for_details = [](AppContext& c) { SignOffVisit(c); };
    return;
  }
  if (Status s = visit->SignOff(); !s) {
    ctx.Status("not signed off: " + s.error().message, true);
    return;
  }
  (void)ctx.workspace->RefreshWorklist();
  ctx.Status("signed off " + visit->ref().subject_id + " visit " + std::to_string(visit->ref().visit_number) + " as " +
             visit->reviewer + KeyImageWarning(*visit));
}

void MarkShownScanNotOvary(AppContext& ctx) {
  if (!RequireVisit(ctx)) return;
  auto* scan = ctx.visit_scan();
  if (!scan) {
    ctx.Status("the image shown is not a scan of the open visit", true);
    return;
  }
  if (scan->side() == Side::kNotOvary) {
    ctx.Status("this scan is already marked as showing no ovary (Shift+L or Shift+R gives it to an ovary)");
    return;
  }
  MarkScanNotOvary(ctx, scan->sop_instance_uid());
}

void ToggleNotVisualised(AppContext& ctx) {
  const auto side = ShownSide(ctx);
  if (!side || !RequireVisit(ctx)) return;
  const bool now_not_seen = ctx.visit()->visit().ovary(*side).status == OvaryStatus::kNotVisualised;
  const OvaryStatus next = now_not_seen ? OvaryStatus::kMeasured : OvaryStatus::kNotVisualised;
  ApplyVisitEdit(ctx, SideName(*side) + " ovary: " + ToString(next),
                 [side = *side, next](VisitEditor& e, const std::string& who, const std::string& reason) {
                   return e.SetOvaryStatus(side, next, who, reason);
                 });
}

void CountOnThisScan(AppContext& ctx) {
  const auto side = ShownSide(ctx);
  if (!side) return;
  const std::string uid = ctx.visit_scan()->sop_instance_uid();
  ApplyVisitEdit(ctx, SideName(*side) + " ovary: count on this scan",
                 [side = *side, uid](VisitEditor& e, const std::string& who, const std::string& reason) {
                   return e.SetCountingScan(side, uid, who, reason);
                 });
}

void UseCaliperAsOvaryDiameter(AppContext& ctx) {
  const auto side = ShownSide(ctx);
  ReviewModel* review = ctx.review();
  if (!side || !review) return;
  const ManualCaliper* caliper = ctx.ui.selection.caliper ? review->state().FindCaliper(*ctx.ui.selection.caliper) : nullptr;
  if (!caliper) {
    ctx.Status("measure the ovary with a caliper (M), select it, then press O", true);
    return;
  }
  const auto mm = review->calibration().LengthMm(caliper->line.a, caliper->line.b);
  if (!mm) {
    ctx.Status("this caliper has no millimetres", true);
    return;
  }
  OvaryDiameterDraft& d = ctx.ui.diameters[*side == Side::kLeft ? 0 : 1];
  std::optional<double>* next = !d.length ? &d.length : !d.width ? &d.width : &d.height;
  *next = *mm;
  if (d.length && d.width && d.height) SetOvaryDiameters(ctx, *side);
  else ctx.Status(SideName(*side) + " ovary diameter taken; measure the next one (length, width, height)");
}

void SetOvaryDiameters(AppContext& ctx, Side side) {
  const OvaryDiameterDraft d = ctx.ui.diameters[side == Side::kLeft ? 0 : 1];
  ApplyVisitEdit(ctx, SideName(side) + " ovary diameters",
                 [side, d](VisitEditor& e, const std::string& who, const std::string& reason) {
                   return e.SetOvaryDiameters(side, d.length, d.width, d.height, who, reason);
                 });
  // The draft is cleared once the visit holds it (not while a prompt waits).
  if (ctx.visit() && ctx.visit()->visit().ovary(side).length_mm == d.length && d.length) {
    ctx.ui.diameters[side == Side::kLeft ? 0 : 1] = {};
  }
}

void OpenVisit(AppContext& ctx, const VisitRef& ref, const std::string& side) {
  ctx.Post(OpenVisitCommand{ref.subject_id, ref.visit_number, side});
}

void RunAction(Action action, AppContext& ctx) {
  auto& ui = ctx.ui;
  switch (action) {
    case Action::kToggleHelp: ui.show_help = !ui.show_help; break;
    case Action::kPlayPause: ui.cine.SetPlaying(!ui.cine.playing()); break;
    case Action::kNextFrame: StepFrame(ctx, +1); break;
    case Action::kPreviousFrame: StepFrame(ctx, -1); break;
    case Action::kFirstFrame: ui.cine.SetPlaying(false), ui.cine.Seek(0); break;
    case Action::kLastFrame: ui.cine.SetPlaying(false), ui.cine.Seek(ui.cine.frame_count() - 1); break;
    case Action::kGoToFrame: ui.request_go_to_frame = true; break;
    case Action::kFit: ui.view.Fit(); break;
    case Action::kZoomIn: ui.view.SetZoomCentered(ui.view.zoom() * 1.25); break;
    case Action::kZoomOut: ui.view.SetZoomCentered(ui.view.zoom() / 1.25); break;
    case Action::kPreset1: ApplyPreset(ctx, 0); break;
    case Action::kPreset2: ApplyPreset(ctx, 1); break;
    case Action::kPreset3: ApplyPreset(ctx, 2); break;
    case Action::kPreset4: ApplyPreset(ctx, 3); break;
    case Action::kToggleColour: ui.colour = !ui.colour; break;
    case Action::kToggleEstimatedOvary: ui.show_estimated_ovary = !ui.show_estimated_ovary; break;
    case Action::kCaliperTool: ui.interaction.SetTool(Tool::kCaliper); break;
    case Action::kFollicleTool: ui.interaction.SetTool(Tool::kFollicle); break;
    case Action::kOvaryBoxTool:
      // Single images are analysed again with the box; in a visit (whose
      // follicles are the visit's own) the follicles outside it are rejected.
      ui.interaction.SetTool(Tool::kOvaryBox);
      break;
    case Action::kCancel: Cancel(ctx); break;
    case Action::kSelectNext: SelectRelative(ctx, +1); break;
    case Action::kSelectPrevious: SelectRelative(ctx, -1); break;
    case Action::kAccept: SetDecisionOfSelected(ctx, Decision::kAccepted); break;
    case Action::kReject: SetDecisionOfSelected(ctx, Decision::kRejected); break;
    case Action::kDelete: DeleteSelected(ctx); break;
    case Action::kAssignLeft: AssignSide(ctx, "L"); break;
    case Action::kAssignRight: AssignSide(ctx, "R"); break;
    case Action::kUnassignSide: AssignSide(ctx, ""); break;
    case Action::kUndo: Undo(ctx, false); break;
    case Action::kRedo: Undo(ctx, true); break;
    case Action::kOpenBrowser: ui.browser.open = !ui.browser.open; break;
    case Action::kNextFile: OpenNeighbourImage(ctx, +1); break;
    case Action::kPreviousFile: OpenNeighbourImage(ctx, -1); break;
    case Action::kSave:
      if (ctx.visit()) SaveVisit(ctx);
      else ctx.Post(SaveReviewCommand{});
      break;
    case Action::kSignOff: SignOffVisit(ctx); break;
    case Action::kNotVisualised: ToggleNotVisualised(ctx); break;
    case Action::kCountOnThisScan: CountOnThisScan(ctx); break;
    case Action::kNoOvaryScan: MarkShownScanNotOvary(ctx); break;
    case Action::kOvaryDiameter: UseCaliperAsOvaryDiameter(ctx); break;
    case Action::kNextVisit:
    case Action::kPreviousVisit: {
      const auto next = ctx.workspace ? ctx.workspace->Neighbour(action == Action::kNextVisit ? +1 : -1) : std::nullopt;
      if (next) OpenVisit(ctx, *next, "");
      else ctx.Status(ctx.workspace ? "no more visits in the worklist" : "open a results folder (--results) for visits");
      break;
    }
    case Action::kActionCount: break;
  }
}

void DispatchShortcuts(AppContext& ctx) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing into a field
  const Modifiers mods{io.KeyCtrl, io.KeyShift, io.KeyAlt, io.KeySuper};
  for (const auto& shortcut : Shortcuts()) {
    if (!ImGui::IsKeyPressed(shortcut.key, /*repeat=*/true)) continue;
    // Rows sharing a key differ in modifiers, so at most one of them matches.
    if (auto action = MatchShortcut(shortcut.key, mods); action && *action == shortcut.action) RunAction(*action, ctx);
  }
}

}  // namespace antra::viewer::gui
