#include "batch/shard.h"

#include <charconv>

namespace antra {

namespace {

constexpr int kMaxShards = 10000;

bool ParseInt(std::string_view text, int& value) {
  if (text.empty() || text.size() > 6) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Status ShardSpec::Check() const {
  if (count < 1 || count > kMaxShards) {
    return MakeError(ErrorCode::kInvalidArgument, "shard count must be 1 to " + std::to_string(kMaxShards));
  }
  if (index < 0 || index >= count) {
    return MakeError(ErrorCode::kInvalidArgument, "shard index must be 0 to count-1 (got " + ToString() + ")");
  }
  return Status::Ok();
}

std::string ShardSpec::ToString() const { return std::to_string(index) + "/" + std::to_string(count); }

Result<ShardSpec> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  ShardSpec spec;
  if (slash == std::string_view::npos || !ParseInt(text.substr(0, slash), spec.index) ||
      !ParseInt(text.substr(slash + 1), spec.count)) {
    return MakeError(ErrorCode::kInvalidArgument, "--shard must be I/N, e.g. 0/4 (got '" + std::string(text) + "')");
  }
  if (Status s = spec.Check(); !s) return s.error();
  return spec;
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

int ShardOfVisit(const std::string& subject_id, int visit_number, int count) {
  if (count <= 1) return 0;
  return static_cast<int>(Fnv1a64(subject_id + "/" + std::to_string(visit_number)) % static_cast<std::uint64_t>(count));
}

int ShardOfFile(const std::filesystem::path& relative_path, int count) {
  if (count <= 1) return 0;
  return static_cast<int>(Fnv1a64(relative_path.generic_string()) % static_cast<std::uint64_t>(count));
}

}  // namespace antra
