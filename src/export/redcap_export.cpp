#include "export/redcap_export.h"

#include <cstdio>
#include <functional>
#include <map>

#include "core/atomic_file.h"
#include "study/csv.h"

namespace antra {

namespace {

constexpr const char* kVisitForm = "antral_follicle_count";
constexpr const char* kFollicleForm = "follicle";

struct Field {
  std::string name, form, type, label, choices, note, validation, min, max;
};

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
std::string Opt(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }
std::string Opt(const std::optional<double>& v, int decimals) { return v ? Fixed(*v, decimals) : ""; }
std::string YesNo(bool v) { return v ? "1" : "0"; }

const char* kStatusChoices = "1, measured | 2, not visualised | 3, not scanned";
std::string StatusCode(const std::string& s) {
  if (s == "measured") return "1";
  if (s == "not-visualised") return "2";
  return "3";
}
const char* kReviewChoices = "0, unreviewed | 1, signed off";
const char* kSideChoices = "1, left | 2, right";
const char* kBinChoices = "1, under 2 mm | 2, 2 to under 6 mm | 3, 6 to 10 mm | 4, over 10 mm";
std::string BinCode(const std::string& bin) {
  if (bin == "under-2") return "1";
  if (bin == "2-to-under-6") return "2";
  if (bin == "6-to-10") return "3";
  return "4";
}
const char* kOriginChoices = "1, automatic | 2, edited by reviewer | 3, added by reviewer";
std::string OriginCode(const std::string& o) {
  if (o == "automatic") return "1";
  if (o == "edited") return "2";
  return "3";
}

// REDCap's datetime_seconds_ymd wants "YYYY-MM-DD HH:MM:SS".
std::string RedcapDateTime(const std::string& iso) {
  if (iso.size() < 19) return "";
  std::string out = iso.substr(0, 19);
  out[10] = ' ';
  return out;
}

std::vector<Field> VisitFields(bool include_arm) {
  std::vector<Field> f;
  f.push_back({"record_id", kVisitForm, "text", "Subject ID (pseudonymous)", "", "", "", "", ""});
  if (include_arm) f.push_back({"treatment_arm", kVisitForm, "text", "Treatment arm", "", "Blinded information", "", "", ""});
  f.push_back({"visit_number", kVisitForm, "text", "Visit number", "", "0 = baseline", "integer", "0", "999"});
  f.push_back({"visit_date", kVisitForm, "text", "Scan date", "", "First scan date of the visit", "date_ymd", "", ""});
  f.push_back({"target_date", kVisitForm, "text", "Planned date", "", "Baseline + n x interval", "date_ymd", "", ""});
  f.push_back({"calibrated", kVisitForm, "yesno", "Counting scans calibrated", "", "No: sizes and AFC unavailable", "", "", ""});
  for (const std::string side : {"left", "right"}) {
    const std::string Side = side == "left" ? "Left" : "Right";
    f.push_back({side + "_status", kVisitForm, "dropdown", Side + " ovary status", kStatusChoices,
                 "Not visualised is not AFC 0", "", "", ""});
    f.push_back({side + "_afc", kVisitForm, "text", Side + " ovary AFC (2-10 mm)", "", "", "integer", "0", "200"});
    f.push_back({side + "_n_under_2", kVisitForm, "text", Side + ": follicles under 2 mm", "", "", "integer", "0", "200"});
    f.push_back({side + "_n_2_to_6", kVisitForm, "text", Side + ": follicles 2 to under 6 mm", "", "", "integer", "0", "200"});
    f.push_back({side + "_n_6_to_10", kVisitForm, "text", Side + ": follicles 6 to 10 mm", "", "", "integer", "0", "200"});
    f.push_back({side + "_n_over_10", kVisitForm, "text", Side + ": follicles over 10 mm", "", "", "integer", "0", "200"});
    f.push_back({side + "_largest_mm", kVisitForm, "text", Side + ": largest follicle (mm)", "", "Mean of two diameters",
                 "number", "0", "200"});
    f.push_back({side + "_single_frame", kVisitForm, "yesno", Side + ": AFC from a single frame", "", "", "", "", ""});
    f.push_back({side + "_length_mm", kVisitForm, "text", Side + " ovary length (mm)", "", "", "number", "0", "200"});
    f.push_back({side + "_width_mm", kVisitForm, "text", Side + " ovary width (mm)", "", "", "number", "0", "200"});
    f.push_back({side + "_height_mm", kVisitForm, "text", Side + " ovary height (mm)", "", "", "number", "0", "200"});
    f.push_back({side + "_volume_ml", kVisitForm, "text", Side + " ovary volume (ml)", "", "0.523 x L x W x H", "number", "0", "1000"});
    f.push_back({side + "_counting_scan", kVisitForm, "text", Side + ": counting scan SOP Instance UID", "", "", "", "", ""});
  }
  f.push_back({"total_afc", kVisitForm, "text", "Total AFC (both ovaries)", "", "Empty unless both ovaries have an AFC",
               "integer", "0", "400"});
  f.push_back({"largest_mm", kVisitForm, "text", "Largest follicle (mm)", "", "", "number", "0", "200"});
  f.push_back({"review_status", kVisitForm, "dropdown", "Review status", kReviewChoices, "", "", "", ""});
  f.push_back({"reviewer", kVisitForm, "text", "Reviewer", "", "", "", "", ""});
  f.push_back({"signed_at", kVisitForm, "text", "Signed off at (UTC)", "", "", "datetime_seconds_ymd", "", ""});
  f.push_back({"result_revision", kVisitForm, "text", "Antra result revision", "", "", "integer", "0", ""});
  f.push_back({"antra_version", kVisitForm, "text", "Antra version", "", "", "", "", ""});
  return f;
}

std::vector<Field> FollicleFields() {
  return {
      {"follicle_side", kFollicleForm, "dropdown", "Ovary", kSideChoices, "", "", "", ""},
      {"follicle_id", kFollicleForm, "text", "Follicle ID", "", "Stable within the visit", "", "", ""},
      {"follicle_long_mm", kFollicleForm, "text", "Long diameter (mm)", "", "", "number", "0", "200"},
      {"follicle_short_mm", kFollicleForm, "text", "Short diameter (mm)", "", "Perpendicular to the long one", "number", "0", "200"},
      {"follicle_mean_mm", kFollicleForm, "text", "Mean diameter (mm)", "", "", "number", "0", "200"},
      {"follicle_bin", kFollicleForm, "dropdown", "Size class", kBinChoices, "", "", "", ""},
      {"follicle_counted", kFollicleForm, "yesno", "Counted in AFC", "", "", "", "", ""},
      {"follicle_origin", kFollicleForm, "dropdown", "How it was found", kOriginChoices, "", "", "", ""},
      {"follicle_image_uid", kFollicleForm, "text", "Image SOP Instance UID", "", "", "", "", ""},
      {"follicle_frame", kFollicleForm, "text", "Frame", "", "", "integer", "0", ""},
  };
}

std::string EventName(int visit) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "visit_%02d_arm_1", visit);
  return buf;
}

