#pragma once
// A bounded, non-recursive walk over a DICOM file's element structure, run
// before DCMTK parses it. DCMTK parses nested sequences recursively, so a
// hostile file with 200 000 nested sequences overflows the stack; this scan
// refuses such a file first. Likewise DCMTK allocates an element's declared
// length when loading it, so a value declared longer than the file is refused
// (`truncated`) before DCMTK reads it. It only enforces limits: anything it cannot
// follow (malformed lengths, deflated datasets) is left to DCMTK to judge.

#include <filesystem>

#include "core/limits.h"
#include "core/result.h"

namespace antra {

Status CheckDicomStructure(const std::filesystem::path& path, const InputLimits& limits);

}  // namespace antra
