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

}  // namespace antra::viewer::gui
