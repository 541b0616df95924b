// The results folder: atomic files, the audit trail and the sign-off rule.

#include <gtest/gtest.h>

#include "study/csv.h"
#include "study/visit_json.h"
#include "study/visit_store.h"
#include "study_fixtures.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

std::string FixedClock() { return "2026-02-01T09:00:00Z"; }

std::vector<fs::path> TemporaryFiles(const fs::path& root) {
  std::vector<fs::path> tmp;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() == ".tmp") tmp.push_back(e.path());
  }
  return tmp;
}

TEST(ResultsStore, FirstRunCreatesThenIdenticalRunChangesNothing) {
  test::TempDir dir("store-create");
  ResultsStore store(dir.path());
  auto visit = test::MakeVisit(1, {3, 4}, {5});
  auto first = store.SaveAutomatic(visit, {}, "antra test");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, SaveOutcome::kCreated);
  const fs::path folder = dir.path() / "S001" / "visit-01";
  ASSERT_TRUE(fs::exists(folder / "visit.json"));
  ASSERT_TRUE(fs::exists(folder / "follicles.csv"));
  ASSERT_TRUE(fs::exists(folder / "audit.jsonl"));
  const std::string bytes = test::ReadBytes(folder / "visit.json");
  const auto mtime = fs::last_write_time(folder / "visit.json");
  auto second = store.SaveAutomatic(visit, {}, "antra test");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, SaveOutcome::kUnchanged);
  EXPECT_EQ(test::ReadBytes(folder / "visit.json"), bytes);
  EXPECT_EQ(fs::last_write_time(folder / "visit.json"), mtime);
  EXPECT_TRUE(TemporaryFiles(dir.path()).empty());
  auto loaded = store.Load({"S001", 1});
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->revision, 1);
  auto listed = store.ListVisits();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, (std::vector<VisitRef>{{"S001", 1}}));
}

TEST(ResultsStore, NewAutomaticResultReplacesAnUnreviewedOne) {
  test::TempDir dir("store-update");
  ResultsStore store(dir.path());
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(1, {3, 4}, {5}), {}, "run 1").ok());
  auto updated = store.SaveAutomatic(test::MakeVisit(1, {3, 4, 6}, {5}), {}, "run 2");
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(*updated, SaveOutcome::kUpdated);
  auto loaded = store.Load({"S001", 1});
  EXPECT_EQ(*loaded->left.Afc(), 3);
  EXPECT_EQ(loaded->revision, 2);
  auto audit = store.LoadAudit({"S001", 1});
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ((*audit)[1].action, "automatic-update");
}

TEST(ResultsStore, SignedOffVisitIsNeverOverwrittenByAutomaticRuns) {
  test::TempDir dir("store-signed");
  ResultsStore store(dir.path());
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(1, {3, 4}, {5}), {}, "run 1").ok());
  VisitEditor editor(*store.Load({"S001", 1}), FixedClock);
  ASSERT_TRUE(editor.SignOff("Dr A").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  const fs::path folder = dir.path() / "S001" / "visit-01";
  const std::string signed_bytes = test::ReadBytes(folder / "visit.json");
  const std::string audit_before = test::ReadBytes(folder / "audit.jsonl");

  // Same automatic result: nothing to flag.
  auto same = store.SaveAutomatic(test::MakeVisit(1, {3, 4}, {5}), {}, "run 2");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, SaveOutcome::kUnchanged);
  EXPECT_FALSE(store.HasPendingAutomatic({"S001", 1}));

  // A different automatic result goes beside it and is flagged.
  auto different = store.SaveAutomatic(test::MakeVisit(1, {3, 4, 5, 6}, {5}), {}, "run 3");
  ASSERT_TRUE(different.ok());
  EXPECT_EQ(*different, SaveOutcome::kStoredBeside);
  EXPECT_EQ(test::ReadBytes(folder / "visit.json"), signed_bytes);
  EXPECT_TRUE(store.HasPendingAutomatic({"S001", 1}));
  auto pending = store.LoadPendingAutomatic({"S001", 1});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending->left.Afc(), 4);
  const std::string audit_after = test::ReadBytes(folder / "audit.jsonl");
  EXPECT_EQ(audit_after.substr(0, audit_before.size()), audit_before);  // append-only
  auto audit = store.LoadAudit({"S001", 1});
  EXPECT_EQ(audit->back().action, "automatic-result-pending");

  // Running that again flags nothing new.
  auto again = store.SaveAutomatic(test::MakeVisit(1, {3, 4, 5, 6}, {5}), {}, "run 4");
  EXPECT_EQ(*again, SaveOutcome::kUnchanged);
  EXPECT_EQ(store.LoadAudit({"S001", 1})->size(), audit->size());

  // Adopting needs the visit reopened first.
  EXPECT_FALSE(store.AdoptPendingAutomatic({"S001", 1}, "Dr A", "new pipeline").ok());
  EXPECT_TRUE(store.DiscardPendingAutomatic({"S001", 1}, "Dr A", "checked: no change needed").ok());
  EXPECT_FALSE(store.HasPendingAutomatic({"S001", 1}));
}

