#pragma once
// SHA-256 of files and strings (OpenSSL EVP), as lowercase hex. Every source
// image in a visit is recorded with its file hash so a number in the study
// database can be traced to the exact bytes it came from.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace antra {

Result<std::string> FileSha256(const std::filesystem::path& path);
std::string Sha256Hex(std::string_view bytes);

}  // namespace antra
