// CSV, safe names and hashing: the small pieces everything else trusts.

#include <gtest/gtest.h>

#include "study/csv.h"
#include "study/safe_names.h"
#include "study/sha256.h"

namespace antra {
namespace {

TEST(Csv, ParsesQuotesCommasNewlinesAndBom) {
  auto rows = ParseCsv("\xEF\xBB\xBFPatientID,SubjectID\r\n\"A,1\",\"say \"\"hi\"\"\"\n\"multi\nline\",x\n\n");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0][0], "PatientID");
  EXPECT_EQ((*rows)[1][0], "A,1");
  EXPECT_EQ((*rows)[1][1], "say \"hi\"");
  EXPECT_EQ((*rows)[2][0], "multi\nline");
}

TEST(Csv, RefusesBrokenQuotingWithTheLine) {
  auto unterminated = ParseCsv("a,b\n\"c,d\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseCsv("a,b\"c\n").ok());
  EXPECT_FALSE(ParseCsv("\"a\"b,c\n").ok());
}

TEST(Csv, WritesFieldsThatReadBack) {
  const std::vector<std::string> values = {"plain", "with,comma", "with \"quote\"", "line\nbreak", " padded ", ""};
  std::vector<std::string> fields;
  for (const auto& v : values) fields.push_back(CsvField(v));
  auto rows = ParseCsv(CsvLine(fields));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], values);
}

TEST(Csv, NeutralisesSpreadsheetFormulasInTypedText) {
  EXPECT_EQ(CsvTextField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(CsvTextField("+1"), "'+1");
  EXPECT_EQ(CsvTextField("Dr Smith"), "Dr Smith");
}

TEST(SafeNames, SubjectIdsCannotEscapeTheResultsFolder) {
  for (const char* good : {"S001", "P-12", "site2_007", "A"}) EXPECT_TRUE(IsSafeSubjectId(good)) << good;
  for (const char* bad : {"", "..", ".", "../S001", "S001/..", "a/b", "a\\b", "S 1", "S'1", "S\"1", "-S1",
                          "S1;DROP", "S\n1", "averyveryveryveryveryverylongsubjectid"}) {
    EXPECT_FALSE(IsSafeSubjectId(bad)) << bad;
  }
}

TEST(SafeNames, UidsAreDigitsAndDots) {
  EXPECT_TRUE(IsDicomUid("1.2.840.10008.5.1.4.1.1.6.1"));
  EXPECT_FALSE(IsDicomUid("1.2.3'; DROP TABLE visits;--"));
  EXPECT_FALSE(IsDicomUid("../1.2"));
  EXPECT_FALSE(IsDicomUid(""));
}

TEST(SafeNames, ScrubsIdentityFromFreeText) {
  const PatientIdentity who{"HOSP-7731", "Quillfeather^Rosamund^A", "19810317"};
  const std::string scrubbed = ScrubIdentity("LT OV quillfeather ROSAMUND HOSP-7731 1981-03-17 19810317", who);
  EXPECT_EQ(scrubbed.find("uillfeather"), std::string::npos);
  EXPECT_EQ(scrubbed.find("OSAMUND"), std::string::npos);
  EXPECT_EQ(scrubbed.find("7731"), std::string::npos);
  EXPECT_EQ(scrubbed.find("1981"), std::string::npos);
  EXPECT_EQ(scrubbed.rfind("LT OV", 0), 0u);  // the rest is kept
  EXPECT_EQ(PrintableText("a\tb\x01" "c"), "a b c");
}

TEST(Sha256, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace antra
