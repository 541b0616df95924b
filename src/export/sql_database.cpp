#include "export/sql_database.h"

namespace antra {

SqlValue SqlNull() { return std::monostate{}; }
SqlValue SqlText(const std::string& s) { return s; }
SqlValue SqlTextOrNull(const std::string& s) { return s.empty() ? SqlNull() : SqlValue(s); }
SqlValue SqlInt(long long v) { return v; }
SqlValue SqlBool(bool v) { return static_cast<long long>(v ? 1 : 0); }
SqlValue SqlReal(double v) { return v; }
SqlValue SqlOptional(const std::optional<int>& v) { return v ? SqlValue(static_cast<long long>(*v)) : SqlNull(); }
SqlValue SqlOptional(const std::optional<double>& v) { return v ? SqlValue(*v) : SqlNull(); }

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  // scheme://user:password@host -> scheme://user:***@host
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t at = out.find('@', scheme + 3);
    const size_t colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      out = out.substr(0, colon + 1) + "***" + out.substr(at);
    }
  }
  // password=... among the query parameters
  const size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    const size_t end = out.find('&', pw);
    out = out.substr(0, pw) + "password=***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

}  // namespace antra
