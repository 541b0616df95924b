#pragma once
// What panels get each frame. The document (image, frames, analysis, review)
// belongs to DocumentController; how it is shown (zoom, window/level, tool,
// selection, which panels are open) is UiState. Panels change either only
// through these references, and ask the app for anything else with commands.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "viewer/cine_player.h"
#include "viewer/commands.h"
#include "viewer/document.h"
#include "viewer/folder_listing.h"
#include "viewer/input.h"
#include "viewer/interaction.h"
#include "viewer/view_transform.h"
#include "viewer/visit_workspace.h"
#include "viewer/window_level.h"

namespace antra::viewer::gui {

// Where each part of the window goes this frame (window coordinates).
struct Layout {
  ScreenRect browser, viewport, sidebar, cine_bar, status_bar;
  float menu_height = 0;
};

struct BrowserState {
  bool open = false;
  std::filesystem::path folder;
  std::optional<FolderListing> listing;
  std::string error;
  std::string path_input;  // the editable path field
};

struct AppContext;

// Ovary diameters being measured for a volume (mm), per side, until all
// three are there and go into the visit.
struct OvaryDiameterDraft {
  std::optional<double> length, width, height;
};

struct UiState {
  ViewTransform view;
  WindowLevel window_level;
  bool colour = true;
  bool show_estimated_ovary = true;  // the pipeline's ovary outline, dashed
  bool show_help = false;
  bool request_go_to_frame = false;
  Selection selection;
  ViewportInteraction interaction;
  CinePlayer cine;
  BrowserState browser;
  // Images PageUp/PageDown step through: the folder opened, or the files dropped.
  std::vector<std::filesystem::path> session_images;
  OvaryDiameterDraft diameters[2];  // left, right
  // A visit action (not a viewport edit) waiting for the reviewer's name or
  // a reason; run again once the details prompt has them.
  std::function<void(AppContext&)> waiting_for_details;
  std::string status;  // the last thing the viewer has to tell the reader
  bool status_is_error = false;
  int shown_generation = 0;  // document generation the view was set up for
};

struct FrameStats {
  long long frames_drawn = 0;
  long long frames_while_loading = 0;      // drawn while an image was opening or decoding
  double max_interval_while_loading_ms = 0;
  double last_interval_ms = 0;
};

struct AppContext {
  DocumentController& documents;
  UiState& ui;
  std::vector<AppCommand>& commands;
  const FrameStats& stats;
  // The input state ImGui was given this frame. ImGui rounds the pointer to
  // whole pixels; measurements use the exact position from here (the same
  // event stream), so sub-pixel pointers (HiDPI, tablets, scripts) keep theirs.
  const InputState& input;
  VisitWorkspace* workspace;  // null unless --results
  Layout layout;

  void Post(AppCommand command) { commands.push_back(std::move(command)); }
  void Status(std::string message, bool error = false) {
    ui.status = std::move(message);
    ui.status_is_error = error;
  }
  Document* document() { return documents.document(); }
  // The review of the open image, or null while none is ready: the visit's
  // when the image is a scan of the open visit, else the image's own.
  ReviewModel* review() {
    auto* doc = documents.document();
    if (!doc) return nullptr;
    if (auto* scan = visit_scan()) return scan;
    return doc->review.get();
  }
  VisitScanReview* visit_scan() {
    auto* doc = documents.document();
    return doc && workspace ? workspace->scan_review(doc->generation) : nullptr;
  }
  VisitSession* visit() { return workspace ? workspace->session() : nullptr; }
  const ImageInfo* info() {
    auto* doc = documents.document();
    return doc && doc->info ? &*doc->info : nullptr;
  }
  bool calibrated() {
    const auto* i = info();
    return i && i->calibration.calibrated();
  }
  int frame() const { return ui.cine.frame(); }
};

// One part of the window. Panels are registered once, in App, in one list.
class Panel {
 public:
  enum class Placement { kWindow, kSidebar };
  virtual ~Panel() = default;
  virtual const char* title() const = 0;
  virtual Placement placement() const { return Placement::kWindow; }
  // Sidebar panels that do not apply (a visit panel without --results) are left out.
  virtual bool Applies(AppContext&) const { return true; }
  virtual void Draw(AppContext& ctx) = 0;
};

}  // namespace antra::viewer::gui
