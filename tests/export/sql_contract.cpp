#include "sql_contract.h"

#include <set>

#include "export/export_data.h"
#include "study/sha256.h"
#include "study/visit_edit.h"

namespace antra::test {

namespace fs = std::filesystem;

void MakeResults(const fs::path& root) {
  ResultsStore store(root);
  ASSERT_TRUE(store.SaveAutomatic(MakeVisit(0, {3, 4, 5, 12}, {2.5, 7}), {}, "test").ok());
  ASSERT_TRUE(store.SaveAutomatic(MakeVisit(1, {3.5, 4.5}, {6, 8, 9}), {}, "test").ok());
  ASSERT_TRUE(store.SaveAutomatic(MakeVisit(2, {1.5}, {}), {}, "test").ok());
  ASSERT_TRUE(store.SaveAutomatic(MakeVisit(0, {4, 4}, {5}, "S002"), {}, "test").ok());
  VisitEditor editor(*store.Load({"S002", 0}), [] { return std::string("2026-03-01T12:00:00Z"); });
  ASSERT_TRUE(editor.SignOff(kHostileReviewer).ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
}

std::string TreeHash(const fs::path& root) {
  std::string all;
  std::set<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.insert(e.path());
  }
  for (const auto& f : files) all += f.string() + ":" + Sha256Hex(ReadBytes(f)) + "\n";
  return Sha256Hex(all);
}

long long CountRows(SqlDatabase& db, const std::string& table, const std::string& where) {
  auto rows = db.Query("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  return rows.ok() ? std::stoll(*(*rows)[0][0]) : -1;
}

void DropAntraTables(SqlDatabase& db) {
  ASSERT_TRUE(db.Begin().ok());
  for (const char* t : {"review_events", "follicles", "ovaries", "source_images", "visits", "subjects", "antra_meta"}) {
    ASSERT_TRUE(db.Execute(std::string("DROP TABLE IF EXISTS ") + t).ok());
  }
  ASSERT_TRUE(db.Commit().ok());
}

namespace {

ExportData Collect(const fs::path& root, const ExportOptions& options = {}) {
  auto data = CollectExportData(root, options);
  EXPECT_TRUE(data.ok()) << (data.ok() ? "" : data.error().message);
  return data.ok() ? std::move(*data) : ExportData{};
}

// Counts in the database equal the counts in the result files.
void ExpectDatabaseMatches(SqlDatabase& db, const ExportData& data) {
  EXPECT_EQ(CountRows(db, "visits"), static_cast<long long>(data.visits.size()));
  EXPECT_EQ(CountRows(db, "ovaries"), static_cast<long long>(data.ovaries.size()));
  EXPECT_EQ(CountRows(db, "follicles"), static_cast<long long>(data.follicles.size()));
  EXPECT_EQ(CountRows(db, "source_images"), static_cast<long long>(data.images.size()));
  EXPECT_EQ(CountRows(db, "subjects"), static_cast<long long>(data.subjects.size()));
  EXPECT_EQ(CountRows(db, "review_events"), static_cast<long long>(data.review_events.size()));
  EXPECT_GE(data.review_events.size(), data.visits.size());  // every visit's trail starts with its creation
  for (const auto& f : data.follicles) {
    auto rows = db.Query("SELECT long_mm, short_mm, origin FROM follicles WHERE subject_id = ?1 AND visit = ?2 AND "
                         "side = ?3 AND follicle_id = ?4",
                         {SqlText(f.subject_id), SqlInt(f.visit), SqlText(f.side), SqlText(f.follicle_id)});
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u) << f.subject_id << " " << f.visit << " " << f.follicle_id;
    EXPECT_NEAR(std::stod(*(*rows)[0][0]), f.long_mm, 1e-9);
    EXPECT_NEAR(std::stod(*(*rows)[0][1]), f.short_mm, 1e-9);
    EXPECT_EQ(*(*rows)[0][2], f.origin);
  }
}

}  // namespace

void ExpectExportsEverythingOnceAndRerunChangesNothing(const DatabaseOpener& open) {
  TempDir dir("sql-once");
  MakeResults(dir.path());
  const std::string results_before = TreeHash(dir.path());
  auto data = Collect(dir.path());
  auto db = open();
  DropAntraTables(*db);
  auto first = ExportToSql(*db, data);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->inserted, 4);
  EXPECT_EQ(first->subjects_changed, 2);
  ExpectDatabaseMatches(*db, data);
  auto second = ExportToSql(*db, Collect(dir.path()));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, 4);
  EXPECT_EQ(second->inserted + second->replaced + second->deleted + second->subjects_changed, 0);
  ExpectDatabaseMatches(*db, data);
  EXPECT_EQ(TreeHash(dir.path()), results_before);  // exports never write results
}

