#pragma once
// The behaviour every SQL export must have, written once and run against
// SQLite and against the real PostgreSQL server the test fixture starts.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "export/sql_database.h"
#include "export/sql_export.h"
#include "study/visit_store.h"
#include "study_fixtures.h"
#include "support/test_support.h"

namespace antra::test {

using DatabaseOpener = std::function<std::unique_ptr<SqlDatabase>()>;

inline constexpr const char* kHostileReviewer = "O'Brien\"); DROP TABLE visits;--";

// S001 visits 0, 1, 2 and S002 visit 0 (signed off by a reviewer whose name
// is an SQL injection attempt).
void MakeResults(const std::filesystem::path& root);

// SHA-256 of every file under a folder (to prove exports never touch results).
std::string TreeHash(const std::filesystem::path& root);

long long CountRows(SqlDatabase& db, const std::string& table, const std::string& where = "");

// Removes Antra's tables so each test starts from an empty database.
void DropAntraTables(SqlDatabase& db);

void ExpectExportsEverythingOnceAndRerunChangesNothing(const DatabaseOpener& open);
void ExpectEditsAndDeletionsReachTheDatabaseExactly(const DatabaseOpener& open);
void ExpectHostileValuesStoredVerbatim(const DatabaseOpener& open);
void ExpectArmOnlyWhenAsked(const DatabaseOpener& open);

}  // namespace antra::test
