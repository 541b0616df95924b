#pragma once
// The little a SQL export needs from a database, for SQLite and PostgreSQL
// alike. Every value travels as a bound parameter: no value from a result
// file (subject IDs, reviewer names, UIDs) is ever spliced into SQL text.
// Statements are written with ?1, ?2, ... placeholders; the PostgreSQL
// backend turns them into $1, $2, ....

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace antra {

using SqlValue = std::variant<std::monostate, long long, double, std::string>;  // monostate = NULL
using SqlRow = std::vector<std::optional<std::string>>;

SqlValue SqlNull();
SqlValue SqlText(const std::string& s);         // empty string stays empty (not NULL)
SqlValue SqlTextOrNull(const std::string& s);   // empty string becomes NULL
SqlValue SqlInt(long long v);
SqlValue SqlBool(bool v);                       // 0 or 1
SqlValue SqlReal(double v);
SqlValue SqlOptional(const std::optional<int>& v);
SqlValue SqlOptional(const std::optional<double>& v);

class SqlDatabase {
 public:
  virtual ~SqlDatabase() = default;
  virtual std::string Describe() const = 0;  // for messages; never includes a password
  // Begins a transaction that holds the export lock, so two exports never
  // interleave.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  virtual Status Execute(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
};

// sqlite:PATH. Creates the file (and its folder) when missing.
Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::filesystem::path& path);

// postgresql://user:password@host:port/dbname?options (libpq URI). Connection
// failures (server down, login refused) are one-line errors with the password
// left out.
Result<std::unique_ptr<SqlDatabase>> OpenPostgres(const std::string& url);

// The URL with any password replaced by "***".
std::string RedactUrl(const std::string& url);

}  // namespace antra
