#pragma once
// Calendar dates (visit numbering, phantom studies). DICOM writes dates as YYYYMMDD; mapping
// files and results use ISO 8601 (YYYY-MM-DD). Dates are whole days with no
// time zone: a visit is a calendar day at the site.

#include <optional>
#include <string>
#include <string_view>

namespace antra {

class Date {
 public:
  // Accepts YYYYMMDD (DICOM DA) or YYYY-MM-DD; empty when malformed or not a
  // real calendar day (20250230) or outside 1900..2199.
  static std::optional<Date> Parse(std::string_view text);
  static Date FromDays(long days_since_epoch);

  long days() const { return days_; }  // since 1970-01-01
  std::string Iso() const;             // YYYY-MM-DD
  std::string Dicom() const;           // YYYYMMDD
  Date PlusDays(long n) const { return FromDays(days_ + n); }
  long DaysUntil(const Date& later) const { return later.days_ - days_; }

  auto operator<=>(const Date&) const = default;

 private:
  explicit Date(long days) : days_(days) {}
  long days_ = 0;
};

// Current UTC time as ISO 8601 with seconds and a Z suffix (audit entries).
std::string UtcNowIso();

}  // namespace antra
