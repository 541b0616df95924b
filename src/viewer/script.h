#pragma once
// Scripts of user actions for `antra-view --script FILE` (documented in
// docs/viewer-script.md). The player turns each action into the same input
// events a mouse and keyboard produce, so a script tests the real path.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/types.hpp>

#include "core/result.h"
#include "viewer/input.h"

namespace antra::viewer {

enum class ScriptVerb {
  kOpen,
  kDrop,
  kVisit,
  kWaitIdle,
  kWaitFrames,
  kWaitMs,
  kWindowLevel,
  kPreset,
  kFrame,
  kMove,
  kClick,
  kDrag,
  kScroll,
  kKey,
  kType,
  kSave,
  kScreenshot,
  kDumpState,
  kQuit,
};

struct KeyChord {
  int key = 0;
  bool ctrl = false, shift = false, alt = false;
};

struct ScriptAction {
  ScriptVerb verb = ScriptVerb::kQuit;
  int line = 0;
  bool screen_coordinates = false;   // click-screen, drag-screen, move-screen, scroll-screen
  std::vector<std::string> paths;    // open, drop, save, screenshot, dump-state
  std::vector<cv::Point2d> points;   // move/click/scroll: 1, drag: 2
  int button = 0;                    // MouseButton value
  Modifiers mods;                    // held during click/drag
  double number = 0;                 // wait-frames/-ms, frame, preset, scroll amount, wait-idle timeout (s)
  double number2 = 0;                // window-level: level
  int steps = 8;                     // drag: intermediate pointer moves
  KeyChord chord;                    // key
  std::string text;                  // type; visit: subject ID
  std::string side;                  // visit: "left", "right" or empty
};

Result<std::vector<ScriptAction>> ParseScript(std::string_view text);
Result<KeyChord> ParseKeyChord(std::string_view text);
// Splits a line into words; "double quotes" group words with spaces.
Result<std::vector<std::string>> SplitScriptLine(std::string_view line);

}  // namespace antra::viewer
