#include "export/sr_export.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/version.h"
#include "export/sr_codes.h"
#include "study/sha256.h"

namespace antra {

namespace {

namespace fs = std::filesystem;
using R = DSRTypes;

// Throws on a DCMTK refusal: every item added here is fixed by Antra's code,
// so a refusal is a programming error, reported as such by the caller.
void Check(const OFCondition& c, const char* what) {
  if (c.bad()) throw std::runtime_error(std::string("SR ") + what + ": " + c.text());
}

// Builds the content tree by parent node ID, so the order of calls never
// depends on where DCMTK's cursor was left.
class Tree {
 public:
  explicit Tree(DSRDocumentTree& tree) : tree_(tree) {}

  size_t Root(const DSRCodedEntryValue& title) {
    if (tree_.addContentItem(R::RT_isRoot, R::VT_Container) == 0) throw std::runtime_error("SR root");
    Check(tree_.getCurrentContentItem().setConceptName(title), "root title");
    return tree_.getNodeID();
  }

  // A new child (after the existing children) of `parent`.
  size_t Add(size_t parent, R::E_RelationshipType rel, R::E_ValueType vt, const DSRCodedEntryValue* concept_name) {
    if (tree_.gotoNode(parent) == 0) throw std::runtime_error("SR tree: parent not found");
    if (tree_.addContentItem(rel, vt, R::AM_belowCurrent) == 0) {
      throw std::runtime_error(std::string("SR: cannot add ") + R::valueTypeToDefinedTerm(vt) + " with " +
                               R::relationshipTypeToDefinedTerm(rel));
    }
    if (concept_name) Check(tree_.getCurrentContentItem().setConceptName(*concept_name), "concept_name name");
    return tree_.getNodeID();
  }

  size_t Container(size_t parent, const DSRCodedEntryValue& concept_name) {
    const size_t id = Add(parent, R::RT_contains, R::VT_Container, &concept_name);
    Check(tree_.getCurrentContentItem().setContinuityOfContent(R::COC_Separate), "continuity");
    return id;
  }
  void Code(size_t parent, R::E_RelationshipType rel, const DSRCodedEntryValue& concept_name, const DSRCodedEntryValue& value) {
    Add(parent, rel, R::VT_Code, &concept_name);
    Check(tree_.getCurrentContentItem().setCodeValue(value), "code value");
  }
  void Text(size_t parent, R::E_RelationshipType rel, R::E_ValueType vt, const DSRCodedEntryValue& concept_name,
            const std::string& value) {
    Add(parent, rel, vt, &concept_name);
    Check(tree_.getCurrentContentItem().setStringValue(value.c_str()), "text value");
  }
  size_t Num(size_t parent, const DSRCodedEntryValue& concept_name, double value, const DSRCodedEntryValue& unit,
             int decimals = 2) {
    const size_t id = Add(parent, R::RT_contains, R::VT_Num, &concept_name);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    Check(tree_.getCurrentContentItem().setNumericValue(DSRNumericMeasurementValue(buf, unit)), "numeric value");
    return id;
  }
  void Image(size_t parent, const std::string& sop_class, const std::string& sop_instance) {
    Add(parent, R::RT_contains, R::VT_Image, nullptr);
    Check(tree_.getCurrentContentItem().setImageReference(DSRImageReferenceValue(sop_class.c_str(), sop_instance.c_str())),
          "image reference");
  }

