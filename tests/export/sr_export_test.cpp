// DICOM SR export read back with DCMTK: same counts and diameters, and the
// tree of TID 5000 with its Ovaries and Follicles sections.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>
#include <cctype>

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

void ExpectFollicleSection(const Node& section, const OvaryResult& ovary) {
  ASSERT_EQ(section.relationship, "CONTAINS");
  ASSERT_EQ(section.value_type, "CONTAINER");
  const Node* site = section.Find("363698007");
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->relationship, "HAS CONCEPT MOD");
  EXPECT_EQ(site->code_value, "OVFOLLICLE");
  const Node* laterality = section.Find("272741003");
  ASSERT_NE(laterality, nullptr);
  EXPECT_EQ(laterality->code_value, ovary.side == Side::kLeft ? "7771000" : "24028007");
  const Node* number = section.Find(ovary.side == Side::kLeft ? "11879-4" : "NFOLLICLES-R");
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(std::stoi(number->text), static_cast<int>(ovary.follicles.size()));
  const Node* afc = section.Find("AFC-2-10MM");
  ASSERT_NE(afc, nullptr);
  EXPECT_EQ(std::stoi(afc->text), *ovary.Afc());
  const auto groups = section.All("125007");
  ASSERT_EQ(groups.size(), ovary.follicles.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    const VisitFollicle& f = ovary.follicles[i];
    const Node* id = groups[i]->Find("125010");
    ASSERT_NE(id, nullptr);
    EXPECT_EQ(id->text, f.id);
    const auto diameters = groups[i]->All("81827009");
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
  const ReadBack sr = Read(dir.path() / "sr" / "S001_visit-00.dcm");
  EXPECT_EQ(sr.patient_name, "S001");
  EXPECT_EQ(sr.patient_id, "S001");
  EXPECT_EQ(sr.identity_removed, "YES");
  // TID 5000: root title, language, observation context, image library,
  // then the Ovaries section (TID 5012) and one Follicles section (TID 5013)
  // per ovary, in that order.
  const Node& root = sr.root;
  EXPECT_EQ(root.concept_code, "125000");
  EXPECT_EQ(root.concept_scheme, "DCM");
  ASSERT_GE(root.children.size(), 8u);
  EXPECT_EQ(root.children[0].concept_code, "121049");
  EXPECT_EQ(root.children[0].relationship, "HAS CONCEPT MOD");
  EXPECT_EQ(root.children[1].concept_code, "121005");
  EXPECT_EQ(root.children[1].relationship, "HAS OBS CONTEXT");
  std::vector<const Node*> sections;
  for (const auto& c : root.children) {
    if (c.relationship == "CONTAINS") sections.push_back(&c);
  }
  ASSERT_EQ(sections.size(), 4u);
  EXPECT_EQ(sections[0]->concept_code, "111028");  // Image Library
  EXPECT_EQ(sections[0]->children.size(), visit.scans.size());
  EXPECT_EQ(sections[0]->children[0].value_type, "IMAGE");
  EXPECT_EQ(sections[1]->concept_code, "121070");  // Ovaries section
  EXPECT_EQ(sections[1]->Find("363698007")->code_value, "15497006");
  const Node* left_ovary = sections[1]->Find("15497006");
  ASSERT_NE(left_ovary, nullptr);
  EXPECT_NEAR(std::stod(left_ovary->Find("12164-0")->text), 0.523 * 31 * 22 * 15 / 1000, 0.001);
  EXPECT_NEAR(std::stod(left_ovary->Find("11840-6")->text), 31, 1e-9);
  EXPECT_NEAR(std::stod(left_ovary->Find("11857-0")->text), 15, 1e-9);
  ExpectFollicleSection(*sections[2], visit.left);
  ExpectFollicleSection(*sections[3], visit.right);

  // No identity in the file.
  std::string bytes = test::ReadBytes(dir.path() / "sr" / "S001_visit-00.dcm");
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