TEST(ResultsStore, EditedButUnsignedVisitIsAlsoKept) {
  test::TempDir dir("store-edited");
  ResultsStore store(dir.path());
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(1, {3, 4}, {5}), {}, "run 1").ok());
  VisitEditor editor(*store.Load({"S001", 1}), FixedClock);
  ASSERT_TRUE(editor.DeleteFollicle(Side::kLeft, "L1", "Dr A", "bowel").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  auto outcome = store.SaveAutomatic(test::MakeVisit(1, {3, 4, 8}, {5}), {}, "run 2");
  EXPECT_EQ(*outcome, SaveOutcome::kStoredBeside);
  EXPECT_EQ(*store.Load({"S001", 1})->left.Afc(), 1);
  ASSERT_TRUE(store.AdoptPendingAutomatic({"S001", 1}, "Dr A", "pipeline fixed").ok());
  auto adopted = store.Load({"S001", 1});
  EXPECT_EQ(*adopted->left.Afc(), 3);
  EXPECT_FALSE(adopted->reviewer_changes);
  EXPECT_FALSE(store.HasPendingAutomatic({"S001", 1}));
}

TEST(ResultsStore, ConcurrentReviewIsRefusedNotMerged) {
  test::TempDir dir("store-concurrent");
  ResultsStore store(dir.path());
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(1, {3, 4}, {5}), {}, "run").ok());
  VisitEditor first(*store.Load({"S001", 1}), FixedClock);
  VisitEditor second(*store.Load({"S001", 1}), FixedClock);
  ASSERT_TRUE(first.DeleteFollicle(Side::kLeft, "L1", "Dr A", "vessel").ok());
  ASSERT_TRUE(second.DeleteFollicle(Side::kLeft, "L2", "Dr B", "shadow").ok());
  ASSERT_TRUE(store.SaveReviewed(first).ok());
  auto refused = store.SaveReviewed(second);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("reload"), std::string::npos);
  EXPECT_EQ(store.Load({"S001", 1})->left.follicles.size(), 1u);
}

TEST(ResultsStore, FolliclesCsvMatchesTheVisit) {
  auto visit = test::MakeVisit(3, {3, 11}, {6});
  auto rows = ParseCsv(FolliclesCsv(visit));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0][0], "subject_id");
  EXPECT_EQ((*rows)[1][2], "left");
  EXPECT_EQ((*rows)[1][3], "L1");
  EXPECT_EQ((*rows)[1][6], "11.00");
  EXPECT_EQ((*rows)[1][8], "no");
  EXPECT_EQ((*rows)[3][2], "right");
}

TEST(ResultsStore, RefusesUnsafeFolders) {
  test::TempDir dir("store-unsafe");
  ResultsStore store(dir.path());
  auto visit = test::MakeVisit(1, {3}, {4}, "../escape");
  EXPECT_FALSE(store.SaveAutomatic(visit, {}, "run").ok());
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "escape"));
  EXPECT_FALSE(store.VisitDir("S001", 1000).ok());
}

TEST(ResultsStore, DamagedVisitJsonIsReportedAndLeftAlone) {
  test::TempDir dir("store-damaged");
  ResultsStore store(dir.path());
  test::WriteBytes(dir.path() / "S001" / "visit-01" / "visit.json", "{\"schema\": \"antra-visit/1\", truncated");
  auto outcome = store.SaveAutomatic(test::MakeVisit(1, {3}, {4}), {}, "run");
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("left untouched"), std::string::npos);
  EXPECT_EQ(test::ReadBytes(dir.path() / "S001" / "visit-01" / "visit.json"),
            "{\"schema\": \"antra-visit/1\", truncated");
}

}  // namespace
}  // namespace antra
