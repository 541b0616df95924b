// SqlDatabase over libpqxx 6.

#include <cctype>

#include <pqxx/pqxx>

#include "export/sql_database.h"

namespace antra {

namespace {

std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  return line;
}

// ?1 -> $1 (the placeholders Antra's SQL is written with).
std::string ToDollarPlaceholders(const std::string& sql) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '?' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      out.push_back('$');
    } else {
      out.push_back(sql[i]);
    }
  }
  return out;
}

// An arbitrary fixed key: every Antra export takes this transaction-level
// advisory lock, so two exports to one database run one after the other.
constexpr long long kExportLockKey = 0x416e747261ll;  // "Antra"

class PostgresDatabase final : public SqlDatabase {
 public:
  PostgresDatabase(std::unique_ptr<pqxx::connection> c, std::string url) : conn_(std::move(c)), url_(std::move(url)) {}

  std::string Describe() const override { return RedactUrl(url_); }

  Status Begin() override {
    try {
      txn_ = std::make_unique<pqxx::work>(*conn_, "antra-export");
      txn_->exec_params("SELECT pg_advisory_xact_lock($1)", kExportLockKey);
      return Status::Ok();
    } catch (const std::exception& e) {
      txn_.reset();
      return Fail(e);
    }
  }

  Status Commit() override {
    try {
      txn_->commit();
      txn_.reset();
      return Status::Ok();
    } catch (const std::exception& e) {
      txn_.reset();
      return Fail(e);
    }
  }

  void Rollback() override {
    try {
      if (txn_) txn_->abort();
    } catch (...) {
      // The connection may already be gone; nothing was committed.
    }
    txn_.reset();
  }

  Status Execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto r = Run(sql, params);
    if (!r) return r.error();
    return Status::Ok();
  }

  Result<std::vector<SqlRow>> Query(const std::string& sql, const std::vector<SqlValue>& params) override {
    auto r = Run(sql, params);
    if (!r) return r.error();
    std::vector<SqlRow> rows;
    for (const auto& row : *r) {
      SqlRow out;
      for (const auto& field : row) {
        if (field.is_null()) out.emplace_back(std::nullopt);
        else out.emplace_back(field.c_str());
      }
      rows.push_back(std::move(out));
    }
    return rows;
  }

 private:
  Error Fail(const std::exception& e) const {
    if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
      return MakeError(ErrorCode::kIo, "PostgreSQL connection lost: " + FirstLine(e.what()));
    }
    return MakeError(ErrorCode::kIo, "PostgreSQL: " + FirstLine(e.what()));
  }

  Result<pqxx::result> Run(const std::string& sql, const std::vector<SqlValue>& params) {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> pointers;
    for (const auto& p : params) {
      if (std::holds_alternative<std::monostate>(p)) {
        pointers.push_back(nullptr);
        continue;
      }
      if (const auto* i = std::get_if<long long>(&p)) storage.push_back(std::to_string(*i));
      else if (const auto* d = std::get_if<double>(&p)) storage.push_back(pqxx::to_string(*d));
      else storage.push_back(std::get<std::string>(p));
      pointers.push_back(storage.back().c_str());
    }
    try {
      if (txn_) return txn_->exec_params(ToDollarPlaceholders(sql), pqxx::prepare::make_dynamic_params(pointers));
      // Outside Begin()/Commit(): a statement of its own, like SQLite's autocommit.
      pqxx::work single(*conn_);
      pqxx::result r = single.exec_params(ToDollarPlaceholders(sql), pqxx::prepare::make_dynamic_params(pointers));
      single.commit();
      return r;
    } catch (const std::exception& e) {
      return Fail(e);
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> txn_;
  std::string url_;
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenPostgres(const std::string& url) {
  try {
    // connect_timeout keeps "server down" from hanging an export.
    std::string target = url;
    if (target.find("connect_timeout=") == std::string::npos) {
      target += (target.find('?') == std::string::npos ? "?" : "&");
      target += "connect_timeout=10";
    }
    auto conn = std::make_unique<pqxx::connection>(target);
    return std::unique_ptr<SqlDatabase>(std::make_unique<PostgresDatabase>(std::move(conn), url));
  } catch (const std::exception& e) {
    // libpq messages name host and user, never the password.
    return MakeError(ErrorCode::kIo, "cannot connect to " + RedactUrl(url) + ": " + FirstLine(e.what()));
  }
}

}  // namespace antra
