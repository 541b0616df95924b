// RunBatch end to end on small synthetic archives: a messy archive (nested
// folders, names without extension, non-DICOM files, a duplicate copy, corrupt
// and truncated files), reruns, job counts, shards, the sign-off rule and an
// interrupted save.

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <set>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "batch/batch_run.h"
#include "core/atomic_file.h"
#include "export/sql_database.h"
#include "study/visit_edit.h"
#include "study/visit_store.h"
#include "study_fixtures.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;
using test::DicomFixture;

constexpr const char* kSecondPatient = "HOSP-8842";

struct Archive {
  std::vector<fs::path> good;       // distinct images
  fs::path duplicate;               // a byte copy of good[0] under another name
  std::vector<fs::path> bad;        // corrupt or truncated DICOM
  int other_files = 0;              // not DICOM
};

void WriteGood(Archive& a, const fs::path& path, const DicomFixture& f) {
  ASSERT_TRUE(test::WriteUsDicom(path, f)) << path;
  a.good.push_back(path);
}

// Two participants x 3 visits x (left still, right still, left 3-frame sweep),
// in nested folders, some without extension; plus noise and 2 bad files
// (10% of the DICOM files).
Archive MakeMessyArchive(const fs::path& root) {
  Archive a;
  const char* dates[] = {"20260105", "20260119", "20260202"};
  int uid = 1;
  for (const std::string patient : {test::kFakePatientId, kSecondPatient}) {
    for (int v = 0; v < 3; ++v) {
      const fs::path folder = root / (patient == kSecondPatient ? "B" : "A") / ("study" + std::to_string(v)) / "IMAGES";
      for (const auto& [side, frames, name] :
           {std::tuple{"L", 1, "IM0001"}, std::tuple{"R", 1, "IM0002.dcm"}, std::tuple{"L", 3, "CINE0001"}}) {
        DicomFixture f;
        f.patient_id = patient;
        f.sop_instance_uid = "1.2.826.0.1.3680043.10.77." + std::to_string(uid++);
        f.study_date = dates[v];
        f.image_laterality = side;
        f.frames = frames;
        WriteGood(a, folder / name, f);
      }
    }
  }
  a.duplicate = root / "A" / "export-copy" / "copy-of-IM0001";
  fs::create_directories(a.duplicate.parent_path());
  fs::copy_file(a.good[0], a.duplicate);
  // Corrupt: the Part 10 preamble, then garbage.
  a.bad.push_back(root / "B" / "broken" / "IM9001");
  test::WriteBytes(a.bad.back(), std::string(128, '\0') + "DICM" + std::string(300, '\x7f'));
  // Truncated: a good file cut inside its pixel data.
  a.bad.push_back(root / "A" / "study1" / "IMAGES" / "TRUNC.dcm");
  const std::string whole = test::ReadBytes(a.good[5]);
  test::WriteBytes(a.bad.back(), whole.substr(0, whole.size() / 2));
  // Not DICOM.
  test::WriteBytes(root / "README.txt", "Archive exported 2026-02-03");
  test::WriteBytes(root / "A" / "thumbs" / "IM0001.png", "\x89PNG\r\n\x1a\n....");
  test::WriteBytes(root / "B" / "empty", "");
  a.other_files = 3;
  return a;
}

BatchOptions SmallRunOptions(int jobs) {
  BatchOptions o;
  o.jobs = jobs;
  o.analyze.software_version = "test";
  return o;
}

// Every file under `root` by relative path, with the clock values removed:
// the "time" of audit lines (the only timestamps batch results hold).
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = fs::relative(e.path(), root).generic_string();
    std::string bytes = test::ReadBytes(e.path());
    if (e.path().filename() == "audit.jsonl") {
      std::string without_time;
      std::istringstream lines(bytes);
      for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line);
        j.erase("time");
        without_time += j.dump() + "\n";
      }
      bytes = without_time;
    }
    files[rel] = bytes;
  }
  return files;
}

