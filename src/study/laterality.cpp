#include "study/laterality.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

namespace antra {

namespace {

// Words (runs of letters, compared upper case) that name a side. "L" and "R"
// alone count only when followed by an ovary word, because a lone letter is
// too common in descriptions ("R&D", "L1"). English only: short foreign
// abbreviations ("RE", "LI") collide with ordinary words ("RE-SCAN").
const std::set<std::string>& LeftWords() {
  static const std::set<std::string> words = {"LT", "LEFT", "LOV", "LOVARY", "LTOV"};
  return words;
}
const std::set<std::string>& RightWords() {
  static const std::set<std::string> words = {"RT", "RIGHT", "ROV", "ROVARY", "RTOV"};
  return words;
}
bool IsOvaryWord(const std::string& w) { return w == "OV" || w == "OVARY" || w == "OVAR" || w == "OVARIAN" || w == "OVARIES"; }

// Organs of a pelvic exam that are not an ovary. Whole words only, and no
// ambiguous abbreviations: "ENDO" is also endovaginal, "CX" and "EM" too short
// to trust. "ADNEXA" is left out: the adnexa hold the ovary.
bool IsOtherOrganWord(const std::string& w) {
  static const std::set<std::string> words = {"UT",        "UTERUS",    "UTERINE", "ENDOMETRIUM", "ENDOMETRIAL",
                                              "MYOMETRIUM", "FIBROID",  "CERVIX",  "CERVICAL",    "BLADDER",
                                              "KIDNEY",     "RENAL",    "FETUS",   "FETAL"};
  return words.count(w) > 0;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string current;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      current.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

}  // namespace

const char* ToString(Side side) {
  switch (side) {
    case Side::kLeft: return "left";
    case Side::kRight: return "right";
    case Side::kUnknown: return "unknown";
    case Side::kNotOvary: return "not-ovary";
  }
  return "unknown";
}

std::optional<Side> SideFromString(std::string_view text) {
  if (text == "left") return Side::kLeft;
  if (text == "right") return Side::kRight;
  if (text == "unknown") return Side::kUnknown;
  if (text == "not-ovary") return Side::kNotOvary;
  return std::nullopt;
}

const char* ToString(SideSource source) {
  switch (source) {
    case SideSource::kHeader: return "header";
    case SideSource::kSeriesDescription: return "series-description";
    case SideSource::kReviewer: return "reviewer";
    case SideSource::kNone: return "none";
  }
  return "none";
}

std::optional<SideSource> SideSourceFromString(std::string_view text) {
  if (text == "header") return SideSource::kHeader;
  if (text == "series-description") return SideSource::kSeriesDescription;
  if (text == "reviewer") return SideSource::kReviewer;
  if (text == "none") return SideSource::kNone;
  return std::nullopt;
}

Side SideFromDescription(std::string_view description) {
  const auto words = Words(description);
  const bool names_ovary = std::any_of(words.begin(), words.end(), [](const std::string& w) {
    return IsOvaryWord(w) || (w.size() > 2 && (LeftWords().count(w) || RightWords().count(w)));  // LOV, RTOV, ...
  });
  if (!names_ovary && std::any_of(words.begin(), words.end(), IsOtherOrganWord)) return Side::kNotOvary;
  bool left = false, right = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool before_ovary = i + 1 < words.size() && IsOvaryWord(words[i + 1]);
    if (LeftWords().count(w) || (w == "L" && before_ovary)) left = true;
    if (RightWords().count(w) || (w == "R" && before_ovary)) right = true;
  }
  if (left == right) return Side::kUnknown;  // neither, or both
  return left ? Side::kLeft : Side::kRight;
}

SideDecision DecideSide(const ImageInfo& info) {
  const Side from_text = SideFromDescription(info.series_description);
  if (from_text == Side::kNotOvary) return {Side::kNotOvary, SideSource::kSeriesDescription};
  if (info.laterality == "L") return {Side::kLeft, SideSource::kHeader};
  if (info.laterality == "R") return {Side::kRight, SideSource::kHeader};
  if (from_text != Side::kUnknown) return {from_text, SideSource::kSeriesDescription};
  return {Side::kUnknown, SideSource::kNone};
}

}  // namespace antra
