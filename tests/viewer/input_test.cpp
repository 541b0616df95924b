#include <gtest/gtest.h>

#include "viewer/input.h"
#include "viewer/keys.h"
#include "viewer/shortcuts.h"

namespace antra::viewer {
namespace {

TEST(InputTrickler, PressAndReleaseInOneBatchTakeTwoFrames) {
  InputQueue queue{MouseMoveEvent{{10, 20}}, MouseButtonEvent{0, true}, MouseButtonEvent{0, false}};
  InputState state;
  InputTrickler trickler;
  EXPECT_EQ(trickler.ApplyFrame(queue, state), 2);  // move and press
  EXPECT_EQ(state.mouse_pos, cv::Point2d(10, 20));
  EXPECT_TRUE(state.mouse_down[0]);
  EXPECT_EQ(trickler.ApplyFrame(queue, state), 1);  // release next frame: the click is not lost
  EXPECT_FALSE(state.mouse_down[0]);
  EXPECT_TRUE(queue.empty());
}

TEST(InputTrickler, MoveAfterPressWaitsForTheNextFrame) {
  InputQueue queue{MouseButtonEvent{1, true}, MouseMoveEvent{{5, 5}}, MouseMoveEvent{{6, 7}}};
  InputState state;
  state.mouse_pos = {1, 1};
  InputTrickler trickler;
  trickler.ApplyFrame(queue, state);
  EXPECT_EQ(state.mouse_pos, cv::Point2d(1, 1));  // pressed where the pointer was
  trickler.ApplyFrame(queue, state);
  EXPECT_EQ(state.mouse_pos, cv::Point2d(6, 7));  // moves coalesce
}

TEST(InputTrickler, KeyChordAppliesModifiersWithTheKey) {
  InputQueue queue{KeyEvent{key::kLeftControl, true}, KeyEvent{key::Letter('z'), true},
                   KeyEvent{key::Letter('z'), false}, KeyEvent{key::kLeftControl, false}};
  InputState state;
  InputTrickler trickler;
  trickler.ApplyFrame(queue, state);
  EXPECT_TRUE(state.modifiers().ctrl);
  EXPECT_TRUE(state.keys_down[key::Letter('z')]);
  trickler.ApplyFrame(queue, state);
  EXPECT_FALSE(state.keys_down[key::Letter('z')]);
  EXPECT_FALSE(state.modifiers().ctrl);
  EXPECT_TRUE(queue.empty());
}

TEST(InputTrickler, TextWaitsForKeysAndDropsPassThrough) {
  InputQueue queue{KeyEvent{key::Letter('g'), true}, CharEvent{'1'}, CharEvent{'2'}, DropEvent{{"/a.dcm"}}};
  InputState state;
  InputTrickler trickler;
  trickler.ApplyFrame(queue, state);
  EXPECT_TRUE(state.chars.empty());
  trickler.ApplyFrame(queue, state);
  EXPECT_EQ(state.chars, (std::vector<unsigned>{'1', '2'}));
  ASSERT_EQ(state.drops.size(), 1u);
  EXPECT_EQ(state.drops[0][0], "/a.dcm");
}

TEST(InputTrickler, FocusLossReleasesEverything) {
  InputState state;
  state.mouse_down[0] = true;
  state.keys_down[key::kLeftShift] = true;
  InputQueue queue{FocusLostEvent{}};
  InputTrickler().ApplyFrame(queue, state);
  EXPECT_FALSE(state.mouse_down[0]);
  EXPECT_FALSE(state.modifiers().shift);
}

TEST(InputTrickler, IgnoresOutOfRangeButtonsAndKeys) {
  InputState state;
  InputQueue queue{MouseButtonEvent{7, true}, KeyEvent{-1, true}, KeyEvent{key::kCount + 5, true}};
  EXPECT_EQ(InputTrickler().ApplyFrame(queue, state), 3);
}

TEST(Keys, NamesRoundTrip) {
  for (const char* name : {"a", "z", "0", "9", "space", "enter", "delete", "left", "f1", "f12", "pagedown", "tab"}) {
    auto code = key::FromName(name);
    ASSERT_TRUE(code) << name;
    EXPECT_EQ(key::FromName(key::Name(*code)), code) << name;
  }
  EXPECT_FALSE(key::FromName("f13"));
  EXPECT_FALSE(key::FromName("nosuchkey"));
}

TEST(Shortcuts, EveryChordIsUniqueAndEveryActionHasOne) {
  const auto shortcuts = Shortcuts();
  for (size_t i = 0; i < shortcuts.size(); ++i) {
    for (size_t j = i + 1; j < shortcuts.size(); ++j) {
      const bool same = shortcuts[i].key == shortcuts[j].key && shortcuts[i].ctrl == shortcuts[j].ctrl &&
                        shortcuts[i].shift == shortcuts[j].shift;
      EXPECT_FALSE(same) << ChordLabel(shortcuts[i]) << " is listed twice";
    }
  }
  for (int a = 0; a < static_cast<int>(Action::kActionCount); ++a) {
    bool found = false;
    for (const auto& s : shortcuts) found |= static_cast<int>(s.action) == a;
    EXPECT_TRUE(found) << "action " << a << " has no shortcut";
  }
}

TEST(Shortcuts, ModifiersSelectTheAction) {
  EXPECT_EQ(MatchShortcut(key::Letter('r'), {}), Action::kReject);
  EXPECT_EQ(MatchShortcut(key::Letter('r'), {false, true, false, false}), Action::kAssignRight);
  EXPECT_EQ(MatchShortcut(key::Letter('z'), {true, false, false, false}), Action::kUndo);
  EXPECT_EQ(MatchShortcut(key::Letter('z'), {true, true, false, false}), Action::kRedo);
  EXPECT_FALSE(MatchShortcut(key::Letter('z'), {false, false, true, false}));  // Alt never matches
  EXPECT_EQ(ChordLabel({Action::kRedo, key::Letter('z'), true, true, "", ""}), "Ctrl+Shift+Z");
}

}  // namespace
}  // namespace antra::viewer
