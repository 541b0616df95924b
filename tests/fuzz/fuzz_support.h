#pragma once
// Shared by the fuzz targets.

#include <cstdint>
#include <string>

#include "core/limits.h"

namespace antra::fuzz {

// Small limits keep each execution fast and inside libFuzzer's memory limit;
// the limit checks themselves are what is being exercised.
InputLimits SmallLimits();

// Writes the input to a per-process file in /dev/shm (or /tmp) and returns its path.
std::string WriteInput(const std::uint8_t* data, size_t size, const char* tag);

}  // namespace antra::fuzz
