// REDCap import CSV and its data dictionary agree with each other.

#include <map>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "export/export_data.h"
#include "export/redcap_export.h"
#include "sql_contract.h"
#include "study/csv.h"
#include "core/dates.h"

namespace antra {
namespace {

struct Definition {
  std::string form, type, choices, validation;
};

std::map<std::string, Definition> ParseDictionary(const std::string& text) {
  auto rows = ParseCsv(text);
  EXPECT_TRUE(rows.ok());
  std::map<std::string, Definition> out;
  EXPECT_EQ((*rows)[0].size(), 18u);
  EXPECT_EQ((*rows)[0][0], "Variable / Field Name");
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    EXPECT_EQ(row.size(), 18u);
    EXPECT_TRUE(std::regex_match(row[0], std::regex("[a-z][a-z0-9_]{0,99}"))) << row[0];
    EXPECT_FALSE(out.count(row[0])) << "defined twice: " << row[0];
    out[row[0]] = {row[1], row[3], row[5], row[7]};
  }
  return out;
}

std::set<std::string> ChoiceCodes(const std::string& choices) {
  std::set<std::string> codes;
  std::regex item("\\s*([0-9]+),[^|]*");
  for (std::sregex_iterator it(choices.begin(), choices.end(), item), end; it != end; ++it) codes.insert((*it)[1]);
  return codes;
}

void ExpectValueFits(const std::string& column, const std::string& value, const Definition& d) {
  if (value.empty()) return;
  if (d.type == "dropdown") {
    EXPECT_TRUE(ChoiceCodes(d.choices).count(value)) << column << "=" << value;
  }
  if (d.type == "yesno") {
    EXPECT_TRUE(value == "0" || value == "1") << column << "=" << value;
  }
  if (d.validation == "integer") {
    EXPECT_TRUE(std::regex_match(value, std::regex("-?[0-9]+"))) << column << "=" << value;
  }
  if (d.validation == "number") {
    EXPECT_TRUE(std::regex_match(value, std::regex("-?[0-9]+(\\.[0-9]+)?"))) << column << "=" << value;
  }
  if (d.validation == "date_ymd") {
    EXPECT_TRUE(Date::Parse(value).has_value() && value.size() == 10) << column << "=" << value;
  }
  if (d.validation == "datetime_seconds_ymd") {
    EXPECT_TRUE(std::regex_match(value, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"))) << value;
  }
}

void CheckConsistent(bool include_arm) {
  test::TempDir dir("redcap");
  test::MakeResults(dir.path());
  ExportOptions options;
  const auto mapping = dir.path() / "mapping.csv";
  if (include_arm) {
    test::WriteBytes(mapping, "PatientID,SubjectID,Arm\nH1,S001,active\nH2,S002,placebo\n");
    options.include_arm = true;
    options.mapping = mapping;
  }
  auto data = CollectExportData(dir.path(), options);
  ASSERT_TRUE(data.ok()) << data.error().message;
  const RedcapFiles files = MakeRedcapFiles(*data, include_arm);
  const auto dictionary = ParseDictionary(files.dictionary_csv);
  EXPECT_EQ(dictionary.begin()->first.empty(), false);
  auto rows = ParseCsv(files.data_csv);
  ASSERT_TRUE(rows.ok());
  const auto& header = (*rows)[0];
  ASSERT_EQ(header[0], "record_id");
  const std::set<std::string> system = {"redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"};
  for (const auto& column : header) {
    if (system.count(column)) continue;
    EXPECT_TRUE(dictionary.count(column)) << "column not in the dictionary: " << column;
  }
  // Every dictionary field appears in the data (no dead definitions).
  for (const auto& [name, def] : dictionary) {
    EXPECT_NE(std::find(header.begin(), header.end(), name), header.end()) << name;
  }
  EXPECT_EQ(dictionary.count("treatment_arm"), include_arm ? 1u : 0u);
  size_t visit_rows = 0, follicle_rows = 0;
  for (size_t r = 1; r < rows->size(); ++r) {
    const auto& row = (*rows)[r];
    ASSERT_EQ(row.size(), header.size());
    EXPECT_TRUE(std::regex_match(row[1], std::regex("visit_[0-9]{2}_arm_1"))) << row[1];
    if (row[2] == "follicle") {
      ++follicle_rows;
      EXPECT_TRUE(std::regex_match(row[3], std::regex("[1-9][0-9]*")));
    } else {
      ++visit_rows;
      EXPECT_TRUE(row[2].empty() && row[3].empty());
    }
    for (size_t c = 0; c < header.size(); ++c) {
      if (system.count(header[c]) || !dictionary.count(header[c])) continue;
      const Definition& d = dictionary.at(header[c]);
      // Fields of the other instrument stay empty on each kind of row.
      const bool follicle_field = d.form == "follicle";
      if (c > 0 && follicle_field != (row[2] == "follicle")) {
        EXPECT_TRUE(row[c].empty()) << header[c];
      }
      ExpectValueFits(header[c], row[c], d);
    }
  }
  EXPECT_EQ(visit_rows, data->visits.size());
  EXPECT_EQ(follicle_rows, data->follicles.size());
  if (include_arm) {
    EXPECT_NE(files.data_csv.find("placebo"), std::string::npos);
  }
  else EXPECT_EQ(files.data_csv.find("placebo"), std::string::npos);
}

TEST(RedcapExport, EveryColumnIsDefinedAndEveryValueFitsItsDefinition) { CheckConsistent(false); }
TEST(RedcapExport, ArmFieldOnlyWithTheFlag) { CheckConsistent(true); }

TEST(RedcapExport, WritesBothFilesAndRerunGivesTheSameBytes) {
  test::TempDir dir("redcap-files");
  test::MakeResults(dir.path() / "results");
  auto data = CollectExportData(dir.path() / "results", {});
  ASSERT_TRUE(data.ok());
  const auto csv = dir.path() / "out" / "afc.csv";
  ASSERT_TRUE(ExportToRedcap(*data, false, csv).ok());
  ASSERT_TRUE(std::filesystem::exists(dir.path() / "out" / "afc-data-dictionary.csv"));
  const std::string first = test::ReadBytes(csv);
  ASSERT_TRUE(ExportToRedcap(*CollectExportData(dir.path() / "results", {}), false, csv).ok());
  EXPECT_EQ(test::ReadBytes(csv), first);
  // The hostile reviewer name is quoted, and cannot start a formula.
  EXPECT_NE(first.find("\"O'Brien\"\"); DROP TABLE visits;--\""), std::string::npos);
}

}  // namespace
}  // namespace antra
