// SQLite export: the shared contract plus SQLite-specific checks.

#include <gtest/gtest.h>

#include "export/export_data.h"
#include "export/export_target.h"
#include "sql_contract.h"
#include "study/sha256.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

class SqliteExport : public ::testing::Test {
 protected:
  test::DatabaseOpener Opener() {
    return [this] {
      auto db = OpenSqlite(db_path_);
      EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
      return std::move(*db);
    };
  }
  test::TempDir dir_{"sqlite-export"};
  fs::path db_path_ = dir_.path() / "out" / "study.sqlite";
};

TEST_F(SqliteExport, ExportsEverythingOnceAndRerunChangesNothing) {
  test::ExpectExportsEverythingOnceAndRerunChangesNothing(Opener());
}
TEST_F(SqliteExport, EditsAndDeletionsReachTheDatabaseExactly) {
  test::ExpectEditsAndDeletionsReachTheDatabaseExactly(Opener());
}
TEST_F(SqliteExport, HostileValuesAreBoundNotSpliced) { test::ExpectHostileValuesStoredVerbatim(Opener()); }
TEST_F(SqliteExport, ArmOnlyWhenAsked) { test::ExpectArmOnlyWhenAsked(Opener()); }

TEST_F(SqliteExport, SecondExportLeavesTheFileByteForByte) {
  test::TempDir results("sqlite-bytes");
  test::MakeResults(results.path());
  auto target = ParseExportTarget("sqlite:" + db_path_.string());
  ASSERT_TRUE(target.ok());
  ASSERT_TRUE(RunExport(results.path(), *target, {}).ok());
  const std::string first = Sha256Hex(test::ReadBytes(db_path_));
  auto second = RunExport(results.path(), *target, {});
  ASSERT_TRUE(second.ok());
  EXPECT_NE((*second)[0].find("4 unchanged"), std::string::npos) << (*second)[0];
  EXPECT_EQ(Sha256Hex(test::ReadBytes(db_path_)), first);
}

TEST_F(SqliteExport, FailureHalfwayRollsEverythingBack) {
  test::TempDir results("sqlite-rollback");
  test::MakeResults(results.path());
  auto db = Opener()();
  auto first = ExportToSql(*db, *CollectExportData(results.path(), {}));
  ASSERT_TRUE(first.ok());
  // A trigger makes the insert of one follicle fail after other rows of the
  // export were already written in the transaction.
  ASSERT_TRUE(db->Execute("CREATE TRIGGER refuse BEFORE INSERT ON follicles WHEN NEW.follicle_id = 'R9' "
                          "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END").ok());
  ResultsStore store(results.path());
  VisitEditor editor(*store.Load({"S001", 0}));
  FollicleInput added;
  added.long_mm = 3;
  added.short_mm = 3;
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(editor.AddFollicle(Side::kRight, added, "Dr A", "missed").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  const long long before = test::CountRows(*db, "follicles");
  auto failed = ExportToSql(*db, *CollectExportData(results.path(), {}));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("refused by test trigger"), std::string::npos);
  EXPECT_EQ(test::CountRows(*db, "follicles"), before);
  EXPECT_EQ(test::CountRows(*db, "follicles", "subject_id = 'S001' AND visit = 0 AND origin = 'added'"), 0);
  ASSERT_TRUE(db->Execute("DROP TRIGGER refuse").ok());
  auto retried = ExportToSql(*db, *CollectExportData(results.path(), {}));
  ASSERT_TRUE(retried.ok()) << retried.error().message;
  EXPECT_EQ(retried->replaced, 1);
}

TEST_F(SqliteExport, DamagedVisitStopsTheExportBeforeTheDatabaseIsTouched) {
  test::TempDir results("sqlite-damaged");
  test::MakeResults(results.path());
  test::WriteBytes(results.path() / "S001" / "visit-02" / "visit.json", "{ damaged");
  auto data = CollectExportData(results.path(), {});
  ASSERT_FALSE(data.ok());
  EXPECT_NE(data.error().message.find("S001/visit-02"), std::string::npos) << data.error().message;
}

