#pragma once
// Replays a script, one action at a time, through the viewer's input queue:
// a click becomes a pointer move, a button press and a release, exactly what
// GLFW would report. After each action the player waits until the events have
// been applied and one more frame has been drawn, so that the next action
// (often a screenshot) sees its effect.

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "viewer/commands.h"
#include "viewer/input.h"
#include "viewer/script.h"
#include "viewer/window_level.h"

namespace antra::viewer {

// What the player needs from the application.
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  virtual cv::Point2d ImageToScreen(cv::Point2d image) const = 0;
  virtual cv::Point2d ViewportCenter() const = 0;
  virtual WindowLevel CurrentWindowLevel() const = 0;
  virtual cv::Point2d PointerPosition() const = 0;
  virtual void PushInput(InputEvent event) = 0;
  virtual void PostCommand(AppCommand command) = 0;
  // Queued input applied and commands executed.
  virtual bool Settled() const = 0;
  // No image opening, decoding or analysis in progress.
  virtual bool Idle() const = 0;
};

class ScriptPlayer {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kRunning, kFinished, kFailed };

  explicit ScriptPlayer(std::vector<ScriptAction> actions);

  // Called once per drawn frame, before input is applied.
  State Step(ScriptHost& host, Clock::time_point now);
  State state() const { return state_; }
  const std::string& error() const { return error_; }  // "line N: reason"
  int current_line() const;

  // Frames to wait after each action's input is applied.
  static constexpr int kSettleFrames = 2;
  static constexpr double kSettleTimeoutSeconds = 60;

 private:
  // One batch of input or one command; an action is one or more steps.
  using Step_ = std::variant<std::vector<InputEvent>, AppCommand>;

  bool Waiting(ScriptHost& host, Clock::time_point now);
  void Begin(const ScriptAction& action, ScriptHost& host, Clock::time_point now);
  std::vector<Step_> Expand(const ScriptAction& action, ScriptHost& host) const;
  void Fail(const std::string& message);

  std::vector<ScriptAction> actions_;
  std::size_t next_ = 0;
  State state_ = State::kRunning;
  std::string error_;

  std::deque<Step_> steps_;           // of the current action
  int settle_frames_ = 0;
  std::optional<Clock::time_point> settle_deadline_;
  std::optional<Clock::time_point> idle_deadline_;
  std::optional<Clock::time_point> sleep_until_;
  int wait_frames_ = 0;
};

// The events of a key chord: modifiers down, key down, key up, modifiers up.
std::vector<InputEvent> KeyChordEvents(const KeyChord& chord);
// UTF-8 text to character events.
std::vector<InputEvent> TextEvents(const std::string& utf8);

}  // namespace antra::viewer
