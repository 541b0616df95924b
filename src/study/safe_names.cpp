#include "study/safe_names.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace antra {

namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

void ReplaceAllCaseless(std::string& text, std::string_view needle) {
  if (needle.empty()) return;
  const std::string lowered_needle = Lower(needle);
  const std::string replacement = "[removed]";
  size_t pos = 0;
  while (true) {
    const std::string lowered = Lower(text);
    pos = lowered.find(lowered_needle, pos);
    if (pos == std::string::npos) return;
    text.replace(pos, needle.size(), replacement);
    pos += replacement.size();
  }
}

std::vector<std::string> NameParts(std::string_view name) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : name) {
    if (c == '^' || c == ' ' || c == '=' || c == ',') {
      if (!current.empty()) parts.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) parts.push_back(std::move(current));
  return parts;
}

}  // namespace

Status CheckSubjectId(std::string_view id) {
  if (id.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty subject ID");
  if (id.size() > 32) return MakeError(ErrorCode::kInvalidArgument, "subject ID longer than 32 characters");
  if (!IsAlnum(id.front())) {
    return MakeError(ErrorCode::kInvalidArgument, "subject ID must start with a letter or digit");
  }
  for (char c : id) {
    if (!IsAlnum(c) && c != '_' && c != '-') {
      return MakeError(ErrorCode::kInvalidArgument,
                       "subject ID may only hold letters, digits, '_' and '-' (it names a folder)");
    }
  }
  return Status::Ok();
}

bool IsSafeSubjectId(std::string_view id) { return CheckSubjectId(id).ok(); }

bool IsDicomUid(std::string_view uid) {
  if (uid.empty() || uid.size() > 64) return false;
  return std::all_of(uid.begin(), uid.end(), [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

std::string PrintableText(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 128)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string ScrubIdentity(std::string_view text, const PatientIdentity& identity) {
  std::string out(text);
  std::vector<std::string> needles;
  if (!identity.patient_id.empty()) needles.push_back(identity.patient_id);
  for (auto& part : NameParts(identity.patient_name)) {
    if (part.size() >= 3) needles.push_back(part);
  }
  if (identity.birth_date.size() == 8) {
    const auto& b = identity.birth_date;
    needles.push_back(b);
    needles.push_back(b.substr(0, 4) + "-" + b.substr(4, 2) + "-" + b.substr(6, 2));
  }
  // Longest first, so "SMITHSON" is removed before "SMITH" could split it.
  std::sort(needles.begin(), needles.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& n : needles) ReplaceAllCaseless(out, n);
  return out;
}

}  // namespace antra
