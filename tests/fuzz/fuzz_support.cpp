#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace antra::fuzz {

InputLimits SmallLimits() {
  InputLimits limits;
  limits.max_width = 2048;
  limits.max_height = 2048;
  limits.max_frames = 64;
  limits.max_frame_bytes = 16u << 20;
  limits.expansion_allowance_bytes = 32u << 20;
  return limits;
}

std::string WriteInput(const std::uint8_t* data, size_t size, const char* tag) {
  static const std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
  const std::string path = dir + "/antra-fuzz-" + tag + "-" + std::to_string(::getpid());
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

}  // namespace antra::fuzz
