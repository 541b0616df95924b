#pragma once
// A REDCap data-import CSV for a longitudinal project, and the data
// dictionary that defines every one of its columns (docs/redcap.md).
//
// record_id is the subject ID; redcap_event_name is "visit_<nn>_arm_1"
// (events "Visit 00", "Visit 01", ... in REDCap arm 1, which is REDCap's
// schedule arm, not the treatment arm). Per-visit numbers are on the
// instrument "antral_follicle_count"; each follicle is an instance of the
// repeating instrument "follicle". Both files are written atomically.

#include <filesystem>
#include <string>

#include "core/result.h"
#include "export/export_data.h"

namespace antra {

struct RedcapFiles {
  std::string data_csv;
  std::string dictionary_csv;
};

RedcapFiles MakeRedcapFiles(const ExportData& data, bool include_arm);

// The dictionary is written beside the data file: for out/afc.csv it is
// out/afc-data-dictionary.csv.
std::filesystem::path RedcapDictionaryPath(const std::filesystem::path& data_csv);

Status ExportToRedcap(const ExportData& data, bool include_arm, const std::filesystem::path& data_csv);

}  // namespace antra
