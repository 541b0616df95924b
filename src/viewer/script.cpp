#include "viewer/script.h"

#include <charconv>
#include <cmath>
#include <map>

namespace antra::viewer {
namespace {

Error LineError(int line, const std::string& message) {
  return MakeError(ErrorCode::kInvalidArgument, "line " + std::to_string(line) + ": " + message);
}

std::optional<double> ParseNumber(const std::string& word) {
  double value = 0;
  const char* end = word.data() + word.size();
  auto [ptr, ec] = std::from_chars(word.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<int> ParseButton(const std::string& word) {
  const std::string w = Lower(word);
  if (w == "left") return static_cast<int>(MouseButton::kLeft);
  if (w == "right") return static_cast<int>(MouseButton::kRight);
  if (w == "middle") return static_cast<int>(MouseButton::kMiddle);
  return std::nullopt;
}

// "ctrl", "shift", "ctrl+shift", "alt".
std::optional<Modifiers> ParseModifiers(const std::string& word) {
  Modifiers m;
  std::string rest = Lower(word);
  while (!rest.empty()) {
    const auto plus = rest.find('+');
    const std::string part = rest.substr(0, plus);
    if (part == "ctrl") m.ctrl = true;
    else if (part == "shift") m.shift = true;
    else if (part == "alt") m.alt = true;
    else return std::nullopt;
    rest = plus == std::string::npos ? "" : rest.substr(plus + 1);
  }
  return m;
}

struct VerbInfo {
  ScriptVerb verb;
  bool screen = false;
};

const std::map<std::string, VerbInfo>& Verbs() {
  static const std::map<std::string, VerbInfo> verbs = {
      {"open", {ScriptVerb::kOpen}},
      {"drop", {ScriptVerb::kDrop}},
      {"visit", {ScriptVerb::kVisit}},
      {"wait-idle", {ScriptVerb::kWaitIdle}},
      {"wait-frames", {ScriptVerb::kWaitFrames}},
      {"wait-ms", {ScriptVerb::kWaitMs}},
      {"window-level", {ScriptVerb::kWindowLevel}},
      {"preset", {ScriptVerb::kPreset}},
      {"frame", {ScriptVerb::kFrame}},
      {"move", {ScriptVerb::kMove}},
      {"move-screen", {ScriptVerb::kMove, true}},
      {"click", {ScriptVerb::kClick}},
      {"click-screen", {ScriptVerb::kClick, true}},
      {"drag", {ScriptVerb::kDrag}},
      {"drag-screen", {ScriptVerb::kDrag, true}},
      {"scroll", {ScriptVerb::kScroll}},
      {"scroll-screen", {ScriptVerb::kScroll, true}},
      {"key", {ScriptVerb::kKey}},
      {"type", {ScriptVerb::kType}},
      {"save", {ScriptVerb::kSave}},
      {"screenshot", {ScriptVerb::kScreenshot}},
      {"dump-state", {ScriptVerb::kDumpState}},
      {"quit", {ScriptVerb::kQuit}},
  };
  return verbs;
}

class LineParser {
 public:
  LineParser(int line, std::vector<std::string> words) : line_(line), words_(std::move(words)) {}

  Result<ScriptAction> Parse() {
    const auto it = Verbs().find(Lower(words_[0]));
    if (it == Verbs().end()) return LineError(line_, "unknown action '" + words_[0] + "'");
    action_.verb = it->second.verb;
    action_.screen_coordinates = it->second.screen;
    action_.line = line_;
    if (auto s = ParseArguments(); !s) return s.error();
    return action_;
  }

 private:
  Status Count(size_t min, size_t max) {
    const size_t n = words_.size() - 1;
    if (n < min || n > max) {
      const std::string expected = min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
      return LineError(line_, words_[0] + " takes " + expected + " argument(s), got " + std::to_string(n));
    }
    return Status::Ok();
  }

  Result<double> Number(size_t index, double min, double max) {
    auto value = ParseNumber(words_[index]);
    if (!value) return LineError(line_, "'" + words_[index] + "' is not a number");
    if (*value < min || *value > max) {
      return LineError(line_, words_[0] + ": " + words_[index] + " is out of range");
    }
    return *value;
  }

  Status Point(size_t index) {
    auto x = Number(index, -1e6, 1e6);
    if (!x) return x.error();
    auto y = Number(index + 1, -1e6, 1e6);
    if (!y) return y.error();
    action_.points.emplace_back(*x, *y);
    return Status::Ok();
  }

  // Optional trailing BUTTON and MODS words, from `index` on.
  Status ButtonAndModifiers(size_t index) {
    for (size_t i = index; i < words_.size(); ++i) {
      if (auto b = ParseButton(words_[i])) {
        action_.button = *b;
      } else if (auto m = ParseModifiers(words_[i])) {
        action_.mods = *m;
      } else if (words_[i].rfind("steps=", 0) == 0) {
        auto steps = ParseNumber(words_[i].substr(6));
        if (!steps || *steps < 1 || *steps > 1000) return LineError(line_, "steps must be 1 to 1000");
        action_.steps = static_cast<int>(*steps);
      } else {
        return LineError(line_, "'" + words_[i] + "' is not a button (left, right, middle) or modifiers (ctrl, shift, alt)");
      }
    }
    return Status::Ok();
  }

  Status SetNumber(size_t index, double min, double max, double* out) {
    auto v = Number(index, min, max);
    if (!v) return v.error();
    *out = *v;
    return Status::Ok();
  }

  Status ParseArguments() {
    const std::vector<std::string> args(words_.begin() + 1, words_.end());
    switch (action_.verb) {
      case ScriptVerb::kOpen:
      case ScriptVerb::kScreenshot:
      case ScriptVerb::kDumpState:
        if (auto s = Count(1, 1); !s) return s;
        action_.paths = args;
        return Status::Ok();
      case ScriptVerb::kSave:
        if (auto s = Count(0, 1); !s) return s;
        action_.paths = args;
        return Status::Ok();
      case ScriptVerb::kDrop:
        if (auto s = Count(1, 64); !s) return s;
        action_.paths = args;
        return Status::Ok();
      case ScriptVerb::kVisit: {
        if (auto s = Count(2, 3); !s) return s;
        action_.text = args[0];
        if (auto s = SetNumber(2, 0, 999, &action_.number); !s) return s;
        if (args.size() == 3) {
          action_.side = Lower(args[2]);
          if (action_.side != "left" && action_.side != "right") return LineError(line_, "visit: side must be left or right");
        }
        return Status::Ok();
      }
      case ScriptVerb::kWaitIdle:
        if (auto s = Count(0, 1); !s) return s;
        action_.number = 120;
        return args.empty() ? Status::Ok() : SetNumber(1, 0.1, 3600, &action_.number);
      case ScriptVerb::kWaitFrames:
        if (auto s = Count(1, 1); !s) return s;
        return SetNumber(1, 0, 100000, &action_.number);
      case ScriptVerb::kWaitMs:
        if (auto s = Count(1, 1); !s) return s;
        return SetNumber(1, 0, 3600000, &action_.number);
      case ScriptVerb::kWindowLevel:
        if (auto s = Count(2, 2); !s) return s;
        if (auto s = SetNumber(1, 1, 512, &action_.number); !s) return s;
        return SetNumber(2, -128, 384, &action_.number2);
      case ScriptVerb::kPreset:
        if (auto s = Count(1, 1); !s) return s;
        return SetNumber(1, 1, 4, &action_.number);
      case ScriptVerb::kFrame:
        if (auto s = Count(1, 1); !s) return s;
        return SetNumber(1, 1, 1e6, &action_.number);
      case ScriptVerb::kMove:
        if (auto s = Count(2, 2); !s) return s;
        return Point(1);
      case ScriptVerb::kClick:
        if (auto s = Count(2, 4); !s) return s;
        if (auto s = Point(1); !s) return s;
        return ButtonAndModifiers(3);
      case ScriptVerb::kDrag:
        if (auto s = Count(4, 7); !s) return s;
        if (auto s = Point(1); !s) return s;
        if (auto s = Point(3); !s) return s;
        return ButtonAndModifiers(5);
      case ScriptVerb::kScroll:
        if (auto s = Count(3, 3); !s) return s;
        if (auto s = Point(1); !s) return s;
        return SetNumber(3, -100, 100, &action_.number);
      case ScriptVerb::kKey: {
        if (auto s = Count(1, 1); !s) return s;
        auto chord = ParseKeyChord(args[0]);
        if (!chord) return LineError(line_, chord.error().message);
        action_.chord = *chord;
        return Status::Ok();
      }
      case ScriptVerb::kType:
        if (auto s = Count(1, 1); !s) return s;
        action_.text = args[0];
        return Status::Ok();
      case ScriptVerb::kQuit:
        return Count(0, 0);
    }
    return Status::Ok();
  }

  int line_;
  std::vector<std::string> words_;
  ScriptAction action_;
};

}  // namespace

Result<KeyChord> ParseKeyChord(std::string_view text) {
  KeyChord chord;
  std::string rest = Lower(std::string(text));
  // The last part is the key ("ctrl++" is not supported; use "ctrl+plus").
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const auto plus = rest.find('+', start);
    parts.push_back(rest.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == "ctrl") chord.ctrl = true;
    else if (parts[i] == "shift") chord.shift = true;
    else if (parts[i] == "alt") chord.alt = true;
    else return MakeError(ErrorCode::kInvalidArgument, "'" + parts[i] + "' is not a modifier (ctrl, shift, alt)");
  }
  auto code = key::FromName(parts.back());
  if (!code) return MakeError(ErrorCode::kInvalidArgument, "unknown key '" + parts.back() + "'");
  chord.key = *code;
  return chord;
}

Result<std::vector<std::string>> SplitScriptLine(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, in_word = false;
  for (char c : line) {
    if (quoted) {
      if (c == '"') quoted = false;
      else word += c;
    } else if (c == '"') {
      quoted = in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted) return MakeError(ErrorCode::kInvalidArgument, "unclosed quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<std::vector<ScriptAction>> ParseScript(std::string_view text) {
  std::vector<ScriptAction> actions;
  int line_number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') {
      if (end == text.size()) break;
      continue;
    }
    auto words = SplitScriptLine(line);
    if (!words) return LineError(line_number, words.error().message);
    auto action = LineParser(line_number, std::move(words).value()).Parse();
    if (!action) return action.error();
    actions.push_back(std::move(action).value());
    if (end == text.size()) break;
  }
  return actions;
}

}  // namespace antra::viewer