void ExpectEditsAndDeletionsReachTheDatabaseExactly(const DatabaseOpener& open) {
  TempDir dir("sql-edit");
  MakeResults(dir.path());
  auto db = open();
  DropAntraTables(*db);
  ASSERT_TRUE(ExportToSql(*db, Collect(dir.path())).ok());

  // A reviewer deletes a follicle, edits another and signs off.
  ResultsStore store(dir.path());
  VisitEditor editor(*store.Load({"S001", 1}));
  ASSERT_TRUE(editor.DeleteFollicle(Side::kRight, "R1", "Dr A", "vessel").ok());
  ASSERT_TRUE(editor.EditFollicle(Side::kLeft, "L1", 5.2, 4.8, "Dr A", "recalipered").ok());
  ASSERT_TRUE(editor.SignOff("Dr A").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  // And the last visit of S002 disappears from the results.
  fs::remove_all(dir.path() / "S002");

  auto data = Collect(dir.path());
  auto stats = ExportToSql(*db, data);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->replaced, 1);
  EXPECT_EQ(stats->deleted, 1);
  EXPECT_EQ(stats->unchanged, 2);
  ExpectDatabaseMatches(*db, data);
  EXPECT_EQ(CountRows(*db, "follicles", "subject_id = 'S001' AND visit = 1 AND follicle_id = 'R1'"), 0);
  EXPECT_EQ(CountRows(*db, "follicles", "subject_id = 'S001' AND visit = 1 AND origin = 'edited'"), 1);
  EXPECT_EQ(CountRows(*db, "visits", "review_status = 'signed-off'"), 1);
  // The trail of the reviewed visit, in order, with who and why.
  auto trail = db->Query("SELECT action, who, reason FROM review_events WHERE subject_id = ?1 AND visit = ?2 ORDER BY seq",
                         {SqlText("S001"), SqlInt(1)});
  ASSERT_TRUE(trail.ok());
  ASSERT_GE(trail->size(), 4u);
  const auto row = [&](size_t from_end) { return (*trail)[trail->size() - from_end]; };
  EXPECT_EQ(*row(3)[0], "delete-follicle");
  EXPECT_EQ(*row(3)[2], "vessel");
  EXPECT_EQ(*row(2)[0], "edit-follicle");
  EXPECT_EQ(*row(1)[0], "sign-off");
  EXPECT_EQ(*row(1)[1], "Dr A");
  for (const char* table : {"visits", "ovaries", "follicles", "source_images", "subjects", "review_events"}) {
    EXPECT_EQ(CountRows(*db, table, "subject_id = 'S002'"), 0) << table;
  }
  // Running it again changes nothing.
  auto again = ExportToSql(*db, Collect(dir.path()));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 3);
  EXPECT_EQ(again->replaced + again->inserted + again->deleted, 0);
}

void ExpectHostileValuesStoredVerbatim(const DatabaseOpener& open) {
  TempDir dir("sql-hostile");
  MakeResults(dir.path());
  auto db = open();
  DropAntraTables(*db);
  ASSERT_TRUE(ExportToSql(*db, Collect(dir.path())).ok());
  auto rows = db->Query("SELECT reviewer FROM visits WHERE subject_id = ?1 AND visit = ?2", {SqlText("S002"), SqlInt(0)});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(*(*rows)[0][0], kHostileReviewer);
  auto who = db->Query("SELECT who FROM review_events WHERE subject_id = ?1 AND action = ?2", {SqlText("S002"), SqlText("sign-off")});
  ASSERT_TRUE(who.ok());
  ASSERT_EQ(who->size(), 1u);
  EXPECT_EQ(*(*who)[0][0], kHostileReviewer);
  EXPECT_EQ(CountRows(*db, "visits"), 4);  // the table is still there
}

void ExpectArmOnlyWhenAsked(const DatabaseOpener& open) {
  TempDir dir("sql-arm");
  MakeResults(dir.path());
  const fs::path mapping = dir.path().parent_path() / (dir.path().filename().string() + "-mapping.csv");
  WriteBytes(mapping, "PatientID,SubjectID,Arm\nH1,S001,active\nH2,S002,placebo\n");
  auto db = open();
  DropAntraTables(*db);
  ASSERT_TRUE(ExportToSql(*db, Collect(dir.path())).ok());
  EXPECT_EQ(CountRows(*db, "subjects", "arm IS NOT NULL"), 0);
  ExportOptions with_arm;
  with_arm.include_arm = true;
  with_arm.mapping = mapping;
  auto stats = ExportToSql(*db, Collect(dir.path(), with_arm));
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->subjects_changed, 2);
  EXPECT_EQ(CountRows(*db, "subjects", "subject_id = 'S002' AND arm = 'placebo'"), 1);
  // Exporting without the flag again blanks it: the database holds what was asked for.
  ASSERT_TRUE(ExportToSql(*db, Collect(dir.path())).ok());
  EXPECT_EQ(CountRows(*db, "subjects", "arm IS NOT NULL"), 0);
  fs::remove(mapping);
  ExportOptions missing_mapping;
  missing_mapping.include_arm = true;
  EXPECT_FALSE(CollectExportData(dir.path(), missing_mapping).ok());
}

}  // namespace antra::test
