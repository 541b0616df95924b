// Fuzz target: compiled forest files (models/*.forest, src/pipeline/forest.h).
// A preset may name any model path, so the file is outside input. The input
// is taken as a forest file whose trailing checksum and model fingerprint
// are made to match (else nearly every mutation would stop at the checksum
// and the structure checks behind it would go untested); whatever parses
// is then evaluated on a few rows, which must terminate and stay in bounds.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "pipeline/forest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // Header: 8 magic, 4 format, 4 byte order, 8 fingerprint.
  std::uint64_t fingerprint = 0;
  if (bytes.size() >= 24) std::memcpy(&fingerprint, bytes.data() + 16, sizeof fingerprint);
  const std::uint64_t checksum = antra::pipeline::Fnv1a(bytes);
  bytes.append(reinterpret_cast<const char*>(&checksum), sizeof checksum);
  const auto forests = antra::pipeline::ParseCompiledForests(bytes, fingerprint, {});
  if (!forests) return 0;
  for (const auto& forest : *forests) {
    cv::Mat rows(3, forest.var_count(), CV_32F);
    cv::randu(rows, -2.0, 2.0);
    std::vector<float> out;
    if (!forest.Predict(rows, out) || out.size() != 3) __builtin_trap();
  }
  return 0;
}