 private:
  DSRDocumentTree& tree_;
};

// TID 1204 and TID 1001 (observer: the Antra device, plus the reviewer when
// the visit is signed off).
void AddContext(Tree& t, size_t root, const VisitResult& v) {
  t.Code(root, R::RT_hasConceptMod, sr::Language(), sr::English());
  t.Code(root, R::RT_hasObsContext, sr::ObserverType(), sr::Device());
  t.Text(root, R::RT_hasObsContext, R::VT_UIDRef, sr::DeviceObserverUid(), DerivedUid("antra-device-observer"));
  t.Text(root, R::RT_hasObsContext, R::VT_Text, sr::DeviceObserverName(), std::string("Antra ") + v.software_version);
  if (v.signed_off()) {
    t.Code(root, R::RT_hasObsContext, sr::ObserverType(), sr::Person());
    t.Text(root, R::RT_hasObsContext, R::VT_PName, sr::PersonObserverName(), v.review.reviewer);
  }
}

// TID 5000 rows 5-6: the images the numbers came from.
void AddImageLibrary(Tree& t, size_t root, const VisitResult& v) {
  bool any = false;
  for (const auto& s : v.scans) any = any || !s.sop_class_uid.empty();
  if (!any) return;
  const size_t library = t.Container(root, sr::ImageLibrary());
  for (const auto& s : v.scans) {
    if (!s.sop_class_uid.empty()) t.Image(library, s.sop_class_uid, s.sop_instance_uid);
  }
}

// Follicle counts with the follicle counting concepts of PS3.16 Table D-1
// (130901-130914): one Follicle Count Group per counted ovary, holding its
// antral follicle count (Antra's AFC: mean diameter 2 to 10 mm inclusive),
// and the Total Antral Follicle Count when both ovaries were counted (a
// missing ovary would make the total look lower than it is). Only an ovary
// measured on a calibrated counting scan is counted, so a not-visualised
// ovary is never reported as 0 follicles.
void AddAntralFollicleCounts(Tree& t, size_t root, const VisitResult& v) {
  if (auto total = v.TotalAfc()) {
    t.Num(root, sr::TotalAntralFollicleCount(), static_cast<double>(*total), sr::Count(), 0);
  }
  for (Side side : {Side::kLeft, Side::kRight}) {
    const auto afc = v.ovary(side).Afc();
    if (!afc) continue;
    const size_t group = t.Container(root, sr::FollicleCountGroup());
    t.Code(group, R::RT_hasConceptMod, sr::Laterality(), side == Side::kLeft ? sr::Left() : sr::Right());
    t.Code(group, R::RT_hasConceptMod, sr::FollicleType(), sr::AntralFollicle());
    t.Num(group, sr::DiameterRangeMinimum(), kAfcMinMm, sr::Millimetre(), 1);
    t.Num(group, sr::DiameterRangeMaximum(), kAfcMaxMm, sr::Millimetre(), 1);
    t.Num(group, sr::NumberOfFolliclesInRange(), static_cast<double>(*afc), sr::Count(), 0);
  }
}

// One measurement group per follicle of a counted ovary (every size, so a
// receiver can recount any range): laterality, identifier, the two
// perpendicular inner diameters and their mean.
void AddFollicleMeasurements(Tree& t, size_t root, const VisitResult& v, Side side) {
  const OvaryResult& o = v.ovary(side);
  if (!o.Counts()) return;
  for (const auto& f : o.follicles) {
    const size_t group = t.Container(root, sr::MeasurementGroup());
    t.Code(group, R::RT_hasConceptMod, sr::Laterality(), side == Side::kLeft ? sr::Left() : sr::Right());
    t.Text(group, R::RT_contains, R::VT_Text, sr::Identifier(), f.id);
    t.Num(group, sr::Diameter(), f.long_mm, sr::Millimetre());
    t.Num(group, sr::Diameter(), f.short_mm, sr::Millimetre());
    const size_t mean = t.Num(group, sr::Diameter(), f.mean_mm(), sr::Millimetre());
    t.Code(mean, R::RT_hasConceptMod, sr::Derivation(), sr::Mean());
  }
}

// The date and time the report stands for: the sign-off when there is one,
// else the visit's first scan date. Never "now", so re-exports are identical.
std::pair<std::string, std::string> ReportDateTime(const VisitResult& v) {
  if (v.signed_off() && v.review.signed_at.size() >= 19) {
    const std::string& t = v.review.signed_at;
    return {t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2), t.substr(11, 2) + t.substr(14, 2) + t.substr(17, 2)};
  }
  const auto dates = v.ScanDates();
  const std::string d = dates.empty() ? v.baseline_date : dates.front();
  return {d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2), "000000"};
}

void Put(DcmDataset& ds, const DcmTagKey& tag, const std::string& value) {
  Check(ds.putAndInsertString(tag, value.c_str()), "attribute");
}

}  // namespace