TEST_F(SqliteExport, RefusesAnotherSchemaVersion) {
  auto db = Opener()();
  ASSERT_TRUE(db->Execute("CREATE TABLE antra_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO antra_meta VALUES ('schema_version', '99')").ok());
  test::TempDir results("sqlite-version");
  test::MakeResults(results.path());
  auto stats = ExportToSql(*db, *CollectExportData(results.path(), {}));
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("schema version 99"), std::string::npos);
  EXPECT_EQ(test::CountRows(*db, "antra_meta"), 1);
}

// A database written by the first schema (no review_events) is brought up to
// date by the next export: every visit once more, now with its trail.
TEST_F(SqliteExport, FirstSchemaIsUpgradedAndEveryVisitGetsItsTrail) {
  test::TempDir results("sqlite-upgrade");
  test::MakeResults(results.path());
  auto data = CollectExportData(results.path(), {});
  ASSERT_TRUE(data.ok());
  auto db = Opener()();
  ASSERT_TRUE(ExportToSql(*db, *data).ok());
  ASSERT_TRUE(db->Execute("DROP TABLE review_events").ok());
  ASSERT_TRUE(db->Execute("UPDATE antra_meta SET value = '1' WHERE key = 'schema_version'").ok());
  auto stats = ExportToSql(*db, *data);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->replaced, 4);
  EXPECT_EQ(test::CountRows(*db, "review_events"), static_cast<long long>(data->review_events.size()));
  EXPECT_EQ(test::CountRows(*db, "antra_meta", "key = 'schema_version' AND value = '2'"), 1);
}

// An entry that changes no visit revision (a discarded automatic result) still
// reaches the database's trail.
TEST_F(SqliteExport, ADiscardedAutomaticResultReachesTheTrail) {
  test::TempDir results("sqlite-discard");
  test::MakeResults(results.path());  // S002 visit 0 is signed off
  ResultsStore store(results.path());
  auto newer = store.SaveAutomatic(test::MakeVisit(0, {4, 4, 6}, {5}, "S002"), {}, "test");
  ASSERT_TRUE(newer.ok());
  ASSERT_EQ(*newer, SaveOutcome::kStoredBeside);
  auto db = Opener()();
  ASSERT_TRUE(ExportToSql(*db, *CollectExportData(results.path(), {})).ok());
  ASSERT_TRUE(store.DiscardPendingAutomatic({"S002", 0}, "Dr B", "older scan re-imported").ok());
  auto stats = ExportToSql(*db, *CollectExportData(results.path(), {}));
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->replaced, 1);
  EXPECT_EQ(test::CountRows(*db, "review_events", "subject_id = 'S002' AND action = 'discard-automatic-result'"), 1);
}

TEST(ExportTarget, ParsesTheFourKindsAndRefusesOthers) {
  EXPECT_EQ(ParseExportTarget("sqlite:results/study.sqlite")->kind, ExportKind::kSqlite);
  EXPECT_EQ(ParseExportTarget("postgresql://a:b@localhost/db")->kind, ExportKind::kPostgres);
  EXPECT_EQ(ParseExportTarget("redcap:out/afc.csv")->kind, ExportKind::kRedcap);
  EXPECT_EQ(ParseExportTarget("sr:out/sr")->kind, ExportKind::kStructuredReport);
  EXPECT_FALSE(ParseExportTarget("redcap:out/afc.txt").ok());
  EXPECT_FALSE(ParseExportTarget("mysql://x").ok());
  EXPECT_FALSE(ParseExportTarget("sqlite:").ok());
  EXPECT_EQ(ParseExportTarget("postgresql://user:secret@host/db")->Describe(), "postgresql://user:***@host/db");
  EXPECT_EQ(RedactUrl("postgresql://host/db?user=a&password=secret&x=1"), "postgresql://host/db?user=a&password=***&x=1");
}

}  // namespace
}  // namespace antra
