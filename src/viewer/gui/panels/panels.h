#pragma once
// The viewer's panels: small classes behind one interface (app_context.h),
// registered once in App. Each draws one part of the window and changes the
// document or the UI state only through AppContext.

#include "viewer/gui/app_context.h"

namespace antra::viewer::gui {

class MenuBar : public Panel {
 public:
  const char* title() const override { return "Menu"; }
  void Draw(AppContext& ctx) override;
};

// The in-app file browser (Ctrl+O), on the left.
class BrowserPanel : public Panel {
 public:
  const char* title() const override { return "Open"; }
  void Draw(AppContext& ctx) override;
};

// The image, its overlays, and what the mouse does over them.
class ViewportPanel : public Panel {
 public:
  const char* title() const override { return "Image"; }
  void Draw(AppContext& ctx) override;

 private:
  PointerInput ReadPointer(const AppContext& ctx, bool hovered);
  std::optional<cv::Point2d> last_pointer_;
};

// Play/pause and the frame scrubber, under the image.
class CineBar : public Panel {
 public:
  const char* title() const override { return "Cine"; }
  void Draw(AppContext& ctx) override;
};

class StatusBar : public Panel {
 public:
  const char* title() const override { return "Status"; }
  void Draw(AppContext& ctx) override;
};

class ImageInfoPanel : public Panel {
 public:
  const char* title() const override { return "Image and calibration"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

// AFC per ovary and in total, by size bin, live.
class CountsPanel : public Panel {
 public:
  const char* title() const override { return "Antral follicle count"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

class FollicleTablePanel : public Panel {
 public:
  const char* title() const override { return "Follicles"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

class CalipersPanel : public Panel {
 public:
  const char* title() const override { return "Calipers"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

class HelpOverlay : public Panel {
 public:
  const char* title() const override { return "Help"; }
  void Draw(AppContext& ctx) override;
};

class GoToFramePopup : public Panel {
 public:
  const char* title() const override { return "Go to frame"; }
  void Draw(AppContext& ctx) override;

 private:
  char input_[16] = {};
  bool focus_ = false;
};

// The visits of a results folder (--results), unreviewed first, grouped by
// subject, visit and ovary.
class WorklistPanel : public Panel {
 public:
  const char* title() const override { return "Worklist"; }
  void Draw(AppContext& ctx) override;
};

// The open visit: per ovary status, AFC, counting scan, diameters and volume;
// its scans; the reviewer; save and sign-off.
class VisitPanel : public Panel {
 public:
  bool Applies(AppContext& ctx) const override { return ctx.workspace != nullptr; }
  const char* title() const override { return "Visit"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

// AFC and largest follicle over the open participant's visits.
class HistoryPanel : public Panel {
 public:
  bool Applies(AppContext& ctx) const override { return ctx.workspace != nullptr; }
  const char* title() const override { return "History"; }
  Placement placement() const override { return Placement::kSidebar; }
  void Draw(AppContext& ctx) override;
};

// Asks for the reviewer's name, and for a reason before a signed-off visit is
// changed, then applies the edit that was waiting.
class DetailsPrompt : public Panel {
 public:
  const char* title() const override { return "Reviewer and reason"; }
  void Draw(AppContext& ctx) override;

 private:
  bool open_ = false;
  bool focus_ = false;
  std::string reviewer_, reason_;
};

}  // namespace antra::viewer::gui
