#include "core/dates.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace antra {

namespace {

namespace chrono = std::chrono;

// The day as year, month and day joined by `separator` ("" for DICOM, "-" for ISO).
std::string Format(long days_since_epoch, const char* separator) {
  const chrono::year_month_day ymd{chrono::sys_days{chrono::days{days_since_epoch}}};
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04d%s%02u%s%02u", static_cast<int>(ymd.year()), separator,
                static_cast<unsigned>(ymd.month()), separator, static_cast<unsigned>(ymd.day()));
  return buf;
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
  if (year < 1900 || year > 2199) return std::nullopt;
  // ok() rejects month 13, 31 April, 29 February in common years and the like.
  const chrono::year_month_day ymd{chrono::year{year}, chrono::month{month}, chrono::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date(chrono::sys_days{ymd}.time_since_epoch().count());
}

Date Date::FromDays(long days_since_epoch) { return Date(days_since_epoch); }

std::string Date::Iso() const { return Format(days_, "-"); }

std::string Date::Dicom() const { return Format(days_, ""); }

std::string UtcNowIso() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace antra
