#pragma once
// Results are clinical-trial data: a file is either the old version or the new
// one, never half of each. Write to a temporary file in the same folder, fsync
// it, rename it over the target, then fsync the folder.

#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace antra {

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace antra