std::string DictionaryCsv(const std::vector<Field>& visit_fields, const std::vector<Field>& follicle_fields) {
  std::vector<std::string> header;
  for (const char* name : {"Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
                           "Choices, Calculations, OR Slider Labels", "Field Note",
                           "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
                           "Identifier?", "Branching Logic (Show field only if...)", "Required Field?",
                           "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
                           "Matrix Ranking?", "Field Annotation"}) {
    header.push_back(CsvField(name));
  }
  std::string csv = CsvLine(header);
  for (const auto* fields : {&visit_fields, &follicle_fields}) {
    for (const auto& f : *fields) {
      csv += CsvLine({f.name, f.form, "", f.type, CsvField(f.label), CsvField(f.choices), CsvField(f.note),
                      f.validation, f.min, f.max, "", "", "", "", "", "", "", ""});
    }
  }
  return csv;
}

// The data file's rows: one per visit (its event), then one per follicle
// (the repeating follicle instrument), all with every column of the header.
class DataRows {
 public:
  DataRows(const std::vector<Field>& visit_fields, const std::vector<Field>& follicle_fields) {
    header_ = {"record_id", "redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"};
    for (const auto& f : visit_fields) {
      if (f.name != "record_id") header_.push_back(f.name);
    }
    for (const auto& f : follicle_fields) header_.push_back(f.name);
    for (size_t i = 0; i < header_.size(); ++i) column_[header_[i]] = i;
  }
  std::string Header() const { return CsvLine(header_); }

