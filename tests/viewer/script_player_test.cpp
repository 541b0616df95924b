#include <gtest/gtest.h>

#include "viewer/script_player.h"

namespace antra::viewer {
namespace {

// The app as the player sees it: image pixels are 2 screen pixels, offset by (100, 50).
class FakeHost : public ScriptHost {
 public:
  cv::Point2d ImageToScreen(cv::Point2d p) const override { return {100 + 2 * p.x, 50 + 2 * p.y}; }
  cv::Point2d ViewportCenter() const override { return {400, 300}; }
  WindowLevel CurrentWindowLevel() const override { return window_level; }
  cv::Point2d PointerPosition() const override { return {}; }
  void PushInput(InputEvent e) override { events.push_back(std::move(e)); }
  void PostCommand(AppCommand c) override { commands.push_back(std::move(c)); }
  bool Settled() const override { return settled; }
  bool Idle() const override { return idle; }

  WindowLevel window_level;
  std::vector<InputEvent> events;
  std::vector<AppCommand> commands;
  bool settled = true;
  bool idle = true;
};

ScriptPlayer Player(const char* text) {
  auto actions = ParseScript(text);
  EXPECT_TRUE(actions) << actions.error().message;
  return ScriptPlayer(std::move(actions).value());
}

// Steps until the script ends (or `frames` frames pass).
ScriptPlayer::State RunToEnd(ScriptPlayer& player, FakeHost& host, int frames = 1000) {
  auto t = ScriptPlayer::Clock::now();
  for (int i = 0; i < frames && player.state() == ScriptPlayer::State::kRunning; ++i) {
    player.Step(host, t);
    t += std::chrono::milliseconds(16);
  }
  return player.state();
}

TEST(ScriptPlayer, ClickBecomesMovePressRelease) {
  FakeHost host;
  auto player = Player("click 10 20 ctrl\n");
  EXPECT_EQ(RunToEnd(player, host), ScriptPlayer::State::kFinished);
  ASSERT_EQ(host.events.size(), 5u);
  EXPECT_EQ(std::get<KeyEvent>(host.events[0]).key, key::kLeftControl);
  EXPECT_EQ(std::get<MouseMoveEvent>(host.events[1]).pos, cv::Point2d(120, 90));
  EXPECT_TRUE(std::get<MouseButtonEvent>(host.events[2]).down);
  EXPECT_FALSE(std::get<MouseButtonEvent>(host.events[3]).down);
  EXPECT_FALSE(std::get<KeyEvent>(host.events[4]).down);
}

TEST(ScriptPlayer, WindowLevelIsARightDragOfTheNeededLength) {
  FakeHost host;
  host.window_level = {255, 127.5};
  auto player = Player("window-level 120 60\n");
  RunToEnd(player, host);
  cv::Point2d first, last;
  bool pressed_right = false;
  for (const auto& e : host.events) {
    if (auto* m = std::get_if<MouseMoveEvent>(&e)) {
      if (first == cv::Point2d()) first = m->pos;
      last = m->pos;
    }
    if (auto* b = std::get_if<MouseButtonEvent>(&e)) pressed_right |= b->button == 1 && b->down;
  }
  EXPECT_TRUE(pressed_right);
  EXPECT_EQ(first, cv::Point2d(400, 300));
  EXPECT_NEAR(last.x - first.x, -135, 1e-9);
  EXPECT_NEAR(last.y - first.y, -67.5, 1e-9);
}

TEST(ScriptPlayer, DragMovesOneStepPerFrame) {
  FakeHost host;
  auto player = Player("drag 0 0 10 0 steps=5\n");
  auto t = ScriptPlayer::Clock::now();
  player.Step(host, t);  // press batch
  const size_t after_press = host.events.size();
  // The next step waits for the settle frames, then pushes one move.
  for (int i = 0; i <= ScriptPlayer::kSettleFrames; ++i) player.Step(host, t);
  EXPECT_EQ(host.events.size(), after_press + 1);
  RunToEnd(player, host);
  int moves = 0;
  for (const auto& e : host.events) moves += std::holds_alternative<MouseMoveEvent>(e);
  EXPECT_EQ(moves, 1 + 5);
}

TEST(ScriptPlayer, WaitsForTheViewerToSettle) {
  FakeHost host;
  host.settled = false;
  auto player = Player("key a\nkey b\n");
  RunToEnd(player, host, 50);
  EXPECT_EQ(host.events.size(), 2u);  // only "a" (down, up): "b" waits
  host.settled = true;
  EXPECT_EQ(RunToEnd(player, host), ScriptPlayer::State::kFinished);
  EXPECT_EQ(host.events.size(), 4u);
}

TEST(ScriptPlayer, WaitIdleTimesOutWithTheLine) {
  FakeHost host;
  host.idle = false;
  auto player = Player("wait-frames 1\nwait-idle 0.5\n");
  EXPECT_EQ(RunToEnd(player, host), ScriptPlayer::State::kFailed);
  EXPECT_EQ(player.error(), "line 2: timed out waiting for the image to load and be analysed");
}

TEST(ScriptPlayer, CommandsAndFrameNumbers) {
  FakeHost host;
  auto player = Player("open /a.dcm\nframe 12\nscreenshot /o.png\nsave\n");
  RunToEnd(player, host);
  ASSERT_EQ(host.commands.size(), 2u);
  EXPECT_EQ(std::get<OpenCommand>(host.commands[0]).path, "/a.dcm");
  EXPECT_EQ(std::get<ScreenshotCommand>(host.commands[1]).path, "/o.png");
  // frame 12 = G, "1", "2", Enter; save = Ctrl+S.
  std::string typed;
  int enters = 0;
  bool ctrl_s = false;
  for (const auto& e : host.events) {
    if (auto* c = std::get_if<CharEvent>(&e)) typed += static_cast<char>(c->codepoint);
    if (auto* k = std::get_if<KeyEvent>(&e)) {
      enters += k->key == key::kEnter && k->down;
      ctrl_s |= k->key == key::Letter('s') && k->down;
    }
  }
  EXPECT_EQ(typed, "12");
  EXPECT_EQ(enters, 1);
  EXPECT_TRUE(ctrl_s);
}

TEST(ScriptPlayer, TextEventsDecodeUtf8) {
  const auto events = TextEvents("a\xC3\xA9\xE2\x82\xAC");  // a, e-acute, euro sign
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(std::get<CharEvent>(events[1]).codepoint, 0xE9u);
  EXPECT_EQ(std::get<CharEvent>(events[2]).codepoint, 0x20ACu);
}

}  // namespace
}  // namespace antra::viewer
