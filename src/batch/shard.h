#pragma once
// `--shard I/N`: which part of an archive one machine processes. Numbered as
// a Kubernetes Indexed Job's completion index and a Slurm array 0-(N-1) are.
// The split is by visit (subject + visit number), never by file, so every scan
// of a visit lands on the same machine and the visit is built once.
//
// The assignment is a pure function of the subject ID and visit number
// (FNV-1a, 64 bit, of "<subject>/<visit>", modulo N): it does not depend on
// which files exist, where the archive is mounted, or how many visits there
// are, so shards agree without talking to each other. Files that fit no visit
// (unreadable headers, unmapped patients) are reported by the shard their
// archive-relative path hashes to, so each is reported exactly once.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace antra {

struct ShardSpec {
  int index = 0;
  int count = 1;
  bool sharded() const { return count > 1; }
  Status Check() const;  // 0 <= index < count <= 10000
  std::string ToString() const;  // "I/N"
};

// "I/N" with decimal integers, e.g. "3/8".
Result<ShardSpec> ParseShard(std::string_view text);

std::uint64_t Fnv1a64(std::string_view bytes);

// 0..count-1 for a visit.
int ShardOfVisit(const std::string& subject_id, int visit_number, int count);

// 0..count-1 for a file that fits no visit; `relative_path` is its path
// inside the archive (generic form, '/' separators).
int ShardOfFile(const std::filesystem::path& relative_path, int count);

}  // namespace antra
