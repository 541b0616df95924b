#pragma once
// The viewer's single input path. The window system (GLFW callbacks) and the
// script player both turn what happened into InputEvents and push them into
// one InputQueue; once per frame InputTrickler applies them to an InputState,
// which the platform layer copies into Dear ImGui's IO. Everything the viewer
// does in reaction to the mouse and keyboard reads ImGui, so a scripted click
// and a real click take exactly the same code path.

#include <array>
#include <deque>
#include <string>
#include <variant>
#include <vector>

#include <opencv2/core/types.hpp>

#include "viewer/keys.h"

namespace antra::viewer {

enum class MouseButton { kLeft = 0, kRight = 1, kMiddle = 2 };
inline constexpr int kMouseButtonCount = 5;

struct MouseMoveEvent {
  cv::Point2d pos;  // window coordinates, logical pixels, origin top left
};
struct MouseButtonEvent {
  int button = 0;  // MouseButton value
  bool down = false;
};
struct WheelEvent {
  double dx = 0, dy = 0;  // dy > 0: wheel away from the user
};
struct KeyEvent {
  int key = 0;  // keys.h code
  bool down = false;
};
struct CharEvent {
  unsigned codepoint = 0;
};
// Files dropped onto the window (drag and drop from a file manager).
struct DropEvent {
  std::vector<std::string> paths;
};
// The window lost focus: release everything held, as the OS stops reporting it.
struct FocusLostEvent {};

using InputEvent =
    std::variant<MouseMoveEvent, MouseButtonEvent, WheelEvent, KeyEvent, CharEvent, DropEvent, FocusLostEvent>;

// Owned by the main thread; GLFW callbacks run on it too (during PollEvents).
using InputQueue = std::deque<InputEvent>;

struct Modifiers {
  bool ctrl = false, shift = false, alt = false, super = false;
};

// What the mouse and keyboard look like this frame.
struct InputState {
  cv::Point2d mouse_pos{-1e30, -1e30};  // unknown until the first move
  std::array<bool, kMouseButtonCount> mouse_down{};
  std::array<bool, key::kCount> keys_down{};
  // Per-frame accumulations, consumed by the platform layer each frame.
  double wheel_x = 0, wheel_y = 0;
  std::vector<unsigned> chars;
  std::vector<std::vector<std::string>> drops;

  Modifiers modifiers() const;
  void ClearFrameAccumulations();
};

// Applies queued events to the state, at most one change per button and key
// per frame (as Dear ImGui 1.87+ does with "trickling"): a press and release
// that arrive in the same frame are spread over two frames so that no click
// is lost, and a move after a press is applied in the next frame so that the
// press happens where the pointer was. Returns how many events were applied.
class InputTrickler {
 public:
  int ApplyFrame(InputQueue& queue, InputState& state) const;
};

}  // namespace antra::viewer
