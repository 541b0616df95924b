#include "viewer/script_player.h"

#include <cmath>

namespace antra::viewer {
namespace {

void AddModifierKeys(std::vector<InputEvent>& events, const Modifiers& mods, bool down) {
  if (mods.ctrl) events.push_back(KeyEvent{key::kLeftControl, down});
  if (mods.shift) events.push_back(KeyEvent{key::kLeftShift, down});
  if (mods.alt) events.push_back(KeyEvent{key::kLeftAlt, down});
}

// (A helper rather than an initializer list: GCC 12 warns falsely on those.)
std::vector<InputEvent> One(InputEvent event) {
  std::vector<InputEvent> events;
  events.push_back(std::move(event));
  return events;
}

}  // namespace

std::vector<InputEvent> KeyChordEvents(const KeyChord& chord) {
  std::vector<InputEvent> events;
  const Modifiers mods{chord.ctrl, chord.shift, chord.alt, false};
  AddModifierKeys(events, mods, true);
  events.push_back(KeyEvent{chord.key, true});
  events.push_back(KeyEvent{chord.key, false});
  AddModifierKeys(events, mods, false);
  return events;
}

std::vector<InputEvent> TextEvents(const std::string& utf8) {
  std::vector<InputEvent> events;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const int length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    unsigned codepoint = length == 1 ? c : c & (0x3F >> (length - 1));
    for (int k = 1; k < length && i + k < utf8.size(); ++k) {
      codepoint = (codepoint << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    events.push_back(CharEvent{codepoint});
    i += length;
  }
  return events;
}

ScriptPlayer::ScriptPlayer(std::vector<ScriptAction> actions) : actions_(std::move(actions)) {}

int ScriptPlayer::current_line() const {
  if (next_ == 0) return 0;
  return actions_[std::min(next_, actions_.size()) - 1].line;
}

void ScriptPlayer::Fail(const std::string& message) {
  state_ = State::kFailed;
  error_ = "line " + std::to_string(current_line()) + ": " + message;
}

ScriptPlayer::State ScriptPlayer::Step(ScriptHost& host, Clock::time_point now) {
  while (state_ == State::kRunning) {
    if (Waiting(host, now)) return state_;
    if (!steps_.empty()) {
      Step_ step = std::move(steps_.front());
      steps_.pop_front();
      if (auto* events = std::get_if<std::vector<InputEvent>>(&step)) {
        for (auto& e : *events) host.PushInput(std::move(e));
      } else {
        host.PostCommand(std::get<AppCommand>(std::move(step)));
      }
      settle_frames_ = kSettleFrames;
      settle_deadline_ = now + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(kSettleTimeoutSeconds));
      return state_;
    }
    if (next_ >= actions_.size()) {
      state_ = State::kFinished;
      return state_;
    }
    const ScriptAction& action = actions_[next_++];
    if (action.verb == ScriptVerb::kQuit) {
      state_ = State::kFinished;
      return state_;
    }
    Begin(action, host, now);
  }
  return state_;
}

// True while the previous step or action still has to finish.
bool ScriptPlayer::Waiting(ScriptHost& host, Clock::time_point now) {
  if (settle_deadline_) {
    if (!host.Settled()) {
      if (now > *settle_deadline_) Fail("the viewer did not process the input in time");
      return true;
    }
    if (settle_frames_-- > 0) return true;
    settle_deadline_.reset();
  }
  if (idle_deadline_) {
    if (!host.Idle() || !host.Settled()) {
      if (now > *idle_deadline_) Fail("timed out waiting for the image to load and be analysed");
      return true;
    }
    idle_deadline_.reset();
  }
  if (sleep_until_) {
    if (now < *sleep_until_) return true;
    sleep_until_.reset();
  }
  if (wait_frames_ > 0) {
    --wait_frames_;
    return true;
  }
  return false;
}

void ScriptPlayer::Begin(const ScriptAction& action, ScriptHost& host, Clock::time_point now) {
  switch (action.verb) {
    case ScriptVerb::kWaitIdle:
      idle_deadline_ = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(action.number));
      return;
    case ScriptVerb::kWaitFrames:
      wait_frames_ = static_cast<int>(action.number);
      return;
    case ScriptVerb::kWaitMs:
      sleep_until_ = now + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double, std::milli>(action.number));
      return;
    default:
      for (auto& step : Expand(action, host)) steps_.push_back(std::move(step));
  }
}