Result<std::string> MakeVisitSr(const VisitResult& v, const std::string& content_sha256) {
  try {
    DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
    Tree tree(doc.getTree());
    const size_t root = tree.Root(sr::ObGynReport());
    AddContext(tree, root, v);
    AddImageLibrary(tree, root, v);
    AddAntralFollicleCounts(tree, root, v);
    AddFollicleMeasurements(tree, root, v, Side::kLeft);
    AddFollicleMeasurements(tree, root, v, Side::kRight);

    // Patient module: the pseudonym only.
    Check(doc.setPatientName(v.subject_id.c_str()), "patient name");
    Check(doc.setPatientID(v.subject_id.c_str()), "patient ID");
    Check(doc.setStudyDescription("Antra antral follicle count"), "study description");
    Check(doc.setSeriesDescription(("Antra AFC " + v.FolderName()).c_str()), "series description");
    Check(doc.setManufacturer("Antra"), "manufacturer");
    Check(doc.setSoftwareVersions(kVersion), "software versions");
    if (v.signed_off()) Check(doc.completeDocument(), "completion flag");

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    Check(doc.write(ds), "write");

    const auto [date, time] = ReportDateTime(v);
    const std::string visit_key = v.subject_id + "/" + v.FolderName();
    Put(ds, DCM_StudyInstanceUID, DerivedUid("antra-sr-study:" + visit_key));
    Put(ds, DCM_SeriesInstanceUID, DerivedUid("antra-sr-series:" + visit_key));
    Put(ds, DCM_SOPInstanceUID, DerivedUid("antra-sr-instance:" + visit_key + ":" + content_sha256));
    Put(ds, DCM_StudyID, v.FolderName());
    Put(ds, DCM_SeriesNumber, "1");
    Put(ds, DCM_InstanceNumber, std::to_string(std::max(1, v.revision)));
    for (const auto& tag : {DCM_StudyDate, DCM_SeriesDate, DCM_ContentDate, DCM_InstanceCreationDate}) Put(ds, tag, date);
    for (const auto& tag : {DCM_StudyTime, DCM_SeriesTime, DCM_ContentTime, DCM_InstanceCreationTime}) Put(ds, tag, time);
    Put(ds, DCM_PatientIdentityRemoved, "YES");
    Put(ds, DCM_DeidentificationMethod, "Antra: pseudonymous subject ID, no hospital identifiers");
    Put(ds, DCM_ClinicalTrialSubjectID, v.subject_id);
    Put(ds, DCM_ClinicalTrialTimePointID, v.FolderName());
    // Serialise through a file in memory-backed temp storage.
    char tmpl[] = "/tmp/antra-sr-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    if (fd < 0) return MakeError(ErrorCode::kIo, "cannot create a temporary file for the SR");
    ::close(fd);
    const OFCondition saved = file.saveFile(tmpl, EXS_LittleEndianExplicit);
    std::ifstream in(tmpl, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    ::unlink(tmpl);
    if (saved.bad()) return MakeError(ErrorCode::kIo, std::string("SR encoding: ") + saved.text());
    return bytes.str();
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, v.subject_id + " " + v.FolderName() + ": " + e.what());
  }
}

Result<SrExportStats> ExportToSr(const ExportData& data, const fs::path& folder) {
  SrExportStats stats;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + folder.string() + ": " + ec.message());
  std::set<std::string> wanted;
  for (size_t i = 0; i < data.visits.size(); ++i) {
    const VisitResult& v = data.visit_results[i];
    auto bytes = MakeVisitSr(v, data.visits[i].content_sha256);
    if (!bytes) return bytes.error();
    const std::string name = SrFileName(v.subject_id, v.visit_number);
    wanted.insert(name);
    const fs::path path = folder / name;
    if (fs::exists(path)) {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream old;
      old << in.rdbuf();
      if (old.str() == *bytes) {
        ++stats.unchanged;
        continue;
      }
    }
    if (Status s = WriteFileAtomically(path, *bytes); !s) return s.error();
    ++stats.written;
  }
  // Files of visits that no longer exist (only names this export writes).
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    const auto pos = name.rfind("_visit-");
    if (pos == std::string::npos || entry.path().extension() != ".dcm" || wanted.count(name)) continue;
    const std::string number = name.substr(pos + 7, name.size() - pos - 11);  // between "_visit-" and ".dcm"
    if (number.size() < 2 || number.find_first_not_of("0123456789") != std::string::npos) continue;
    fs::remove(entry.path(), ec);
    ++stats.removed;
  }
  return stats;
}

std::string DerivedUid(const std::string& seed) {
  const std::string hex = Sha256Hex(seed).substr(0, 32);
  __extension__ typedef unsigned __int128 U128;  // GCC and Clang; 128 bits of the hash, as PS3.5 B.2 asks
  U128 value = 0;
  for (char c : hex) value = value * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : c - 'a' + 10);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value > 0);
  return "2.25." + digits;
}

std::string SrFileName(const std::string& subject_id, int visit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "_visit-%02d.dcm", visit);
  return subject_id + buf;
}

}  // namespace antra
