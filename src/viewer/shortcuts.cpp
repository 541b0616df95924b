#include "viewer/shortcuts.h"

#include <array>
#include <cctype>

namespace antra::viewer {
namespace {

using key::Letter;

constexpr std::array kShortcuts = {
    Shortcut{Action::kToggleHelp, key::kF1, false, false, "General", "show or hide this help"},
    Shortcut{Action::kToggleHelp, Letter('h'), false, false, "General", "show or hide this help"},
    Shortcut{Action::kOpenBrowser, Letter('o'), true, false, "General", "open a file or folder (browser)"},
    Shortcut{Action::kNextFile, key::kPageDown, false, false, "General", "next image in the folder"},
    Shortcut{Action::kPreviousFile, key::kPageUp, false, false, "General", "previous image in the folder"},
    Shortcut{Action::kSave, Letter('s'), true, false, "General", "save the review (measurements and decisions)"},
    Shortcut{Action::kUndo, Letter('z'), true, false, "General", "undo"},
    Shortcut{Action::kRedo, Letter('y'), true, false, "General", "redo"},
    Shortcut{Action::kRedo, Letter('z'), true, true, "General", "redo"},
    Shortcut{Action::kPlayPause, key::kSpace, false, false, "Cine", "play or pause at the file's frame rate"},
    Shortcut{Action::kNextFrame, key::kRight, false, false, "Cine", "next frame"},
    Shortcut{Action::kPreviousFrame, key::kLeft, false, false, "Cine", "previous frame"},
    Shortcut{Action::kFirstFrame, key::kHome, false, false, "Cine", "first frame"},
    Shortcut{Action::kLastFrame, key::kEnd, false, false, "Cine", "last frame"},
    Shortcut{Action::kGoToFrame, Letter('g'), false, false, "Cine", "go to frame number"},
    Shortcut{Action::kFit, key::Digit(0), false, false, "View", "fit the image to the window"},
    Shortcut{Action::kZoomIn, key::kEqual, false, false, "View", "zoom in (also the mouse wheel)"},
    Shortcut{Action::kZoomOut, key::kMinus, false, false, "View", "zoom out"},
    Shortcut{Action::kPreset1, key::Digit(1), false, false, "View", "window/level: full range (as scanned)"},
    Shortcut{Action::kPreset2, key::Digit(2), false, false, "View", "window/level: high contrast"},
    Shortcut{Action::kPreset3, key::Digit(3), false, false, "View", "window/level: fluid detail"},
    Shortcut{Action::kPreset4, key::Digit(4), false, false, "View", "window/level: bright tissue"},
    Shortcut{Action::kToggleColour, Letter('c'), false, false, "View", "colour or luma (grey) display"},
    Shortcut{Action::kToggleEstimatedOvary, Letter('e'), false, false, "View",
             "show or hide the ovary the pipeline estimated (dashed): where it looked for follicles"},
    Shortcut{Action::kCaliperTool, Letter('m'), false, false, "Measure", "caliper: click both ends of a distance"},
    Shortcut{Action::kFollicleTool, Letter('f'), false, false, "Measure",
             "add a follicle: click the length caliper, then the width caliper"},
    Shortcut{Action::kOvaryBoxTool, Letter('o'), false, true, "Measure",
             "box around the ovary: click two corners; analysed again with it: follicles outside dropped, new ones inside added"},
    Shortcut{Action::kCancel, key::kEscape, false, false, "Measure", "cancel the measurement, back to navigation"},
    Shortcut{Action::kSelectNext, key::kTab, false, false, "Review", "select the next follicle"},
    Shortcut{Action::kSelectPrevious, key::kTab, false, true, "Review", "select the previous follicle"},
    Shortcut{Action::kAccept, Letter('a'), false, false, "Review", "accept the selected follicle"},
    Shortcut{Action::kReject, Letter('r'), false, false, "Review", "reject the selected follicle"},
    Shortcut{Action::kDelete, key::kDelete, false, false, "Review", "delete the selected follicle or caliper"},
    Shortcut{Action::kAssignLeft, Letter('l'), false, true, "Review",
             "left ovary (the selected follicle, or the whole image if none)"},
    Shortcut{Action::kAssignRight, Letter('r'), false, true, "Review",
             "right ovary (the selected follicle, or the whole image if none)"},
    Shortcut{Action::kUnassignSide, Letter('u'), false, true, "Review", "ovary unknown (selected follicle or image)"},
    Shortcut{Action::kSignOff, Letter('s'), true, true, "Visit", "sign the visit off (saves it, with your name)"},
    Shortcut{Action::kNotVisualised, Letter('n'), false, true, "Visit",
             "this scan's ovary: not visualised (again: measured)"},
    Shortcut{Action::kCountOnThisScan, Letter('c'), false, true, "Visit", "count this ovary on the scan shown"},
    Shortcut{Action::kNoOvaryScan, Letter('x'), false, true, "Visit",
             "the scan shown has no ovary (uterus, bladder...): listed, never counted (Shift+L/R undo)"},
    Shortcut{Action::kOvaryDiameter, Letter('o'), false, false, "Visit",
             "selected caliper as the next ovary diameter (length, width, height: volume)"},
    Shortcut{Action::kNextVisit, key::kRightBracket, false, false, "Visit", "next visit in the worklist"},
    Shortcut{Action::kPreviousVisit, key::kLeftBracket, false, false, "Visit", "previous visit in the worklist"},
};

}  // namespace

std::span<const Shortcut> Shortcuts() { return kShortcuts; }

std::optional<Action> MatchShortcut(int key_code, const Modifiers& mods) {
  if (mods.alt || mods.super) return std::nullopt;
  for (const auto& s : kShortcuts) {
    if (s.key == key_code && s.ctrl == mods.ctrl && s.shift == mods.shift) return s.action;
  }
  return std::nullopt;
}

std::string ChordLabel(const Shortcut& s) {
  std::string label;
  if (s.ctrl) label += "Ctrl+";
  if (s.shift) label += "Shift+";
  std::string name = key::Name(s.key);
  if (name == "equal") name = "=";
  if (name == "minus") name = "-";
  if (name == "leftbracket") name = "[";
  if (name == "rightbracket") name = "]";
  if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return label + name;
}

}  // namespace antra::viewer
