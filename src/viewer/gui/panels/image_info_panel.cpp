#include <imgui.h>

#include <cstdio>

#include "viewer/gui/panels/panels.h"

namespace antra::viewer::gui {
namespace {

void Row(const char* name, const std::string& value) {
  ImGui::TextDisabled("%s", name);
  ImGui::SameLine(110);
  ImGui::TextWrapped("%s", value.empty() ? "-" : value.c_str());
}

std::string Scale(const Calibration& c) {
  const auto scale = c.NominalScale();
  if (!scale) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%.4f x %.4f mm/pixel", scale->mm_per_px_x, scale->mm_per_px_y);
  return text;
}

const char* AnalysisState(const Document& doc) {
  switch (doc.analysis_phase) {
    case AnalysisPhase::kRunning: return "running...";
    case AnalysisPhase::kDone: return "done";
    case AnalysisPhase::kFailed: return "failed";
    case AnalysisPhase::kNotAvailable: return "not available";
  }
  return "";
}

}  // namespace

// Never shows patient name, ID or birth date: ImageInfo does not carry them.
void ImageInfoPanel::Draw(AppContext& ctx) {
  const Document* doc = ctx.document();
  if (!doc) {
    ImGui::TextDisabled("No image open");
    return;
  }
  Row("File", doc->path.filename().string());
  if (!doc->subject_id.empty()) Row("Subject", doc->subject_id);
  if (!doc->info) {
    Row("State", doc->phase == LoadPhase::kFailed ? "cannot open: " + doc->open_error->message : "opening...");
    return;
  }
  const ImageInfo& info = *doc->info;
  Row("Size", std::to_string(info.width) + " x " + std::to_string(info.height) + ", " +
                  std::to_string(info.frame_count) + " frame(s)");
  Row("Scanner", info.manufacturer + " " + info.model);
  Row("Laterality", info.laterality.empty() ? "not in file" : info.laterality);
  Row("Series", info.series_description);
  // The review's calibration: the file's own, or the depth ruler the analysis read.
  const Calibration& c = doc->review ? doc->review->calibration() : info.calibration;
  if (c.calibrated()) {
    Row("Calibration", std::string(ToString(c.source())) + ", " + Scale(c));
    if (c.source() == CalibrationSource::kRuler) {
      ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "Scale read from the depth ruler: check it against a known distance.");
    }
  } else {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "UNCALIBRATED: no millimetres, no AFC");
    Row("Why", c.detail());
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
  for (const auto& warning : info.warnings) ImGui::TextWrapped("%s", warning.c_str());
  ImGui::PopStyleColor();
  for (const auto& [index, error] : doc->frame_errors) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "frame %d: %s", index + 1, error.message.c_str());
  }
  std::string analysis = AnalysisState(*doc);
  if (doc->analysis_phase == AnalysisPhase::kRunning) {
    const auto [done, total] = ctx.documents.AnalysisProgress();
    if (total > 0) analysis += " frame " + std::to_string(done) + " of " + std::to_string(total);
  }
  if (!doc->analysis_message.empty()) analysis += ": " + doc->analysis_message;
  if (doc->analysis) {
    analysis += doc->analysis->software_version.empty() ? "" : " (antra " + doc->analysis->software_version + ")";
  }
  Row("Analysis", analysis);
  if (!doc->review_message.empty()) Row("Review", doc->review_message);
}

}  // namespace antra::viewer::gui
