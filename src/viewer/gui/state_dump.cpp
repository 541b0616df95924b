#include "viewer/gui/state_dump.h"

#include "viewer/gui/overlay.h"
#include "viewer/review_json.h"

namespace antra::viewer::gui {
namespace {

using nlohmann::json;

json Rect(const ScreenRect& r) { return json::array({r.x, r.y, r.width, r.height}); }

json PointsJson(const std::vector<cv::Point>& points) {
  json out = json::array();
  for (const auto& p : points) out.push_back({p.x, p.y});
  return out;
}

const char* PhaseName(LoadPhase phase) {
  switch (phase) {
    case LoadPhase::kOpening: return "opening";
    case LoadPhase::kReady: return "ready";
    case LoadPhase::kFailed: return "failed";
  }
  return "";
}

const char* AnalysisName(AnalysisPhase phase) {
  switch (phase) {
    case AnalysisPhase::kNotAvailable: return "not-available";
    case AnalysisPhase::kRunning: return "running";
    case AnalysisPhase::kDone: return "done";
    case AnalysisPhase::kFailed: return "failed";
  }
  return "";
}

json DocumentJson(const Document& doc) {
  json j;
  j["path"] = doc.path.string();
  j["phase"] = PhaseName(doc.phase);
  j["error"] = doc.open_error ? json(doc.open_error->message) : json(nullptr);
  j["frames_decoded"] = doc.frames_decoded;
  j["subject_id"] = doc.subject_id;
  j["frames_resident"] = doc.frames ? doc.frames->size() : 0;
  j["analysis"] = AnalysisName(doc.analysis_phase);
  j["analysis_message"] = doc.analysis_message;
  j["review_restored"] = doc.review_restored;
  j["review_message"] = doc.review_message;
  j["review_path"] = doc.review_path.string();
  if (doc.info) {
    j["width"] = doc.info->width;
    j["height"] = doc.info->height;
    j["frame_count"] = doc.info->frame_count;
    j["calibrated"] = doc.info->calibration.calibrated();
  }
  return j;
}

json Optional(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json OvaryJson(const OvaryResult& o) {
  json follicles = json::array();
  for (const auto& f : o.follicles) follicles.push_back({{"id", f.id}, {"mean_mm", f.mean_mm()}, {"origin", ToString(f.origin)}});
  const auto afc = o.Afc();
  return {{"status", ToString(o.status)},
          {"afc", afc ? json(*afc) : json(nullptr)},
          {"counting_scan", o.counting_scan},
          {"follicles", std::move(follicles)},
          {"diameters_mm", {Optional(o.length_mm), Optional(o.width_mm), Optional(o.height_mm)}},
          {"volume_ml", Optional(o.VolumeMl())}};
}

json VisitJson(AppContext& ctx) {
  const VisitSession& session = *ctx.visit();
  const VisitResult& v = session.visit();
  json j = {{"subject_id", session.ref().subject_id},
            {"visit", session.ref().visit_number},
            {"signed_off", v.signed_off()},
            {"reviewer", v.review.reviewer},
            {"revision", v.revision},
            {"dirty", session.dirty()},
            {"left", OvaryJson(v.left)},
            {"right", OvaryJson(v.right)},
            {"history_visits", ctx.workspace->HistoryOfOpenSubject().size()}};
  if (const auto* scan = ctx.visit_scan()) {
    j["scan"] = {{"sop_instance_uid", scan->sop_instance_uid()},
                 {"side", ToString(scan->side())},
                 {"counting", scan->is_counting_scan()},
                 {"pending_edit", scan->has_pending_edit()}};
  } else {
    j["scan"] = nullptr;
  }
  return j;
}

json WorklistJson(const VisitWorkspace& workspace) {
  json list = json::array();
  for (const auto& w : workspace.worklist()) {
    list.push_back({{"subject_id", w.subject_id}, {"visit", w.summary.visit}, {"signed_off", w.summary.signed_off}});
  }
  return list;
}

}  // namespace

json StateToJson(AppContext& ctx) {
  const UiState& ui = ctx.ui;
  json j;
  j["view"] = {{"zoom", ui.view.zoom()},
               {"viewport", Rect(ui.view.viewport())},
               {"image_rect", Rect(ui.view.ImageRect())},
               {"window", ui.window_level.window},
               {"level", ui.window_level.level},
               {"colour", ui.colour},
               {"show_estimated_ovary", ui.show_estimated_ovary},
               {"frame_index", ui.cine.frame()},
               {"playing", ui.cine.playing()},
               {"frame_time_ms", ui.cine.frame_time_ms()},
               {"tool", ToString(ui.interaction.tool())},
               {"help_shown", ui.show_help},
               {"browser_open", ui.browser.open},
               {"status", ui.status}};
  j["selection"] = {{"follicle", ui.selection.follicle ? json(*ui.selection.follicle) : json(nullptr)},
                    {"caliper", ui.selection.caliper ? json(*ui.selection.caliper) : json(nullptr)}};
  j["stats"] = {{"frames_drawn", ctx.stats.frames_drawn},
                {"frames_drawn_while_loading", ctx.stats.frames_while_loading},
                {"max_frame_interval_while_loading_ms", ctx.stats.max_interval_while_loading_ms}};
  const Document* doc = ctx.document();
  j["document"] = doc ? DocumentJson(*doc) : json(nullptr);
  j["worklist"] = ctx.workspace ? WorklistJson(*ctx.workspace) : json(nullptr);
  j["visit"] = ctx.visit() ? VisitJson(ctx) : json(nullptr);
  if (doc && doc->info && doc->review) {
    // What the viewport shows and edits: the visit's scan, or the image's own review.
    const ReviewModel* review = ctx.review();
    j["review"] = ReviewToJson(*doc->info, review->calibration(), review->state(), doc->review->edits());
    j["review"]["can_undo"] = review->CanUndo();
    j["review"]["can_redo"] = review->CanRedo();
    j["review"]["dirty"] = doc->review->dirty();
    j["review"]["last_error"] = review->last_error();
    // The estimated ovary as the viewport draws it on the frame shown.
    const auto* outline = EstimatedOvaryOutline(doc->analysis ? &*doc->analysis : nullptr, ctx.frame(),
                                                review->state().ovary_box_px.has_value(), ui.show_estimated_ovary);
    j["view"]["estimated_ovary_drawn"] = outline ? json(PointsJson(*outline)) : json(nullptr);
  }
  return j;
}

}  // namespace antra::viewer::gui
