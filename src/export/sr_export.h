#pragma once
// One DICOM Comprehensive SR per visit, rooted in the OB-GYN Ultrasound
// Procedure Report template (TID 5000), with the follicle counts and
// diameters in the follicle counting concepts of PS3.16 (DCM 130901-130914),
// built with DCMTK's dcmsr. Codes, the tree and what is left out (and why)
// are documented in docs/structured-report.md (src/export/sr_codes.h).
//
// The patient module holds only the pseudonymous subject ID (Patient Identity
// Removed = YES). UIDs and dates are derived from the visit, so exporting the
// same visit twice gives the same bytes; a changed visit gets a new SOP
// Instance UID in the same study and series.

#include <filesystem>
#include <string>

#include "core/result.h"
#include "export/export_data.h"

namespace antra {

struct SrExportStats {
  int written = 0;
  int unchanged = 0;
  int removed = 0;  // files of visits no longer in the results
};

// <folder>/<subject>_visit-<nn>.dcm for every visit.
Result<SrExportStats> ExportToSr(const ExportData& data, const std::filesystem::path& folder);

// The SR of one visit as DICOM file bytes (Part 10, Explicit VR Little Endian).
Result<std::string> MakeVisitSr(const VisitResult& visit, const std::string& content_sha256);

// "2.25.<decimal>" from a SHA-256 of `seed` (PS3.5 B.2 UUID-derived form).
std::string DerivedUid(const std::string& seed);

std::string SrFileName(const std::string& subject_id, int visit);

}  // namespace antra
