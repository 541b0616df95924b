#include "core/text_file.h"

#include <fstream>

namespace antra {

Result<std::string> ReadTextFile(const std::filesystem::path& path, const InputLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotFound, "no such file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kIo, ec.message());
  if (size > limits.max_text_file_bytes) {
    return MakeError(ErrorCode::kLimitExceeded,
                     "file is larger than " + std::to_string(limits.max_text_file_bytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "cannot open for reading");
  // Read at most one byte past the limit: the file may have grown since its
  // size was taken, and the bound must hold whatever it holds now.
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<size_t>(in.gcount()));
  char extra[4096];
  while (in.read(extra, sizeof extra) || in.gcount() > 0) {
    bytes.append(extra, static_cast<size_t>(in.gcount()));
    if (bytes.size() > limits.max_text_file_bytes) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "file is larger than " + std::to_string(limits.max_text_file_bytes >> 20) + " MiB");
    }
  }
  return bytes;
}

}  // namespace antra