void ExpectSameTrees(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b,
                     const std::set<std::string>& ignore = {}) {
  std::set<std::string> names;
  for (const auto& [k, v] : a) names.insert(k);
  for (const auto& [k, v] : b) names.insert(k);
  for (const auto& name : names) {
    if (ignore.count(name)) continue;
    auto ia = a.find(name), ib = b.find(name);
    if (ia == a.end() || ib == b.end()) {
      ADD_FAILURE() << name << " exists in only one tree";
      continue;
    }
    EXPECT_TRUE(ia->second == ib->second) << name << " differs";
  }
}

std::vector<std::string> TableRows(const fs::path& sqlite, const std::string& table,
                                   const std::string& columns = "*") {
  auto db = OpenSqlite(sqlite);
  EXPECT_TRUE(db);
  auto rows = (*db)->Query("SELECT " + columns + " FROM " + table);
  EXPECT_TRUE(rows);
  std::vector<std::string> out;
  for (const auto& row : *rows) {
    std::string line;
    for (const auto& v : row) line += (v ? *v : "NULL") + "|";
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> FilesOf(const std::vector<BatchError>& errors) {
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.file);
  return out;
}

TEST(BatchRunTest, MessyArchiveEveryGoodFileOnceEveryBadOneReported) {
  test::TempDir dir("batch-messy");
  const Archive archive = MakeMessyArchive(dir / "archive");
  BatchOptions options = SmallRunOptions(2);
  options.database = ExportTarget{ExportKind::kSqlite, (dir / "results" / "study.sqlite").string()};
  auto summary = RunBatch(dir / "archive", dir / "results", nullptr, options);
  ASSERT_TRUE(summary) << summary.error().message;

  EXPECT_EQ(summary->dicom_files, 21);
  EXPECT_EQ(summary->other_files, archive.other_files);
  EXPECT_EQ(summary->visits_in_archive, 6);
  EXPECT_EQ(summary->files_in_shard, 19);  // 18 images + the copy
  EXPECT_EQ(summary->duplicate_copies, 1);
  EXPECT_EQ(summary->analysed, 18) << "each distinct image analysed exactly once";
  EXPECT_EQ(summary->reused, 0);
  EXPECT_EQ(summary->frames_analysed, 12 * 1 + 6 * 3);
  ASSERT_EQ(summary->visits.size(), 6u);
  for (const auto& v : summary->visits) EXPECT_EQ(v.outcome, SaveOutcome::kCreated);

  std::set<std::string> expected_bad;
  for (const auto& p : archive.bad) expected_bad.insert(p.string());
  EXPECT_EQ(FilesOf(summary->errors), expected_bad);
  EXPECT_FALSE(summary->ok());
  const std::string csv = test::ReadBytes(dir / "results" / "errors.csv");
  for (const auto& p : archive.bad) EXPECT_NE(csv.find(p.string()), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;
  ASSERT_TRUE(summary->export_error == std::nullopt) << summary->export_error->message;
  EXPECT_EQ(TableRows(dir / "results" / "study.sqlite", "visits").size(), 6u);
  EXPECT_EQ(TableRows(dir / "results" / "study.sqlite", "source_images").size(), 18u);

  // Every scan is in its visit, analysed; the copy is noted, not counted twice.
  ResultsStore store(dir / "results");
  int scans = 0;
  auto refs = store.ListVisits();
  ASSERT_TRUE(refs);
  for (const auto& ref : *refs) {
    auto visit = store.Load(ref);
    ASSERT_TRUE(visit);
    for (const auto& s : visit->scans) {
      ++scans;
      EXPECT_TRUE(s.analysed) << ref.subject_id << " " << s.sop_instance_uid;
    }
  }
  EXPECT_EQ(scans, 18);

  // Nothing identifying outside private/ (errors.csv holds archive paths and
  // reasons, never header identity; these paths hold none).
  for (const auto& [name, bytes] : Snapshot(dir / "results")) {
    if (name.rfind("private/", 0) == 0 || name == "study.sqlite") continue;
    for (const auto& needle : test::FakeIdentityStrings()) {
      EXPECT_EQ(bytes.find(needle), std::string::npos) << name << " holds " << needle;
    }
  }
}

TEST(BatchRunTest, RerunReusesEverythingAndJobCountNeverChangesOutput) {
  test::TempDir dir("batch-rerun");
  MakeMessyArchive(dir / "archive");
  auto one = RunBatch(dir / "archive", dir / "one", nullptr, SmallRunOptions(1));
  ASSERT_TRUE(one) << one.error().message;
  auto three = RunBatch(dir / "archive", dir / "three", nullptr, SmallRunOptions(3));
  ASSERT_TRUE(three) << three.error().message;
  ExpectSameTrees(Snapshot(dir / "one"), Snapshot(dir / "three"));

  const auto before = Snapshot(dir / "one");
  auto again = RunBatch(dir / "archive", dir / "one", nullptr, SmallRunOptions(2));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->analysed, 0) << "unchanged files with unchanged settings are not analysed again";
  EXPECT_EQ(again->reused, 18);
  EXPECT_EQ(again->frames_analysed, 0);
  EXPECT_EQ(FilesOf(again->errors), FilesOf(one->errors)) << "failures are reported again, from the cache";
  for (const auto& v : again->visits) EXPECT_EQ(v.outcome, SaveOutcome::kUnchanged);
  ExpectSameTrees(before, Snapshot(dir / "one"));

  // New settings: everything is analysed again.
  BatchOptions forced = SmallRunOptions(2);
  forced.open.mm_per_pixel = 0.12;
  auto rescaled = RunBatch(dir / "archive", dir / "one", nullptr, forced);
  ASSERT_TRUE(rescaled) << rescaled.error().message;
  EXPECT_EQ(rescaled->analysed, 18);
  EXPECT_EQ(rescaled->reused, 0);
}

TEST(BatchRunTest, ChangedFileIsAnalysedAgainAndOnlyItsVisitUpdated) {
  test::TempDir dir("batch-changed");
  Archive archive = MakeMessyArchive(dir / "archive");
  ASSERT_TRUE(RunBatch(dir / "archive", dir / "results", nullptr, SmallRunOptions(2)));
  // Re-export one image with other pixels (same UID): new bytes, new hash.
  DicomFixture f;
  f.sop_instance_uid = "1.2.826.0.1.3680043.10.77.4";  // A, visit 1, left still
  f.study_date = "20260119";
  f.image_laterality = "L";
  f.burn_in_identity = false;
  ASSERT_TRUE(test::WriteUsDicom(archive.good[3], f));
  auto rerun = RunBatch(dir / "archive", dir / "results", nullptr, SmallRunOptions(2));
  ASSERT_TRUE(rerun) << rerun.error().message;
  EXPECT_EQ(rerun->analysed, 1);
  EXPECT_EQ(rerun->reused, 17);
  std::map<std::string, int> outcomes;
  for (const auto& v : rerun->visits) ++outcomes[ToString(v.outcome)];
  EXPECT_EQ(outcomes["updated"], 1);
  EXPECT_EQ(outcomes["unchanged"], 5);
}

SubjectMapping MappingWithBaselines() {
  auto m = SubjectMapping::Parse(std::string("PatientID,SubjectID,BaselineDate\n") + test::kFakePatientId +
                                 ",SITE1-001,2026-01-05\n" + kSecondPatient + ",SITE1-002,2026-01-05\n");
  EXPECT_TRUE(m);
  return *m;
}

TEST(BatchRunTest, ShardsPartitionTheVisitsAndTogetherEqualOneRun) {
  test::TempDir dir("batch-shards");
  MakeMessyArchive(dir / "archive");
  const SubjectMapping mapping = MappingWithBaselines();
  BatchOptions whole_options = SmallRunOptions(2);
  whole_options.database = ExportTarget{ExportKind::kSqlite, (dir / "whole" / "study.sqlite").string()};
  auto whole = RunBatch(dir / "archive", dir / "whole", &mapping, whole_options);
  ASSERT_TRUE(whole) << whole.error().message;

  // Three shards into one shared results folder and one database, as on a
  // cluster with a shared file system; then each into a folder of its own.
  constexpr int kShards = 3;
  std::set<VisitRef> seen;
  std::set<std::string> shard_errors;
  size_t visits_total = 0;
  for (int i = 0; i < kShards; ++i) {
    BatchOptions o = SmallRunOptions(2);
    o.shard = {i, kShards};
    o.database = ExportTarget{ExportKind::kSqlite, (dir / "db" / "shared.sqlite").string()};
    auto part = RunBatch(dir / "archive", dir / "shared", &mapping, o);
    ASSERT_TRUE(part) << part.error().message;
    ASSERT_FALSE(part->export_error) << part->export_error->message;
    visits_total += part->visits.size();
    for (const auto& v : part->visits) EXPECT_TRUE(seen.insert(v.visit).second) << "visit in two shards";
    for (const auto& e : part->errors) EXPECT_TRUE(shard_errors.insert(e.file).second) << e.file << " reported twice";
    auto own = RunBatch(dir / "archive", dir / ("own-" + std::to_string(i)), &mapping, o);
    ASSERT_TRUE(own) << own.error().message;
  }
  EXPECT_EQ(visits_total, whole->visits.size());
  EXPECT_EQ(shard_errors, FilesOf(whole->errors));

  // The shared folder holds what the single run wrote (the errors are split
  // over per-shard files), and the database holds the same rows.
  std::set<std::string> ignore = {"errors.csv", "study.sqlite"};
  for (int i = 0; i < kShards; ++i) ignore.insert("errors-shard-" + std::to_string(i) + "-of-3.csv");
  ExpectSameTrees(Snapshot(dir / "whole"), Snapshot(dir / "shared"), ignore);
  for (const char* table : {"subjects", "visits", "ovaries", "follicles", "source_images"}) {
    EXPECT_EQ(TableRows(dir / "whole" / "study.sqlite", table), TableRows(dir / "db" / "shared.sqlite", table))
        << table;
  }
  {
    // The audit trail too, but for its times (the runs wrote it at different times).
    const std::string columns = "subject_id, visit, seq, who, action, target, reason, revision, before_json, after_json";
    const auto events = TableRows(dir / "whole" / "study.sqlite", "review_events", columns);
    EXPECT_FALSE(events.empty());
    EXPECT_EQ(events, TableRows(dir / "db" / "shared.sqlite", "review_events", columns));
  }
  // A shard re-exporting (a rerun) never deletes the other shards' rows.
  BatchOptions rerun = SmallRunOptions(1);
  rerun.shard = {1, kShards};
  rerun.database = ExportTarget{ExportKind::kSqlite, (dir / "db" / "shared.sqlite").string()};
  ASSERT_TRUE(RunBatch(dir / "archive", dir / "own-1", &mapping, rerun));
  EXPECT_EQ(TableRows(dir / "whole" / "study.sqlite", "visits"), TableRows(dir / "db" / "shared.sqlite", "visits"));
}

TEST(BatchRunTest, UnreachableDatabaseFailsTheRunButKeepsTheResults) {
  test::TempDir dir("batch-db-down");
  MakeMessyArchive(dir / "archive");
  BatchOptions o = SmallRunOptions(2);
  o.database = ExportTarget{ExportKind::kPostgres, "postgresql://antra:secret@127.0.0.1:1/antra"};
  auto summary = RunBatch(dir / "archive", dir / "results", nullptr, o);
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_TRUE(summary->export_error);
  EXPECT_EQ(summary->export_error->message.find("secret"), std::string::npos) << summary->export_error->message;
  EXPECT_FALSE(summary->ok());
  EXPECT_EQ(summary->visits.size(), 6u) << "the visits are saved; a rerun exports them";
  EXPECT_TRUE(fs::exists(dir / "results" / "errors.csv"));
}

TEST(BatchRunTest, ShardingNeedsAMappingWithBaselines) {
  test::TempDir dir("batch-shard-refused");
  fs::create_directories(dir / "archive");
  BatchOptions o = SmallRunOptions(1);
  o.shard = {0, 2};
  auto none = RunBatch(dir / "archive", dir / "results", nullptr, o);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("--mapping"), std::string::npos);
  auto no_baseline = SubjectMapping::Parse("PatientID,SubjectID\nP1,SITE1-001\n");
  ASSERT_TRUE(no_baseline);
  auto refused = RunBatch(dir / "archive", dir / "results", &*no_baseline, o);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("SITE1-001 has none"), std::string::npos) << refused.error().message;
  o.shard = {2, 2};
  EXPECT_FALSE(RunBatch(dir / "archive", dir / "results", nullptr, o));
}

