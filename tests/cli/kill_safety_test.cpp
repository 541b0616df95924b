// SIGKILL in the middle of an export never leaves a partial database: every
// kill leaves the SQLite file intact (integrity check) holding either the
// previous export or the complete new one, and a rerun completes it to exactly
// what an uninterrupted export writes.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/test_support.h"

namespace antra {
namespace {

std::string Antra() { return (test::BinaryDir() / "src/cli/antra").string(); }

int Shell(const std::string& command) {
  const int status = std::system(("bash -c '" + command + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Rows of every table, in a fixed order, as text (or why they could not be
// read). Opened read-write on purpose: a kill inside a transaction leaves a
// hot rollback journal, and SQLite's recovery is that the next read-write
// opener rolls it back. A read-only connection cannot and fails with
// SQLITE_READONLY_ROLLBACK, which says nothing about the data (CI hit this).
std::string Contents(const std::filesystem::path& db_path, bool* intact) {
  sqlite3* db = nullptr;
  *intact = false;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string why = "cannot open: " + std::string(sqlite3_errmsg(db));
    sqlite3_close(db);
    return why;
  }
  std::string out;
  auto query = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return false;
    while (sqlite3_step(stmt) == SQLITE_ROW) row(stmt);
    sqlite3_finalize(stmt);
    return true;
  };
  std::string check;
  if (!query("PRAGMA integrity_check",
             [&](sqlite3_stmt* s) { check += reinterpret_cast<const char*>(sqlite3_column_text(s, 0)); })) {
    check = std::string("cannot check: ") + sqlite3_errmsg(db);
  }
  *intact = check == "ok";
  if (!*intact) {
    sqlite3_close(db);
    return "integrity check: " + check;
  }
  std::vector<std::string> tables;
  query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name",
        [&](sqlite3_stmt* s) { tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))); });
  for (const auto& t : tables) {
    std::vector<std::string> rows;
    query("SELECT * FROM \"" + t + "\"", [&](sqlite3_stmt* s) {
      std::string r;
      for (int c = 0; c < sqlite3_column_count(s); ++c) {
        const auto* v = sqlite3_column_text(s, c);
        r += (v ? reinterpret_cast<const char*>(v) : "NULL") + std::string("|");
      }
      rows.push_back(r);
    });
    std::sort(rows.begin(), rows.end());
    out += "[" + t + "]\n";
    for (const auto& r : rows) out += r + "\n";
  }
  sqlite3_close(db);
  return out;
}

// Number of rows listed under "[table]" in Contents() output.
int TableRows(const std::string& contents, const std::string& table) {
  const size_t at = contents.find("[" + table + "]\n");
  if (at == std::string::npos) return 0;
  int rows = 0;
  for (size_t line = contents.find('\n', at) + 1; line < contents.size() && contents[line] != '[';
       line = contents.find('\n', line) + 1) {
    ++rows;
  }
  return rows;
}

TEST(KillSafetyTest, ExportKilledAtRandomPointsNeverLeavesAPartialDatabase) {
  test::TempDir dir("kill-export");
  const std::string samples = (test::SourceDir() / "sample_images").string();
  const auto analyses = dir / "analyses";
  const auto results = dir / "results";
  ASSERT_EQ(Shell(Antra() + " analyze " + samples + "/*.dcm --json " + analyses.string() + " > /dev/null"), 0);
  ASSERT_EQ(Shell(Antra() + " study " + samples + " --analyses " + analyses.string() + " --out " + results.string() +
                  " > /dev/null 2>&1"),
            0);
  // The reference: an uninterrupted export into a fresh database.
  const auto reference_db = dir / "reference.sqlite";
  ASSERT_EQ(Shell(Antra() + " export " + results.string() + " --to sqlite:" + reference_db.string() + " > /dev/null"), 0);
  bool intact = false;
  const std::string reference = Contents(reference_db, &intact);
  ASSERT_TRUE(intact);
  ASSERT_NE(reference.find("[visits]"), std::string::npos);

  // How long one export takes, to spread the kills over it.
  const auto db = dir / "study.sqlite";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Shell(Antra() + " export " + results.string() + " --to sqlite:" + (dir / "timing.sqlite").string() +
                  " > /dev/null"),
            0);
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();

  std::mt19937 rng(42);
  std::uniform_int_distribution<long> delay(0, std::max<long>(duration_us, 1000));
  int interrupted = 0;
  for (int round = 0; round < 25; ++round) {
    std::filesystem::remove(db);  // each round starts an export into an empty database
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const std::string target = "sqlite:" + db.string();
      execl(Antra().c_str(), "antra", "export", results.c_str(), "--to", target.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay(rng)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFSIGNALED(status)) ++interrupted;
    if (!std::filesystem::exists(db)) continue;  // killed before it created the file
    const std::string after_kill = Contents(db, &intact);
    EXPECT_TRUE(intact) << "round " << round << ": " << after_kill;
    // All or nothing: the complete export, or no visit rows at all.
    const bool complete = after_kill == reference;
    EXPECT_TRUE(complete || TableRows(after_kill, "visits") == 0) << "round " << round << " left a partial export:\n"
                                                                  << after_kill;
    // A rerun completes it to exactly the reference.
    ASSERT_EQ(Shell(Antra() + " export " + results.string() + " --to sqlite:" + db.string() + " > /dev/null"), 0);
    EXPECT_EQ(Contents(db, &intact), reference) << "round " << round;
  }
  EXPECT_GT(interrupted, 5);  // the kills did land during exports
}

}  // namespace
}  // namespace antra