  std::string VisitLine(const VisitRow& v, const std::vector<const OvaryRow*>& ovaries, const std::string* arm) const {
    std::vector<std::string> row(header_.size());
    auto set = [&](const std::string& name, const std::string& value) { row[column_.at(name)] = value; };
    set("record_id", CsvField(v.subject_id));
    set("redcap_event_name", EventName(v.visit));
    if (arm) set("treatment_arm", CsvTextField(*arm));
    set("visit_number", std::to_string(v.visit));
    set("visit_date", v.scan_dates.substr(0, 10));
    set("target_date", v.target_date);
    set("calibrated", YesNo(v.calibrated));
    for (const OvaryRow* o : ovaries) {
      const std::string& s = o->side;
      set(s + "_status", StatusCode(o->status));
      set(s + "_afc", Opt(o->afc));
      set(s + "_n_under_2", Opt(o->count_under_2));
      set(s + "_n_2_to_6", Opt(o->count_2_to_under_6));
      set(s + "_n_6_to_10", Opt(o->count_6_to_10));
      set(s + "_n_over_10", Opt(o->count_over_10));
      set(s + "_largest_mm", Opt(o->largest_follicle_mm, 2));
      set(s + "_single_frame", YesNo(o->afc_from_single_frame));
      set(s + "_length_mm", Opt(o->length_mm, 2));
      set(s + "_width_mm", Opt(o->width_mm, 2));
      set(s + "_height_mm", Opt(o->height_mm, 2));
      set(s + "_volume_ml", Opt(o->volume_ml, 3));
      set(s + "_counting_scan", o->counting_scan_uid);
    }
    set("total_afc", Opt(v.total_afc));
    set("largest_mm", Opt(v.largest_follicle_mm, 2));
    set("review_status", v.review_status == "signed-off" ? "1" : "0");
    set("reviewer", CsvTextField(v.reviewer));
    set("signed_at", RedcapDateTime(v.signed_at));
    set("result_revision", std::to_string(v.revision));
    set("antra_version", CsvField(v.software_version));
    return CsvLine(row);
  }

  std::string FollicleLine(const FollicleRow& f, const std::string& subject_id, int visit, int instance) const {
    std::vector<std::string> row(header_.size());
    auto set = [&](const std::string& name, const std::string& value) { row[column_.at(name)] = value; };
    set("record_id", CsvField(subject_id));
    set("redcap_event_name", EventName(visit));
    set("redcap_repeat_instrument", kFollicleForm);
    set("redcap_repeat_instance", std::to_string(instance));
    set("follicle_side", f.side == "left" ? "1" : "2");
    set("follicle_id", CsvField(f.follicle_id));
    set("follicle_long_mm", Fixed(f.long_mm, 2));
    set("follicle_short_mm", Fixed(f.short_mm, 2));
    set("follicle_mean_mm", Fixed(f.mean_mm, 2));
    set("follicle_bin", BinCode(f.size_bin));
    set("follicle_counted", YesNo(f.counted_in_afc));
    set("follicle_origin", OriginCode(f.origin));
    set("follicle_image_uid", f.sop_instance_uid);
    set("follicle_frame", std::to_string(f.frame));
    return CsvLine(row);
  }

 private:
  std::vector<std::string> header_;
  std::map<std::string, size_t> column_;
};

}  // namespace

RedcapFiles MakeRedcapFiles(const ExportData& data, bool include_arm) {
  const auto visit_fields = VisitFields(include_arm);
  const auto follicle_fields = FollicleFields();
  RedcapFiles out;
  out.dictionary_csv = DictionaryCsv(visit_fields, follicle_fields);

  const DataRows rows(visit_fields, follicle_fields);
  std::map<std::string, std::string> arms;
  for (const auto& s : data.subjects) {
    if (s.arm) arms[s.subject_id] = *s.arm;
  }
  std::map<std::pair<std::string, int>, std::vector<const OvaryRow*>> ovaries;
  for (const auto& o : data.ovaries) ovaries[{o.subject_id, o.visit}].push_back(&o);
  std::map<std::pair<std::string, int>, std::vector<const FollicleRow*>> follicles;
  for (const auto& f : data.follicles) follicles[{f.subject_id, f.visit}].push_back(&f);

  out.data_csv = rows.Header();
  const std::string no_arm;
  for (const auto& v : data.visits) {
    const auto arm = arms.find(v.subject_id);
    const std::string* arm_text = include_arm ? (arm != arms.end() ? &arm->second : &no_arm) : nullptr;
    out.data_csv += rows.VisitLine(v, ovaries[{v.subject_id, v.visit}], arm_text);
    int instance = 0;
    for (const FollicleRow* f : follicles[{v.subject_id, v.visit}]) {
      out.data_csv += rows.FollicleLine(*f, v.subject_id, v.visit, ++instance);
    }
  }
  return out;
}

std::filesystem::path RedcapDictionaryPath(const std::filesystem::path& data_csv) {
  return data_csv.parent_path() / (data_csv.stem().string() + "-data-dictionary.csv");
}

Status ExportToRedcap(const ExportData& data, bool include_arm, const std::filesystem::path& data_csv) {
  if (data_csv.extension() != ".csv") return MakeError(ErrorCode::kInvalidArgument, "REDCap export path must end in .csv");
  const RedcapFiles files = MakeRedcapFiles(data, include_arm);
  // Dictionary first: a data file is never left without its definitions.
  if (Status s = WriteFileAtomically(RedcapDictionaryPath(data_csv), files.dictionary_csv); !s) return s;
  return WriteFileAtomically(data_csv, files.data_csv);
}

}  // namespace antra