std::vector<ScriptPlayer::Step_> ScriptPlayer::Expand(const ScriptAction& action, ScriptHost& host) const {
  auto to_screen = [&](cv::Point2d p) { return action.screen_coordinates ? p : host.ImageToScreen(p); };
  std::vector<Step_> steps;
  auto events = [&](std::vector<InputEvent> e) { steps.emplace_back(std::move(e)); };
  switch (action.verb) {
    case ScriptVerb::kOpen: steps.emplace_back(OpenCommand{action.paths[0]}); break;
    case ScriptVerb::kVisit:
      steps.emplace_back(OpenVisitCommand{action.text, static_cast<int>(action.number), action.side});
      break;
    case ScriptVerb::kDrop: events(One(DropEvent{action.paths})); break;
    case ScriptVerb::kSave:
      if (action.paths.empty()) events(KeyChordEvents({key::Letter('s'), true, false, false}));
      else steps.emplace_back(SaveReviewCommand{action.paths[0]});
      break;
    case ScriptVerb::kScreenshot: steps.emplace_back(ScreenshotCommand{action.paths[0]}); break;
    case ScriptVerb::kDumpState: steps.emplace_back(DumpStateCommand{action.paths[0]}); break;
    case ScriptVerb::kKey: events(KeyChordEvents(action.chord)); break;
    case ScriptVerb::kType: events(TextEvents(action.text)); break;
    case ScriptVerb::kPreset:
      events(KeyChordEvents({key::Digit(static_cast<int>(action.number)), false, false, false}));
      break;
    case ScriptVerb::kFrame:
      // As a reader would: G, the frame number, Enter.
      events(KeyChordEvents({key::Letter('g'), false, false, false}));
      events(TextEvents(std::to_string(static_cast<long long>(action.number))));
      events(KeyChordEvents({key::kEnter, false, false, false}));
      break;
    case ScriptVerb::kMove: events(One(MouseMoveEvent{to_screen(action.points[0])})); break;
    case ScriptVerb::kScroll: {
      events(One(MouseMoveEvent{to_screen(action.points[0])}));
      events(One(WheelEvent{0, action.number}));
      break;
    }
    case ScriptVerb::kClick: {
      std::vector<InputEvent> e;
      AddModifierKeys(e, action.mods, true);
      e.emplace_back(std::in_place_type<MouseMoveEvent>, MouseMoveEvent{to_screen(action.points[0])});
      e.emplace_back(std::in_place_type<MouseButtonEvent>, MouseButtonEvent{action.button, true});
      e.emplace_back(std::in_place_type<MouseButtonEvent>, MouseButtonEvent{action.button, false});
      AddModifierKeys(e, action.mods, false);
      events(std::move(e));
      break;
    }
    case ScriptVerb::kDrag:
    case ScriptVerb::kWindowLevel: {
      cv::Point2d from, to;
      int button = action.button;
      Modifiers mods = action.mods;
      int steps_count = action.steps;
      if (action.verb == ScriptVerb::kWindowLevel) {
        // A right-drag from the middle of the image, as long as the change needs.
        const WindowLevel now_wl = host.CurrentWindowLevel();
        from = host.ViewportCenter();
        to = from + cv::Point2d((action.number - now_wl.window) / WindowLevel::kDragSensitivity,
                                (action.number2 - now_wl.level) / WindowLevel::kDragSensitivity);
        button = static_cast<int>(MouseButton::kRight);
        mods = {};
        steps_count = 8;
      } else {
        from = to_screen(action.points[0]);
        to = to_screen(action.points[1]);
      }
      std::vector<InputEvent> press;
      AddModifierKeys(press, mods, true);
      press.emplace_back(std::in_place_type<MouseMoveEvent>, MouseMoveEvent{from});
      press.emplace_back(std::in_place_type<MouseButtonEvent>, MouseButtonEvent{button, true});
      events(std::move(press));
      // One move per step, each in its own frame, as a hand would.
      for (int i = 1; i <= steps_count; ++i) events(One(MouseMoveEvent{from + (to - from) * (double(i) / steps_count)}));
      std::vector<InputEvent> release = One(MouseButtonEvent{button, false});
      AddModifierKeys(release, mods, false);
      events(std::move(release));
      break;
    }
    case ScriptVerb::kWaitIdle:
    case ScriptVerb::kWaitFrames:
    case ScriptVerb::kWaitMs:
    case ScriptVerb::kQuit:
      break;
  }
  return steps;
}

}  // namespace antra::viewer