TEST(BatchRunTest, SignedOffVisitIsNeverOverwritten) {
  test::TempDir dir("batch-signed");
  MakeMessyArchive(dir / "archive");
  ASSERT_TRUE(RunBatch(dir / "archive", dir / "results", nullptr, SmallRunOptions(2)));
  ResultsStore store(dir / "results");
  const VisitRef ref{"S001", 0};
  auto visit = store.Load(ref);
  ASSERT_TRUE(visit);
  VisitEditor editor(*visit);
  ASSERT_TRUE(editor.SignOff("Dr Reviewer", "checked"));
  ASSERT_TRUE(store.SaveReviewed(editor));
  const std::string signed_json = test::ReadBytes(dir / "results" / "S001" / "visit-00" / "visit.json");

  BatchOptions changed = SmallRunOptions(2);
  changed.open.mm_per_pixel = 0.12;  // every result changes
  auto rerun = RunBatch(dir / "archive", dir / "results", nullptr, changed);
  ASSERT_TRUE(rerun) << rerun.error().message;
  EXPECT_EQ(test::ReadBytes(dir / "results" / "S001" / "visit-00" / "visit.json"), signed_json);
  EXPECT_TRUE(store.HasPendingAutomatic(ref));
  for (const auto& v : rerun->visits) {
    EXPECT_EQ(v.outcome, v.visit == ref ? SaveOutcome::kStoredBeside : SaveOutcome::kUpdated);
  }
}

