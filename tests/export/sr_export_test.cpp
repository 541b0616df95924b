// DICOM SR export read back with DCMTK: same counts and diameters, the tree
// under TID 5000, and only confirmed PS3.16 codes.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>
#include <cctype>
#include <set>

#include <gtest/gtest.h>

#include "export/export_data.h"
#include "export/sr_export.h"
#include "sql_contract.h"
#include "study/visit_edit.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

struct Node {
  std::string relationship, value_type, concept_code, concept_scheme;
  std::string code_value;  // CODE items
  std::string text;        // TEXT, UIDREF, PNAME, NUM (numeric value)
  std::string unit;        // NUM
  std::vector<Node> children;
  const Node* Find(const std::string& code) const {
    for (const auto& c : children) {
      if (c.concept_code == code) return &c;
    }
    return nullptr;
  }
  std::vector<const Node*> All(const std::string& code) const {
    std::vector<const Node*> out;
    for (const auto& c : children) {
      if (c.concept_code == code) out.push_back(&c);
    }
    return out;
  }
};

Node ReadNode(DSRDocumentTree& tree) {
  DSRContentItem& item = tree.getCurrentContentItem();
  Node n;
  n.relationship = DSRTypes::relationshipTypeToDefinedTerm(item.getRelationshipType());
  n.value_type = DSRTypes::valueTypeToDefinedTerm(item.getValueType());
  n.concept_code = item.getConceptName().getCodeValue().c_str();
  n.concept_scheme = item.getConceptName().getCodingSchemeDesignator().c_str();
  if (item.getValueType() == DSRTypes::VT_Code) n.code_value = item.getCodeValue().getCodeValue().c_str();
  if (item.getValueType() == DSRTypes::VT_Num) {
    n.text = item.getNumericValue().getNumericValue().c_str();
    n.unit = item.getNumericValue().getMeasurementUnit().getCodeValue().c_str();
  } else {
    n.text = item.getStringValue().c_str();
  }
  if (tree.goDown() > 0) {
    do {
      n.children.push_back(ReadNode(tree));
    } while (tree.gotoNext() > 0);
    tree.goUp();
  }
  return n;
}

struct ReadBack {
  Node root;
  std::string patient_name, patient_id, study_uid, sop_uid, identity_removed;
};

ReadBack Read(const fs::path& path) {
  DcmFileFormat file;
  EXPECT_TRUE(file.loadFile(path.c_str()).good());
  DSRDocument doc;
  EXPECT_TRUE(doc.read(*file.getDataset()).good());
  EXPECT_TRUE(doc.isValid());
  ReadBack out;
  OFString s;
  doc.getPatientName(s);
  out.patient_name = s.c_str();
  doc.getPatientID(s);
  out.patient_id = s.c_str();
  doc.getStudyInstanceUID(s);
  out.study_uid = s.c_str();
  doc.getSOPInstanceUID(s);
  out.sop_uid = s.c_str();
  file.getDataset()->findAndGetOFString(DCM_PatientIdentityRemoved, s);
  out.identity_removed = s.c_str();
  EXPECT_GT(doc.getTree().gotoRoot(), 0u);
  out.root = ReadNode(doc.getTree());
  return out;
}

// Every coded concept (name, coded value, unit) anywhere in the tree.
void CollectCodes(const Node& n, std::set<std::string>& out) {
  if (!n.concept_code.empty()) out.insert(n.concept_scheme + ":" + n.concept_code);
  if (!n.code_value.empty()) out.insert("value:" + n.code_value);
  if (!n.unit.empty()) out.insert("unit:" + n.unit);
  for (const auto& c : n.children) CollectCodes(c, out);
}

const char* LateralityCode(Side side) { return side == Side::kLeft ? "7771000" : "24028007"; }

void ExpectCountGroup(const Node& group, const OvaryResult& ovary) {
  ASSERT_EQ(group.relationship, "CONTAINS");
  ASSERT_EQ(group.value_type, "CONTAINER");
  EXPECT_EQ(group.concept_code, "130901");  // Follicle Count Group
  const Node* laterality = group.Find("272741003");
  ASSERT_NE(laterality, nullptr);
  EXPECT_EQ(laterality->relationship, "HAS CONCEPT MOD");
  EXPECT_EQ(laterality->code_value, LateralityCode(ovary.side));
  const Node* type = group.Find("130908");  // Follicle Type
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->relationship, "HAS CONCEPT MOD");
  EXPECT_EQ(type->code_value, "130910");  // Antral Follicle
  const Node* min = group.Find("130902");
  const Node* max = group.Find("130903");
  ASSERT_TRUE(min && max);
  EXPECT_DOUBLE_EQ(std::stod(min->text), 2.0);
  EXPECT_DOUBLE_EQ(std::stod(max->text), 10.0);
  EXPECT_EQ(min->unit, "mm");
  const Node* number = group.Find("130906");  // Number of Follicles in Range
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(std::stoi(number->text), *ovary.Afc());
  EXPECT_EQ(number->unit, "{follicles}");
}

