#pragma once
// Results are clinical-trial data: a file is either the old version or the new
// one, never half of each. Write to a temporary file in the same folder, fsync
// it, rename it over the target, then fsync the folder.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace antra {

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// A process killed between creating its temporary file and renaming it leaves
// ".<name>.<pid>-<start ticks>@<host>.<n>.tmp" behind (never the result file itself).
// Removes such leftovers under `root` (recursively) written on this machine by
// a process that is gone; returns how many were removed. Files of other
// machines (a cluster sharing the results folder) are left alone.
int RemoveStaleTemporaries(const std::filesystem::path& root);

// "<pid>-<start ticks>@<host>" of this process, as used in temporary names (for tests).
std::string AtomicWriterTagForTests();

}  // namespace antra
