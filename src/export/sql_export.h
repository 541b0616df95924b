#pragma once
// Results into a SQL database (SQLite or PostgreSQL), documented in
// docs/database.md. One transaction per export: visits whose rows changed are
// deleted and inserted again, visits that no longer exist in the results are
// deleted, unchanged visits are not touched. So an export run twice changes
// nothing, and after a review edit the database matches the result files
// exactly, deleted follicles included. If anything fails the transaction is
// rolled back and the database is as before.

#include "core/result.h"
#include "export/export_data.h"
#include "export/sql_database.h"

namespace antra {

inline constexpr int kDatabaseSchemaVersion = 2;  // 2: review_events

struct SqlExportStats {
  int inserted = 0;   // visits new to the database
  int replaced = 0;   // visits whose rows changed
  int deleted = 0;    // visits no longer in the results
  int unchanged = 0;
  int subjects_changed = 0;
};

// Creates the tables when missing (and refuses a database whose schema
// version is not this one).
Status EnsureSchema(SqlDatabase& db);

Result<SqlExportStats> ExportToSql(SqlDatabase& db, const ExportData& data);

}  // namespace antra
