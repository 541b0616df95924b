#include <gtest/gtest.h>

#include "viewer/script.h"

namespace antra::viewer {
namespace {

TEST(Script, ParsesEveryAction) {
  const auto script = ParseScript(R"(# a comment
open "/data/with space/a.dcm"
drop /x/a.dcm /x/b.dcm
wait-idle
wait-idle 5
wait-frames 3
wait-ms 250
window-level 120 60
preset 2
frame 12
move 10 20
click 411 470
click 5.5 6 right ctrl+shift
drag 1 2 3 4 middle steps=3
click-screen 100 200
scroll 50 60 -2
key ctrl+z
type 42
save
save /tmp/review.json
screenshot /tmp/out.png
dump-state /tmp/state.json
quit
)");
  ASSERT_TRUE(script) << script.error().message;
  const auto& a = script.value();
  ASSERT_EQ(a.size(), 22u);
  EXPECT_EQ(a[0].verb, ScriptVerb::kOpen);
  EXPECT_EQ(a[0].paths[0], "/data/with space/a.dcm");
  EXPECT_EQ(a[0].line, 2);
  EXPECT_EQ(a[1].paths.size(), 2u);
  EXPECT_DOUBLE_EQ(a[2].number, 120);  // default timeout
  EXPECT_DOUBLE_EQ(a[3].number, 5);
  EXPECT_EQ(a[6].verb, ScriptVerb::kWindowLevel);
  EXPECT_DOUBLE_EQ(a[6].number, 120);
  EXPECT_DOUBLE_EQ(a[6].number2, 60);
  EXPECT_EQ(a[10].points[0], cv::Point2d(411, 470));
  EXPECT_FALSE(a[10].screen_coordinates);
  EXPECT_EQ(a[11].button, static_cast<int>(MouseButton::kRight));
  EXPECT_TRUE(a[11].mods.ctrl && a[11].mods.shift);
  EXPECT_EQ(a[12].points.size(), 2u);
  EXPECT_EQ(a[12].steps, 3);
  EXPECT_EQ(a[12].button, static_cast<int>(MouseButton::kMiddle));
  EXPECT_TRUE(a[13].screen_coordinates);
  EXPECT_DOUBLE_EQ(a[14].number, -2);
  EXPECT_TRUE(a[15].chord.ctrl);
  EXPECT_EQ(a[15].chord.key, key::Letter('z'));
  EXPECT_EQ(a[16].text, "42");
  EXPECT_TRUE(a[17].paths.empty());
  EXPECT_EQ(a[21].verb, ScriptVerb::kQuit);
}

TEST(Script, ErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"open a\nfly 1 2\n", "line 2: unknown action 'fly'"},
                        Case{"click 1\n", "line 1: click takes 2 to 4 argument(s), got 1"},
                        Case{"click x 2\n", "line 1: 'x' is not a number"},
                        Case{"click 1 2 sideways\n", "line 1: 'sideways' is not a button"},
                        Case{"key hyper+a\n", "line 1: 'hyper' is not a modifier"},
                        Case{"key ctrl+nokey\n", "line 1: unknown key 'nokey'"},
                        Case{"window-level 0 60\n", "line 1: window-level: 0 is out of range"},
                        Case{"open \"unclosed\n", "line 1: unclosed quote"},
                        Case{"frame 0\n", "line 1: frame: 0 is out of range"},
                        Case{"quit now\n", "line 1: quit takes 0 argument(s), got 1"}}) {
    const auto result = ParseScript(c.text);
    ASSERT_FALSE(result) << c.text;
    EXPECT_NE(result.error().message.find(c.message), std::string::npos)
        << "got: " << result.error().message << "\nwanted: " << c.message;
  }
}

TEST(Script, EmptyAndCommentOnlyScriptsAreValid) {
  EXPECT_TRUE(ParseScript("")->empty());
  EXPECT_TRUE(ParseScript("# nothing\n\n   \n")->empty());
  EXPECT_EQ(ParseScript("quit")->size(), 1u);  // no final newline
  EXPECT_EQ(ParseScript("wait-frames 1\r\nquit\r\n")->size(), 2u);
}

}  // namespace
}  // namespace antra::viewer
