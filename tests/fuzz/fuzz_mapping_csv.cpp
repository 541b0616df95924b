// Fuzz target: the subject mapping CSV (and the CSV parser under it), which a
// coordinator hands to `antra batch --mapping` and the viewer.

#include <cstdint>
#include <string>

#include "study/csv.h"
#include "study/subjects.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)antra::ParseCsv(text);
  auto mapping = antra::SubjectMapping::Parse(text);
  if (mapping) {
    for (const auto& e : mapping->entries()) (void)mapping->Find(e.patient_id);
  }
  return 0;
}
