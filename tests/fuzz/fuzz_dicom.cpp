// Fuzz target: the DICOM loader (parsing, ultrasound regions, palettes, frame
// decoding of every codec). The loader reads files, so each input is written
// to a file in memory-backed /dev/shm first.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "fuzz/fuzz_support.h"
#include "io/open_image.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  const std::string path = antra::fuzz::WriteInput(data, size, "dicom");
  antra::OpenOptions options;
  options.limits = antra::fuzz::SmallLimits();
  auto source = antra::OpenImage(path, options);
  if (source) {
    const int frames = std::min((*source)->info().frame_count, 4);
    for (int i = 0; i < frames; ++i) (void)(*source)->ReadFrame(i);
    // Measuring with the calibration must not misbehave either.
    (void)(*source)->info().calibration.LengthMm({0, 0}, {10, 10});
  }
  std::remove(path.c_str());
  return 0;
}
