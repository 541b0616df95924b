#pragma once
// Reading a whole text file (JSON, CSV, scripts) with a size bound, so a
// hostile or mistaken multi-gigabyte file is refused before it is read.

#include <filesystem>
#include <string>

#include "core/limits.h"
#include "core/result.h"

namespace antra {

// The file's bytes; kNotFound when it is missing or not a regular file,
// kLimitExceeded when it is larger than limits.max_text_file_bytes.
Result<std::string> ReadTextFile(const std::filesystem::path& path,
                                 const InputLimits& limits = DefaultInputLimits());

}  // namespace antra
