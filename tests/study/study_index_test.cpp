// From scanned files to subjects, visits and ovaries.

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "study/study_index.h"
#include "study_fixtures.h"

namespace antra {
namespace {

ScannedFile File(const std::string& uid, const std::string& date, const std::string& patient,
                 const std::string& laterality = "L", const std::string& description = "") {
  ScannedFile f;
  f.info = test::MakeInfo(uid, date, laterality, description);
  f.path = "/archive/" + patient + "/" + uid + ".dcm";
  f.identity = test::FakeIdentity(patient);
  f.file_sha256 = std::string(64, 'c');
  return f;
}

std::vector<int> VisitsOf(const StudyPlan& plan, const std::string& subject) {
  std::vector<int> visits;
  for (const auto& [ref, scans] : plan.visits) {
    if (ref.subject_id == subject) visits.push_back(ref.visit_number);
  }
  return visits;
}

TEST(PlanStudy, NumbersVisitsByNearestTwoWeekStep) {
  // Baseline 2026-01-05 (earliest scan); then days 13, 29, 41, 56.
  std::vector<ScannedFile> files = {File("1.1", "20260105", "P1"), File("1.2", "20260118", "P1"),
                                    File("1.3", "20260203", "P1"), File("1.4", "20260215", "P1"),
                                    File("1.5", "20260302", "P1")};
  auto plan = PlanStudy(files, nullptr, SubjectKey{}, StudyOptions{});
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  EXPECT_EQ(VisitsOf(*plan, "S001"), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(plan->baselines.at("S001").Iso(), "2026-01-05");
  EXPECT_EQ(plan->key.FindByPatient("P1")->baseline_source, "earliest-scan");
  EXPECT_TRUE(plan->skipped.empty());
}

TEST(PlanStudy, IntervalIsConfigurable) {
  std::vector<ScannedFile> files = {File("1.1", "20260105", "P1"), File("1.2", "20260202", "P1")};
  StudyOptions weekly;
  weekly.interval_days = 7;
  auto plan = PlanStudy(files, nullptr, SubjectKey{}, weekly);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(VisitsOf(*plan, "S001"), (std::vector<int>{0, 4}));
  StudyOptions bad;
  bad.interval_days = 0;
  EXPECT_FALSE(PlanStudy(files, nullptr, SubjectKey{}, bad).ok());
}

TEST(PlanStudy, AssignsSubjectsInOrderOfFirstScanWhateverTheFileOrder) {
  std::vector<ScannedFile> files = {File("2.1", "20260110", "P-late"), File("1.1", "20260105", "P-early"),
                                    File("3.1", "20260107", "P-middle"), File("1.2", "20260119", "P-early")};
  for (int shuffle = 0; shuffle < 5; ++shuffle) {
    std::mt19937 rng(shuffle);
    std::shuffle(files.begin(), files.end(), rng);
    auto plan = PlanStudy(files, nullptr, SubjectKey{}, StudyOptions{});
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->key.FindByPatient("P-early")->subject_id, "S001");
    EXPECT_EQ(plan->key.FindByPatient("P-middle")->subject_id, "S002");
    EXPECT_EQ(plan->key.FindByPatient("P-late")->subject_id, "S003");
  }
}

TEST(PlanStudy, KeyKeepsSubjectsAndBaselinesAcrossRuns) {
  auto first = PlanStudy({File("1.1", "20260112", "P1")}, nullptr, SubjectKey{}, StudyOptions{});
  ASSERT_TRUE(first.ok());
  // A later run finds a new patient and an older scan of P1: P1 keeps S001
  // and her baseline; the older scan is before it and is reported.
  auto second = PlanStudy({File("9.1", "20260101", "P0"), File("1.0", "20251201", "P1"), File("1.2", "20260126", "P1")},
                          nullptr, first->key, StudyOptions{});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->key.FindByPatient("P1")->subject_id, "S001");
  EXPECT_EQ(second->key.FindByPatient("P0")->subject_id, "S002");
  EXPECT_EQ(second->baselines.at("S001").Iso(), "2026-01-12");
  EXPECT_EQ(VisitsOf(*second, "S001"), (std::vector<int>{1}));
  ASSERT_EQ(second->skipped.size(), 1u);
  EXPECT_NE(second->skipped[0].reason.find("before the baseline"), std::string::npos);
}

TEST(PlanStudy, MappingDecidesSubjectsAndUnknownPatientsAreSkippedNotGuessed) {
  auto mapping = SubjectMapping::Parse("PatientID,SubjectID,Baseline\nP1,SITE1-004,2026-01-01\n");
  ASSERT_TRUE(mapping.ok());
  auto plan = PlanStudy({File("1.1", "20260115", "P1"), File("2.1", "20260115", "P2")}, &*mapping, SubjectKey{},
                        StudyOptions{});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(VisitsOf(*plan, "SITE1-004"), (std::vector<int>{1}));
  EXPECT_EQ(plan->baselines.at("SITE1-004").Iso(), "2026-01-01");
  ASSERT_EQ(plan->skipped.size(), 1u);
  EXPECT_EQ(plan->skipped[0].reason, "PatientID not in the subject mapping");
  // The reason never repeats the PatientID.
  EXPECT_EQ(plan->skipped[0].reason.find("P2"), std::string::npos);
}

TEST(PlanStudy, MappingThatContradictsTheKeyIsReported) {
  SubjectKey key;
  key.Put({"P1", "S009", Date::Parse("20260101"), "earliest-scan"});
  auto mapping = SubjectMapping::Parse("PatientID,SubjectID\nP1,S001\n");
  auto plan = PlanStudy({File("1.1", "20260115", "P1")}, &*mapping, key, StudyOptions{});
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->visits.empty());
  ASSERT_EQ(plan->skipped.size(), 1u);
  EXPECT_NE(plan->skipped[0].reason.find("subject key gives S009"), std::string::npos);
}

TEST(PlanStudy, SameImageImportedTwiceCountsOnce) {
  auto a = File("1.1", "20260105", "P1");
  auto b = a;
  b.path = "/archive/copy/1.1.dcm";
  auto plan = PlanStudy({a, b, File("1.2", "20260105", "P1", "R")}, nullptr, SubjectKey{}, StudyOptions{});
  ASSERT_TRUE(plan.ok());
  const auto& scans = plan->visits.at({"S001", 0});
  ASSERT_EQ(scans.size(), 2u);
  EXPECT_EQ(scans[0].duplicate_imports, 1);
  EXPECT_EQ(scans[1].duplicate_imports, 0);
}

TEST(PlanStudy, HostileHeadersNeverBecomePathsOrGuesses) {
  auto hostile = File("1.1", "20260105", "../../etc/passwd'; DROP TABLE visits;--", "", "RT OV\"'; --");
  auto no_uid = File("", "20260105", "P1");
  auto bad_uid = File("1.2/../x", "20260105", "P1");
  auto no_date = File("1.3", "", "P1");
  auto no_patient = File("1.4", "20260105", "");
  auto plan = PlanStudy({hostile, no_uid, bad_uid, no_date, no_patient}, nullptr, SubjectKey{}, StudyOptions{});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->visits.size(), 1u);
  EXPECT_EQ(plan->visits.begin()->first.subject_id, "S001");
  EXPECT_EQ(plan->visits.begin()->second[0].side.side, Side::kRight);
  EXPECT_EQ(plan->skipped.size(), 4u);
}

}  // namespace
}  // namespace antra
