#pragma once
// Key codes of the viewer's input layer. They are GLFW's numbers (the platform
// layer static_asserts that), so a key from the real keyboard and a key from a
// script are the same value, but the headless viewer_core needs no GLFW header.

#include <optional>
#include <string>
#include <string_view>

namespace antra::viewer::key {

inline constexpr int kSpace = 32;
inline constexpr int kApostrophe = 39;
inline constexpr int kComma = 44;
inline constexpr int kMinus = 45;
inline constexpr int kPeriod = 46;
inline constexpr int kSlash = 47;
inline constexpr int k0 = 48;  // k0 + n for digit n
inline constexpr int kEqual = 61;
inline constexpr int kA = 65;  // kA + n for letter n
inline constexpr int kLeftBracket = 91;
inline constexpr int kRightBracket = 93;
inline constexpr int kEscape = 256;
inline constexpr int kEnter = 257;
inline constexpr int kTab = 258;
inline constexpr int kBackspace = 259;
inline constexpr int kInsert = 260;
inline constexpr int kDelete = 261;
inline constexpr int kRight = 262;
inline constexpr int kLeft = 263;
inline constexpr int kDown = 264;
inline constexpr int kUp = 265;
inline constexpr int kPageUp = 266;
inline constexpr int kPageDown = 267;
inline constexpr int kHome = 268;
inline constexpr int kEnd = 269;
inline constexpr int kF1 = 290;  // kF1 + n - 1 for Fn, up to F12
inline constexpr int kKpSubtract = 333;
inline constexpr int kKpAdd = 334;
inline constexpr int kKpEnter = 335;
inline constexpr int kLeftShift = 340;
inline constexpr int kLeftControl = 341;
inline constexpr int kLeftAlt = 342;
inline constexpr int kLeftSuper = 343;
inline constexpr int kRightShift = 344;
inline constexpr int kRightControl = 345;
inline constexpr int kRightAlt = 346;
inline constexpr int kRightSuper = 347;
inline constexpr int kCount = 512;  // size of the key state array

constexpr int Letter(char c) { return kA + (c - 'a'); }
constexpr int Digit(int n) { return k0 + n; }

// "a", "z", "5", "space", "enter", "delete", "left", "f1", "ctrl", ... (lower case).
std::optional<int> FromName(std::string_view name);
std::string Name(int code);

}  // namespace antra::viewer::key