// "<pid>@<host>" (the pid-only form) of a writer on this machine that is gone.
std::string DeadWriterTag() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  const std::string tag = AtomicWriterTagForTests();
  return std::to_string(child) + tag.substr(tag.find('@'));
}

TEST(BatchRunTest, SaveInterruptedBeforeVisitJsonIsCompletedNotRecordedTwice) {
  test::TempDir dir("batch-interrupted");
  MakeMessyArchive(dir / "archive");
  ASSERT_TRUE(RunBatch(dir / "archive", dir / "results", nullptr, SmallRunOptions(2)));
  const auto complete = Snapshot(dir / "results");
  // The state a kill leaves between the audit entry and the commit point:
  // trail and derived files written, visit.json not yet (and a temporary).
  const fs::path visit = dir / "results" / "S002" / "visit-01";
  fs::remove(visit / "visit.json");
  test::WriteBytes(visit / (".visit.json." + DeadWriterTag() + ".0.tmp"), "{\"half\":");
  auto resumed = RunBatch(dir / "archive", dir / "results", nullptr, SmallRunOptions(2));
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(resumed->stale_files_removed, 1);
  ExpectSameTrees(complete, Snapshot(dir / "results"));
}

}  // namespace
}  // namespace antra

namespace antra {
namespace {

int CountAudit(const ResultsStore& store, const VisitRef& ref, const std::string& action) {
  auto audit = store.LoadAudit(ref);
  EXPECT_TRUE(audit);
  return static_cast<int>(std::count_if(audit->begin(), audit->end(),
                                        [&](const AuditEntry& e) { return e.action == action; }));
}

// The study store's part of resumability, driven directly: saves interrupted
// at their worst points are completed by the next save, never recorded twice.
TEST(InterruptedSaveTest, PendingResultBesideASignedVisitIsRecordedOnce) {
  test::TempDir dir("batch-pending");
  ResultsStore store(dir.path());
  const VisitRef ref{"S001", 2};
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(2, {5, 7}, {4}), {}, "antra batch"));
  VisitEditor editor(*store.Load(ref));
  ASSERT_TRUE(editor.SignOff("Dr Reviewer", "checked"));
  ASSERT_TRUE(store.SaveReviewed(editor));
  const auto newer = test::MakeVisit(2, {5, 7, 9}, {4});
  ASSERT_EQ(*store.SaveAutomatic(newer, {}, "antra batch"), SaveOutcome::kStoredBeside);
  // Killed after the trail entry, before the pending files were complete.
  fs::remove(dir / "S001" / "visit-02" / "automatic-pending" / "visit.json");
  ASSERT_EQ(*store.SaveAutomatic(newer, {}, "antra batch"), SaveOutcome::kStoredBeside);
  EXPECT_EQ(CountAudit(store, ref, "automatic-result-pending"), 1);
  EXPECT_TRUE(store.HasPendingAutomatic(ref));
  // And once complete, the same result again is simply unchanged.
  EXPECT_EQ(*store.SaveAutomatic(newer, {}, "antra batch"), SaveOutcome::kUnchanged);
  EXPECT_EQ(CountAudit(store, ref, "automatic-result-pending"), 1);
}

