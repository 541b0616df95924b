// Fuzz target: `antra-view --script FILE` scripts (docs/viewer-script.md),
// text a tester or a CI job hands to the viewer.

#include <cstdint>
#include <string_view>

#include "viewer/script.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  (void)antra::viewer::ParseScript(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