// The groups of one side, in order, against that ovary's follicles.
void ExpectMeasurementGroups(const std::vector<const Node*>& groups, const OvaryResult& ovary) {
  std::vector<const Node*> side;
  for (const Node* g : groups) {
    const Node* laterality = g->Find("272741003");
    if (laterality && laterality->code_value == LateralityCode(ovary.side)) side.push_back(g);
  }
  ASSERT_EQ(side.size(), ovary.follicles.size());
  for (size_t i = 0; i < side.size(); ++i) {
    const VisitFollicle& f = ovary.follicles[i];
    const Node* id = side[i]->Find("125010");
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->text, f.id);
    const auto diameters = side[i]->All("81827009");
    ASSERT_EQ(diameters.size(), 3u);
    EXPECT_NEAR(std::stod(diameters[0]->text), f.long_mm, 0.005);
    EXPECT_NEAR(std::stod(diameters[1]->text), f.short_mm, 0.005);
    EXPECT_NEAR(std::stod(diameters[2]->text), f.mean_mm(), 0.005);
    EXPECT_EQ(diameters[0]->unit, "mm");
    const Node* derivation = diameters[2]->Find("121401");
    ASSERT_NE(derivation, nullptr);
    EXPECT_EQ(derivation->code_value, "373098007");
  }
}

TEST(SrExport, ReadsBackWithTheSameCountsDiametersAndTemplateTree) {
  test::TempDir dir("sr-export");
  test::MakeResults(dir.path() / "results");
  ResultsStore store(dir.path() / "results");
  VisitEditor editor(*store.Load({"S001", 0}));
  ASSERT_TRUE(editor.SetOvaryDiameters(Side::kLeft, 31, 22, 15, "Dr A", "two planes").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  auto data = CollectExportData(dir.path() / "results", {});
  ASSERT_TRUE(data.ok());
  auto stats = ExportToSr(*data, dir.path() / "sr");
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->written, 4);

  const auto visit = *store.Load({"S001", 0});
  ASSERT_TRUE(visit.left.Afc() && visit.right.Afc());  // the fixture counts both ovaries
  const ReadBack sr = Read(dir.path() / "sr" / "S001_visit-00.dcm");
  EXPECT_EQ(sr.patient_name, "S001");
  EXPECT_EQ(sr.patient_id, "S001");
  EXPECT_EQ(sr.identity_removed, "YES");
  // TID 5000: root title, language, observation context, image library; then
  // the total AFC, one Follicle Count Group per ovary and one Measurement
  // Group per follicle, in that order.
  const Node& root = sr.root;
  EXPECT_EQ(root.concept_code, "125000");
  EXPECT_EQ(root.concept_scheme, "DCM");
  ASSERT_GE(root.children.size(), 8u);
  EXPECT_EQ(root.children[0].concept_code, "121049");
  EXPECT_EQ(root.children[0].relationship, "HAS CONCEPT MOD");
  EXPECT_EQ(root.children[1].concept_code, "121005");
  EXPECT_EQ(root.children[1].relationship, "HAS OBS CONTEXT");
  std::vector<const Node*> contained;
  for (const auto& c : root.children) {
    if (c.relationship == "CONTAINS") contained.push_back(&c);
  }
  const size_t n_follicles = visit.left.follicles.size() + visit.right.follicles.size();
  ASSERT_EQ(contained.size(), 4 + n_follicles);
  EXPECT_EQ(contained[0]->concept_code, "111028");  // Image Library
  EXPECT_EQ(contained[0]->children.size(), visit.scans.size());
  EXPECT_EQ(contained[0]->children[0].value_type, "IMAGE");
  EXPECT_EQ(contained[1]->concept_code, "130907");  // Total Antral Follicle Count
  EXPECT_EQ(contained[1]->value_type, "NUM");
  EXPECT_EQ(std::stoi(contained[1]->text), *visit.TotalAfc());
  ExpectCountGroup(*contained[2], visit.left);
  ExpectCountGroup(*contained[3], visit.right);
  const std::vector<const Node*> groups(contained.begin() + 4, contained.end());
  for (const Node* g : groups) EXPECT_EQ(g->concept_code, "125007");
  ExpectMeasurementGroups(groups, visit.left);
  ExpectMeasurementGroups(groups, visit.right);

  // Only the codes listed (with their sources) in docs/structured-report.md:
  // no private scheme, no retired (121070) or unconfirmed code.
  std::set<std::string> codes;
  CollectCodes(root, codes);
  const std::set<std::string> confirmed = {
      "DCM:125000", "DCM:121049", "value:eng", "DCM:121005", "value:121006", "value:121007", "DCM:121008",
      "DCM:121012", "DCM:121013", "DCM:111028", "DCM:130907", "DCM:130901", "SCT:272741003", "value:7771000",
      "value:24028007", "DCM:130908", "value:130910", "DCM:130902", "DCM:130903", "DCM:130906", "DCM:125007",
      "DCM:125010", "SCT:81827009", "DCM:121401", "value:373098007", "unit:mm", "unit:{follicles}"};
  for (const auto& code : codes) EXPECT_TRUE(confirmed.count(code)) << code << " is not a confirmed code";
  std::string bytes = test::ReadBytes(dir.path() / "sr" / "S001_visit-00.dcm");
  EXPECT_EQ(bytes.find("99ANTRA"), std::string::npos);

  // No identity in the file.
  std::transform(bytes.begin(), bytes.end(), bytes.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto needle : test::FakeIdentityStrings()) {
    std::transform(needle.begin(), needle.end(), needle.begin(), [](unsigned char c) { return std::tolower(c); });
    EXPECT_EQ(bytes.find(needle), std::string::npos) << needle;
  }
}