TEST(InterruptedSaveTest, UpdateKilledBeforeVisitJsonIsCompletedOnce) {
  test::TempDir dir("batch-update");
  ResultsStore store(dir.path());
  const VisitRef ref{"S001", 1};
  ASSERT_TRUE(store.SaveAutomatic(test::MakeVisit(1, {5}, {4}), {}, "antra batch"));
  const std::string old_json = test::ReadBytes(dir / "S001" / "visit-01" / "visit.json");
  const auto newer = test::MakeVisit(1, {5, 6}, {4});
  ASSERT_EQ(*store.SaveAutomatic(newer, {}, "antra batch"), SaveOutcome::kUpdated);
  const std::string new_json = test::ReadBytes(dir / "S001" / "visit-01" / "visit.json");
  // The state a kill leaves: trail and derived files new, visit.json old.
  test::WriteBytes(dir / "S001" / "visit-01" / "visit.json", old_json);
  ASSERT_EQ(*store.SaveAutomatic(newer, {}, "antra batch"), SaveOutcome::kUpdated);
  EXPECT_EQ(test::ReadBytes(dir / "S001" / "visit-01" / "visit.json"), new_json);
  EXPECT_EQ(CountAudit(store, ref, "automatic-update"), 1);
}

TEST(InterruptedSaveTest, LeftoverPendingBesideAnUnreviewedVisitIsRemoved) {
  test::TempDir dir("batch-leftover");
  ResultsStore store(dir.path());
  const VisitRef ref{"S001", 0};
  const auto visit = test::MakeVisit(0, {5}, {4});
  ASSERT_TRUE(store.SaveAutomatic(visit, {}, "antra batch"));
  // What an adoption killed after writing the visit, before removing the folder, leaves.
  test::WriteBytes(dir / "S001" / "visit-00" / "automatic-pending" / "visit.json", "{}");
  EXPECT_EQ(*store.SaveAutomatic(visit, {}, "antra batch"), SaveOutcome::kUnchanged);
  EXPECT_FALSE(fs::exists(dir / "S001" / "visit-00" / "automatic-pending"));
}

}  // namespace
}  // namespace antra
