#pragma once
// Anything that becomes part of a path, a SQL value, a CSV cell or a DICOM
// attribute and came from outside (a mapping file, a DICOM header) is checked
// here first. Subject IDs name folders, so they are held to a strict pattern
// rather than "cleaned": a value that needs cleaning is refused.

#include <string>
#include <string_view>

#include "core/image.h"
#include "core/result.h"

namespace antra {

// A subject ID: 1 to 32 characters from [A-Za-z0-9_-], starting with a letter
// or digit. No dots (so never "." or ".."), no slashes, no spaces, no control
// characters, no quotes.
Status CheckSubjectId(std::string_view id);
bool IsSafeSubjectId(std::string_view id);

// A DICOM UID: 1 to 64 characters of digits and dots.
bool IsDicomUid(std::string_view uid);

// Text from a header shown to people (series description): control
// characters become spaces and the length is capped at 128 bytes.
std::string PrintableText(std::string_view text);

// Removes the patient's identity (PatientID, each part of PatientName of three
// or more letters, birth date in DICOM or ISO form) from free text, case
// insensitively, replacing each hit with "[removed]". Scanners sometimes put
// the name into descriptions; results must never carry it.
std::string ScrubIdentity(std::string_view text, const PatientIdentity& identity);

}  // namespace antra