TEST(SrExport, SignedOffVisitNamesTheReviewerAndReexportIsIdentical) {
  test::TempDir dir("sr-signed");
  test::MakeResults(dir.path() / "results");
  auto data = CollectExportData(dir.path() / "results", {});
  ASSERT_TRUE(ExportToSr(*data, dir.path() / "sr").ok());
  const ReadBack signed_sr = Read(dir.path() / "sr" / "S002_visit-00.dcm");
  bool person = false;
  for (const auto& c : signed_sr.root.children) person = person || (c.concept_code == "121008" && c.text == test::kHostileReviewer);
  EXPECT_TRUE(person);
  const std::string before = test::ReadBytes(dir.path() / "sr" / "S001_visit-01.dcm");
  auto again = ExportToSr(*CollectExportData(dir.path() / "results", {}), dir.path() / "sr");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 4);
  EXPECT_EQ(test::ReadBytes(dir.path() / "sr" / "S001_visit-01.dcm"), before);

  // An edit gives a new instance in the same study; a removed visit's file goes.
  const ReadBack old_sr = Read(dir.path() / "sr" / "S001_visit-01.dcm");
  ResultsStore store(dir.path() / "results");
  VisitEditor editor(*store.Load({"S001", 1}));
  ASSERT_TRUE(editor.DeleteFollicle(Side::kRight, "R1", "Dr A", "vessel").ok());
  ASSERT_TRUE(store.SaveReviewed(editor).ok());
  fs::remove_all(dir.path() / "results" / "S001" / "visit-02");
  auto after = ExportToSr(*CollectExportData(dir.path() / "results", {}), dir.path() / "sr");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->written, 1);
  EXPECT_EQ(after->removed, 1);
  const ReadBack new_sr = Read(dir.path() / "sr" / "S001_visit-01.dcm");
  EXPECT_EQ(new_sr.study_uid, old_sr.study_uid);
  EXPECT_NE(new_sr.sop_uid, old_sr.sop_uid);
  EXPECT_FALSE(fs::exists(dir.path() / "sr" / "S001_visit-02.dcm"));
}

TEST(SrExport, DerivedUidsAreValidAndStable) {
  const std::string uid = DerivedUid("seed");
  EXPECT_EQ(uid, DerivedUid("seed"));
  EXPECT_NE(uid, DerivedUid("other"));
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u);
  EXPECT_LE(uid.size(), 64u);
  EXPECT_NE(uid[5], '0');
}

}  // namespace
}  // namespace antra
