// What `antra report` and the viewer's worklist show per visit.

#include <gtest/gtest.h>

#include "study/study_report.h"
#include "study/visit_store.h"
#include "study_fixtures.h"
#include "support/test_support.h"

namespace antra {
namespace {

// A scan nobody has given a side holds up sign-off: the report says so, and a
// scan showing no ovary (a uterus view) does not.
TEST(StudyReport, VisitsWithScansWaitingForASideAreFlagged) {
  test::TempDir dir("report-sides");
  ResultsStore store(dir.path());
  VisitResult waiting = test::MakeVisit(0, {3, 4}, {5});
  ScanEntry unknown = waiting.scans.front();
  unknown.sop_instance_uid = "9.9.1";
  unknown.side = Side::kUnknown;
  ScanEntry uterus = unknown;
  uterus.sop_instance_uid = "9.9.2";
  uterus.side = Side::kNotOvary;
  waiting.scans.push_back(unknown);
  waiting.scans.push_back(uterus);
  ASSERT_TRUE(store.SaveAutomatic(waiting, {}, "antra test").ok());
  VisitResult clear = test::MakeVisit(1, {3}, {5, 6});
  clear.scans.push_back(uterus);
  ASSERT_TRUE(store.SaveAutomatic(clear, {}, "antra test").ok());

  auto subjects = SummariseStudy(store);
  ASSERT_TRUE(subjects.ok()) << subjects.error().message;
  ASSERT_EQ(subjects->size(), 1u);
  const auto& visits = subjects->front().visits;
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0].scans_without_side, 1);
  EXPECT_EQ(visits[1].scans_without_side, 0);
  const std::string table = SubjectTable(subjects->front());
  EXPECT_NE(table.find("1 scan(s) need a side"), std::string::npos) << table;
  const size_t second_row = table.find("\n01 ");
  ASSERT_NE(second_row, std::string::npos) << table;
  EXPECT_EQ(table.find("need a side", second_row), std::string::npos) << table;
  const std::string study = StudyTable(*subjects);
  EXPECT_NE(study.find("waiting for a side (no sign-off until assigned) (1):\n  S001 visit-00: 1 scan(s)\n"),
            std::string::npos)
      << study;
}

}  // namespace
}  // namespace antra
