// Mapping file and subject key.

#include <gtest/gtest.h>

#include "study/laterality.h"
#include "study/subjects.h"
#include "support/test_support.h"

namespace antra {
namespace {

TEST(SubjectMapping, ReadsFlexibleHeadersAndOptionalColumns) {
  auto m = SubjectMapping::Parse("Patient ID,Subject_ID,Arm,Baseline Date\nH1,S101,A,2026-01-05\nH2,S102,,\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_NE(m->Find("H1"), nullptr);
  EXPECT_EQ(m->Find("H1")->subject_id, "S101");
  EXPECT_EQ(m->Find("H1")->baseline->Iso(), "2026-01-05");
  EXPECT_FALSE(m->Find("H2")->baseline);
  EXPECT_EQ(m->ArmOf("S101"), "A");
  EXPECT_EQ(m->Find("H3"), nullptr);
}

TEST(SubjectMapping, HostileSubjectIdsAreRefusedWithTheLine) {
  for (const char* bad : {"../etc", "a/b", "S'1", "x; DROP TABLE visits;--", "\"S\"\"1\""}) {
    auto m = SubjectMapping::Parse(std::string("PatientID,SubjectID\nH1,S1\nH2,") + bad + "\n");
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_NE(m.error().message.find("line 3"), std::string::npos) << m.error().message;
  }
}

TEST(SubjectMapping, RefusesDuplicatesAndConflictingBaselines) {
  EXPECT_FALSE(SubjectMapping::Parse("PatientID,SubjectID\nH1,S1\nH1,S2\n").ok());
  EXPECT_FALSE(SubjectMapping::Parse("PatientID,SubjectID,Baseline\nH1,S1,20260105\nH2,S1,20260112\n").ok());
  EXPECT_FALSE(SubjectMapping::Parse("PatientID,SubjectID,Baseline\nH1,S1,2026-02-30\n").ok());
  EXPECT_FALSE(SubjectMapping::Parse("Name,Subject\nH1,S1\n").ok());  // no PatientID column
  // Two hospital IDs of one person share her baseline.
  auto m = SubjectMapping::Parse("PatientID,SubjectID,Baseline\nH1,S1,20260105\nH2,S1,\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->Find("H2")->baseline->Iso(), "2026-01-05");
}

TEST(SubjectKey, AssignsNumbersAndRoundTripsQuotedPatientIds) {
  test::TempDir dir("subject-key");
  SubjectKey key;
  EXPECT_EQ(key.AssignNext("H1").subject_id, "S001");
  EXPECT_EQ(key.AssignNext("../H2,\"x\"").subject_id, "S002");
  key.SetBaseline("H1", *Date::Parse("20260105"), "earliest-scan");
  const auto path = SubjectKey::PathUnder(dir.path());
  ASSERT_TRUE(key.Save(path).ok());
  auto loaded = SubjectKey::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_NE(loaded->FindByPatient("../H2,\"x\""), nullptr);
  EXPECT_EQ(loaded->FindByPatient("../H2,\"x\"")->subject_id, "S002");
  EXPECT_EQ(loaded->FindBySubject("S001")->baseline->Iso(), "2026-01-05");
  EXPECT_EQ(loaded->AssignNext("H3").subject_id, "S003");
}

TEST(Laterality, HeaderWinsThenDescriptionWords) {
  ImageInfo info;
  info.laterality = "R";
  info.series_description = "LT OV";
  EXPECT_EQ(DecideSide(info).side, Side::kRight);
  EXPECT_EQ(DecideSide(info).source, SideSource::kHeader);
  info.laterality.clear();
  EXPECT_EQ(DecideSide(info).side, Side::kLeft);
  EXPECT_EQ(DecideSide(info).source, SideSource::kSeriesDescription);
}

TEST(Laterality, ReadsCommonDescriptions) {
  const std::pair<const char*, Side> cases[] = {
      {"LT OV SWEEP", Side::kLeft},  {"Left ovary", Side::kLeft},    {"LOV", Side::kLeft},
      {"L OV 2", Side::kLeft},       {"l_ovary", Side::kLeft},    {"RT OVARY", Side::kRight},
      {"ROV cine", Side::kRight},    {"R OVARY", Side::kRight},      {"right", Side::kRight},
      {"Ovaries LT RT", Side::kUnknown}, {"RE-SCAN PELVIS", Side::kUnknown}, {"R&D L1", Side::kUnknown},
      {"", Side::kUnknown},          {"LEFT'; DROP TABLE scans;--", Side::kLeft}, {"../RT/..", Side::kRight},
  };
  for (const auto& [text, side] : cases) EXPECT_EQ(SideFromDescription(text), side) << text;
}

TEST(Laterality, OtherOrgansOfThePelvicExamAreNotOvaries) {
  const std::pair<const char*, Side> cases[] = {
      {"UTERUS SAG", Side::kNotOvary},       {"Ut trans", Side::kNotOvary},
      {"ENDOMETRIUM", Side::kNotOvary},      {"LT UTERINE A", Side::kNotOvary},  // Doppler: a body side, not an ovary
      {"Cervix", Side::kNotOvary},           {"BLADDER PRE-VOID", Side::kNotOvary},
      {"UTERUS + LT OVARY", Side::kLeft},    {"Uterus and ovaries", Side::kUnknown},
      {"ROV / uterus", Side::kRight},        {"ENDOVAGINAL LT", Side::kLeft},  // "endo" alone is not the endometrium
      {"BUTTERFLY", Side::kUnknown},         {"utility", Side::kUnknown},      // whole words only
  };
  for (const auto& [text, side] : cases) EXPECT_EQ(SideFromDescription(text), side) << text;
  ImageInfo info;
  info.laterality = "L";
  info.series_description = "LT UTERINE ARTERY";
  EXPECT_EQ(DecideSide(info).side, Side::kNotOvary);  // the organ decides before the header's body side
  EXPECT_EQ(DecideSide(info).source, SideSource::kSeriesDescription);
  EXPECT_EQ(SideFromString(ToString(Side::kNotOvary)), Side::kNotOvary);
}

}  // namespace
}  // namespace antra
