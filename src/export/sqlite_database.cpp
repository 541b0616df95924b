// SqlDatabase over the SQLite C API.

#include <sqlite3.h>

#include "export/sql_database.h"

namespace antra {

namespace {

class SqliteDatabase final : public SqlDatabase {
 public:
  SqliteDatabase(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override {
    if (in_transaction_) SqliteDatabase::Rollback();  // a transaction left open is never half-committed
    sqlite3_close_v2(db_);
  }

  std::string Describe() const override { return "sqlite:" + path_.string(); }

  Status Begin() override {
    // IMMEDIATE takes the write lock now: a second export waits (busy
    // timeout) instead of failing halfway.
    if (Status s = Execute("BEGIN IMMEDIATE", {}); !s) return s;
    in_transaction_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    Status s = Execute("COMMIT", {});
    if (s) in_transaction_ = false;
    return s;
  }
  void Rollback() override {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    in_transaction_ = false;
  }

  Status Execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto rows = Run(sql, params, /*collect=*/false);
    if (!rows) return rows.error();
    return Status::Ok();
  }

  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return Run(sql, params, /*collect=*/true);
  }

 private:
  Error Fail(const char* what) const {
    return MakeError(ErrorCode::kIo, std::string(what) + ": " + sqlite3_errmsg(db_));
  }

  Result<std::vector<SqlRow>> Run(const std::string& sql, const std::vector<SqlValue>& params, bool collect) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
      return Fail("SQLite prepare");
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, sqlite3_finalize);
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) rc = sqlite3_bind_null(stmt, index);
            else if constexpr (std::is_same_v<T, long long>) rc = sqlite3_bind_int64(stmt, index, v);
            else if constexpr (std::is_same_v<T, double>) rc = sqlite3_bind_double(stmt, index, v);
            else rc = sqlite3_bind_text(stmt, index, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          },
          params[i]);
      if (rc != SQLITE_OK) return Fail("SQLite bind");
    }
    std::vector<SqlRow> rows;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Fail("SQLite");
      if (!collect) continue;
      SqlRow row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  sqlite3* db_;
  std::filesystem::path path_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenSqlite(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return MakeError(ErrorCode::kIo, "cannot open SQLite database: " + why);
  }
  sqlite3_busy_timeout(db, 30000);
  auto out = std::make_unique<SqliteDatabase>(db, path);
  if (Status s = out->Execute("PRAGMA foreign_keys = ON", {}); !s) return s.error();
  return std::unique_ptr<SqlDatabase>(std::move(out));
}

}  // namespace antra
