#pragma once
// Window/level (contrast/brightness) for 8-bit display frames. Ultrasound
// frames arrive already windowed by the scanner, so the default maps 0..255
// to black..white unchanged; the reader narrows the window to separate dark
// fluid from speckle. The GLSL shader (shaders/image.frag) applies the same
// formula as Map(), which the tests use as the reference.

#include <array>
#include <cstdint>
#include <string_view>

namespace antra::viewer {

struct WindowLevel {
  static constexpr double kMinWindow = 1.0;
  static constexpr double kMaxWindow = 512.0;
  static constexpr double kMinLevel = -128.0;
  static constexpr double kMaxLevel = 384.0;
  // Window units changed per screen pixel of drag.
  static constexpr double kDragSensitivity = 1.0;

  double window = 255.0;  // width of the input range mapped to black..white
  double level = 127.5;   // input value shown as mid grey (default: identity)

  // Right-drag (or Ctrl + left-drag): moving right widens the window (less
  // contrast), moving down raises the level (darker image), as in OsiriX/Horos.
  void ApplyDrag(double dx_screen, double dy_screen);
  void Clamp();
  // Display value 0..255 of input value v: (v - (level - window/2)) / window.
  std::uint8_t Map(std::uint8_t v) const;
  bool operator==(const WindowLevel&) const = default;
};

struct WindowLevelPreset {
  std::string_view name;
  WindowLevel value;
};

// Keys 1..4 select these, in this order.
const std::array<WindowLevelPreset, 4>& WindowLevelPresets();

}  // namespace antra::viewer
