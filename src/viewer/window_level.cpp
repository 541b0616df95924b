#include "viewer/window_level.h"

#include <algorithm>
#include <cmath>

namespace antra::viewer {

void WindowLevel::ApplyDrag(double dx_screen, double dy_screen) {
  window += dx_screen * kDragSensitivity;
  level += dy_screen * kDragSensitivity;
  Clamp();
}

void WindowLevel::Clamp() {
  window = std::clamp(window, kMinWindow, kMaxWindow);
  level = std::clamp(level, kMinLevel, kMaxLevel);
}

std::uint8_t WindowLevel::Map(std::uint8_t v) const {
  const double lower = level - window / 2;
  const double t = std::clamp((v - lower) / window, 0.0, 1.0);
  return static_cast<std::uint8_t>(std::lround(t * 255.0));
}

const std::array<WindowLevelPreset, 4>& WindowLevelPresets() {
  static const std::array<WindowLevelPreset, 4> presets = {{
      {"Full range (as scanned)", {255, 127.5}},
      {"High contrast", {160, 110}},
      {"Fluid detail (dark range)", {110, 60}},
      {"Bright tissue", {200, 150}},
  }};
  return presets;
}

}  // namespace antra::viewer
