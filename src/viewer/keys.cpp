#include "viewer/keys.h"

#include <array>
#include <utility>

namespace antra::viewer::key {
namespace {

struct Named {
  std::string_view name;
  int code;
};

constexpr std::array<Named, 36> kNamed = {{
    {"space", kSpace},         {"enter", kEnter},          {"return", kEnter},     {"escape", kEscape},
    {"esc", kEscape},          {"tab", kTab},              {"backspace", kBackspace}, {"insert", kInsert},
    {"delete", kDelete},       {"del", kDelete},           {"right", kRight},      {"left", kLeft},
    {"down", kDown},           {"up", kUp},                {"pageup", kPageUp},    {"pagedown", kPageDown},
    {"home", kHome},           {"end", kEnd},              {"minus", kMinus},      {"equal", kEqual},
    {"plus", kEqual},          {"slash", kSlash},          {"comma", kComma},      {"period", kPeriod},
    {"leftbracket", kLeftBracket}, {"rightbracket", kRightBracket}, {"ctrl", kLeftControl},
    {"control", kLeftControl}, {"shift", kLeftShift},      {"alt", kLeftAlt},      {"super", kLeftSuper},
    {"rctrl", kRightControl},  {"rshift", kRightShift},    {"ralt", kRightAlt},    {"kpadd", kKpAdd},
    {"kpsubtract", kKpSubtract},
}};

}  // namespace

std::optional<int> FromName(std::string_view name) {
  if (name.size() == 1) {
    const char c = name[0];
    if (c >= 'a' && c <= 'z') return Letter(c);
    if (c >= '0' && c <= '9') return Digit(c - '0');
  }
  if (name.size() >= 2 && name.size() <= 3 && name[0] == 'f') {
    int n = 0;
    for (char c : name.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n >= 1 && n <= 12) return kF1 + n - 1;
    return std::nullopt;
  }
  for (const auto& named : kNamed) {
    if (named.name == name) return named.code;
  }
  return std::nullopt;
}

std::string Name(int code) {
  if (code >= kA && code < kA + 26) return std::string(1, static_cast<char>('a' + code - kA));
  if (code >= k0 && code < k0 + 10) return std::string(1, static_cast<char>('0' + code - k0));
  if (code >= kF1 && code < kF1 + 12) return "f" + std::to_string(code - kF1 + 1);
  for (const auto& named : kNamed) {
    if (named.code == code) return std::string(named.name);
  }
  return "key" + std::to_string(code);
}

}  // namespace antra::viewer::key
