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
  // scheme://user:password@host -> scheme://user:***@host
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  std::string out = url;
  if (colon != std::string::npos && colon < at) out = url.substr(0, colon + 1) + "***" + url.substr(at);
  // password=... in the query string
  const size_t pw = out.find("password=");
  if (pw != std::string::npos) {
    const size_t end = out.find('&', pw);
    out = out.substr(0, pw) + "password=***" + (end == std::string::npos ? "" : out.substr(end));
  }
  return out;
}

}  // namespace antra
