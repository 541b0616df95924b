#pragma once
// Every keyboard shortcut, in one table: the dispatcher matches key presses
// against it and the help overlay lists it, so the two can never disagree.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "viewer/input.h"

namespace antra::viewer {

enum class Action {
  kToggleHelp,
  kPlayPause,
  kNextFrame,
  kPreviousFrame,
  kFirstFrame,
  kLastFrame,
  kGoToFrame,
  kFit,
  kZoomIn,
  kZoomOut,
  kPreset1,
  kPreset2,
  kPreset3,
  kPreset4,
  kToggleColour,
  kToggleEstimatedOvary,
  kCaliperTool,
  kFollicleTool,
  kOvaryBoxTool,
  kCancel,
  kSelectNext,
  kSelectPrevious,
  kAccept,
  kReject,
  kDelete,
  kAssignLeft,
  kAssignRight,
  kUnassignSide,
  kUndo,
  kRedo,
  kOpenBrowser,
  kNextFile,
  kPreviousFile,
  kSave,
  // Study visits (--results).
  kSignOff,
  kNotVisualised,
  kCountOnThisScan,
  kNoOvaryScan,
  kOvaryDiameter,
  kNextVisit,
  kPreviousVisit,
  kActionCount,  // not an action: the number of them
};

struct Shortcut {
  Action action;
  int key;
  bool ctrl = false;
  bool shift = false;
  std::string_view group;
  std::string_view description;
};

std::span<const Shortcut> Shortcuts();

// The action of a key pressed with these modifiers (Alt and Super never match).
std::optional<Action> MatchShortcut(int key, const Modifiers& mods);

// "Ctrl+Shift+Z", "Space", "F1" for the help overlay.
std::string ChordLabel(const Shortcut& shortcut);

}  // namespace antra::viewer
