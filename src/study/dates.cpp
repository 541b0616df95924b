#include "study/dates.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace antra {

namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain).
long DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

void CivilFromDays(long z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long yy = static_cast<long>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<Date> Date::Parse(std::string_view text) {
  // DICOM DA values are sometimes padded with a trailing space.
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::string_view y, m, d;
  if (text.size() == 8 && AllDigits(text)) {
    y = text.substr(0, 4), m = text.substr(4, 2), d = text.substr(6, 2);
  } else if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
    if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  const int year = ToInt(y);
  const unsigned month = static_cast<unsigned>(ToInt(m)), day = static_cast<unsigned>(ToInt(d));
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  const long days = DaysFromCivil(year, month, day);
  // Round trip rejects 31 April, 29 February in common years and the like.
  int yy;
  unsigned mm, dd;
  CivilFromDays(days, yy, mm, dd);
  if (yy != year || mm != month || dd != day) return std::nullopt;
  return Date(days);
}

Date Date::FromDays(long days_since_epoch) { return Date(days_since_epoch); }

std::string Date::Iso() const {
  int y;
  unsigned m, d;
  CivilFromDays(days_, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string Date::Dicom() const {
  int y;
  unsigned m, d;
  CivilFromDays(days_, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", y, m, d);
  return buf;
}

std::string UtcNowIso() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace antra
