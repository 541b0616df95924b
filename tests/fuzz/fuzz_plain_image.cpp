// Fuzz target: the plain PNG/JPEG loader (header size check, decode).

#include <cstdint>
#include <cstdio>

#include "fuzz/fuzz_support.h"
#include "io/open_image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string path = antra::fuzz::WriteInput(data, size, "plain");
  auto source = antra::OpenPlainImage(path, antra::fuzz::SmallLimits());
  if (source) (void)(*source)->ReadFrame(0);
  std::remove(path.c_str());
  return 0;
}
