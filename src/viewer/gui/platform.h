#pragma once
// The window, the OpenGL context and Dear ImGui's platform side. GLFW's
// callbacks only turn what happened into InputEvents on the shared queue; once
// per frame BeginFrame() copies the InputState (built from that queue by the
// trickler) into ImGui's IO. No other code reads GLFW's input state, so
// scripted and real input are indistinguishable from here on.

#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "core/result.h"
#include "viewer/input.h"

struct GLFWwindow;

namespace antra::viewer::gui {

class Platform {
 public:
  struct Options {
    int width = 1400;
    int height = 900;
    bool vsync = true;
  };

  static Result<std::unique_ptr<Platform>> Create(const Options& options, InputQueue& queue);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  bool ShouldClose() const;
  void RequestClose();
  // Processes window-system events; waits up to `timeout_s` for one (0: do not wait).
  void ProcessEvents(double timeout_s);
  // Wakes ProcessEvents from another thread.
  static void Wake();
  void SetVsync(bool on);

  void BeginFrame(InputState& state, double delta_seconds);
  void RenderImGui();
  void Swap();

  cv::Size WindowSize() const;
  cv::Size FramebufferSize() const;
  // The frame drawn so far (call before Swap), RGB, top row first.
  cv::Mat ReadFramebuffer() const;
  std::string RendererName() const;

 private:
  Platform(GLFWwindow* window, InputQueue& queue);
  static void InstallCallbacks(GLFWwindow* window);

  GLFWwindow* window_;
  InputQueue& queue_;
  bool imgui_ready_ = false;
};

}  // namespace antra::viewer::gui
