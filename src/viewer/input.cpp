#include "viewer/input.h"

#include <algorithm>
#include <bitset>

namespace antra::viewer {

Modifiers InputState::modifiers() const {
  Modifiers m;
  m.ctrl = keys_down[key::kLeftControl] || keys_down[key::kRightControl];
  m.shift = keys_down[key::kLeftShift] || keys_down[key::kRightShift];
  m.alt = keys_down[key::kLeftAlt] || keys_down[key::kRightAlt];
  m.super = keys_down[key::kLeftSuper] || keys_down[key::kRightSuper];
  return m;
}

void InputState::ClearFrameAccumulations() {
  wheel_x = wheel_y = 0;
  chars.clear();
  drops.clear();
}

namespace {

// What has changed so far in the frame being assembled.
struct FrameChanges {
  bool mouse_moved = false;
  bool wheeled = false;
  bool typed = false;
  std::bitset<kMouseButtonCount> buttons;
  std::bitset<key::kCount> keys;
  bool any_button() const { return buttons.any(); }
};

// True when `event` must wait for the next frame; otherwise applies it.
struct Applier {
  InputState& state;
  FrameChanges& changes;

  bool operator()(const MouseMoveEvent& e) {
    if (changes.any_button()) return false;  // press first, move next frame
    state.mouse_pos = e.pos;
    changes.mouse_moved = true;
    return true;
  }
  bool operator()(const MouseButtonEvent& e) {
    if (e.button < 0 || e.button >= kMouseButtonCount) return true;  // ignore extra buttons
    if (changes.buttons[e.button] || changes.wheeled) return false;
    if (state.mouse_down[e.button] != e.down) changes.buttons.set(e.button);
    state.mouse_down[e.button] = e.down;
    return true;
  }
  bool operator()(const WheelEvent& e) {
    if (changes.mouse_moved || changes.any_button()) return false;
    state.wheel_x += e.dx;
    state.wheel_y += e.dy;
    changes.wheeled = true;
    return true;
  }
  bool operator()(const KeyEvent& e) {
    if (e.key < 0 || e.key >= key::kCount) return true;
    if (changes.keys[e.key] || changes.typed || changes.any_button()) return false;
    if (state.keys_down[e.key] != e.down) changes.keys.set(e.key);
    state.keys_down[e.key] = e.down;
    return true;
  }
  bool operator()(const CharEvent& e) {
    if (changes.keys.any() || changes.any_button() || changes.mouse_moved || changes.wheeled) return false;
    state.chars.push_back(e.codepoint);
    changes.typed = true;
    return true;
  }
  bool operator()(const DropEvent& e) {
    state.drops.push_back(e.paths);
    return true;
  }
  bool operator()(const FocusLostEvent&) {
    if (changes.any_button() || changes.keys.any()) return false;
    state.mouse_down.fill(false);
    state.keys_down.fill(false);
    return true;
  }
};

}  // namespace

int InputTrickler::ApplyFrame(InputQueue& queue, InputState& state) const {
  FrameChanges changes;
  Applier apply{state, changes};
  int applied = 0;
  while (!queue.empty()) {
    if (!std::visit(apply, queue.front())) break;
    queue.pop_front();
    ++applied;
  }
  return applied;
}

}  // namespace antra::viewer
