// Fuzz target: visit.json, read back by batch reruns, exports and the viewer.

#include <cstdint>
#include <string>

#include "study/visit_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  (void)antra::ParseVisitJson(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
