// The batch's building blocks: shard assignment, the worker pool, errors.csv,
// identity scrubbing, the file lock and the analysis cache.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "batch/analysis_cache.h"
#include "batch/analysis_fingerprint.h"
#include "batch/batch_run.h"
#include "batch/results_lock.h"
#include "batch/shard.h"
#include "batch/worker_pool.h"
#include "core/atomic_file.h"
#include "study/sha256.h"
#include "support/test_support.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

TEST(ShardTest, ParsesIndexAndCount) {
  auto s = ParseShard("3/8");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->index, 3);
  EXPECT_EQ(s->count, 8);
  EXPECT_TRUE(s->sharded());
  EXPECT_FALSE(ParseShard("0/1")->sharded());
  for (const char* bad : {"", "3", "8/8", "-1/4", "1/0", "a/b", "1/4x", "1 /4", "1/100000"}) {
    EXPECT_FALSE(ParseShard(bad)) << bad;
  }
}

TEST(ShardTest, VisitAssignmentIsStableInRangeAndBalanced) {
  // The function is part of the contract (machines must agree without
  // talking): pin it with known values.
  EXPECT_EQ(Fnv1a64(""), 14695981039346656037ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  std::map<int, int> per_shard;
  for (int subject = 0; subject < 200; ++subject) {
    for (int visit = 0; visit < 10; ++visit) {
      const int shard = ShardOfVisit("SITE1-" + std::to_string(subject), visit, 4);
      ASSERT_GE(shard, 0);
      ASSERT_LT(shard, 4);
      EXPECT_EQ(shard, ShardOfVisit("SITE1-" + std::to_string(subject), visit, 4));
      ++per_shard[shard];
    }
  }
  for (const auto& [shard, n] : per_shard) EXPECT_NEAR(n, 500, 75) << "shard " << shard;
  EXPECT_EQ(ShardOfVisit("S001", 3, 1), 0);
  // Files that fit no visit go by archive-relative path, whatever the mount point.
  EXPECT_EQ(ShardOfFile("a/b/IM1", 7), ShardOfFile(fs::path("a") / "b" / "IM1", 7));
}

TEST(WorkerPoolTest, EveryItemRunsExactlyOnceForAnyJobCount) {
  for (int jobs : {1, 2, 7}) {
    std::vector<std::atomic<int>> runs(100);
    ParallelFor(runs.size(), jobs, [&](size_t i) { ++runs[i]; });
    for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i], 1) << "item " << i << " with " << jobs << " jobs";
  }
  ParallelFor(0, 4, [](size_t) { FAIL() << "no items, no calls"; });
}

TEST(WorkerPoolTest, ABrokenInvariantStopsThePoolAndIsRethrown) {
  // Later items wait for the throw and then take a millisecond each, so the
  // other worker cannot finish all 1000 in the moment between the throw and
  // the pool noticing it (the bare version of this test was flaky under load).
  std::atomic<int> started{0};
  std::atomic<bool> thrown{false};
  EXPECT_THROW(ParallelFor(1000, 2,
                           [&](size_t i) {
                             ++started;
                             if (i == 3) {
                               thrown = true;
                               throw std::logic_error("broken");
                             }
                             if (i > 3) {
                               while (!thrown) std::this_thread::yield();
                               std::this_thread::sleep_for(std::chrono::milliseconds(1));
                             }
                           }),
               std::logic_error);
  EXPECT_LT(started, 100);
}

TEST(ErrorsCsvTest, SortedEscapedAndSafeInSpreadsheets) {
  const std::string text = ErrorsCsvText({{"b/IM2", "truncated: pixel data ends early"},
                                          {"a/x,y \"z\"", "corrupt"},
                                          {"=cmd|x", "not DICOM"}});
  EXPECT_EQ(text,
            "file,reason\r\n"
            "'=cmd|x,not DICOM\r\n"
            "\"a/x,y \"\"z\"\"\",corrupt\r\n"
            "b/IM2,truncated: pixel data ends early\r\n");
  EXPECT_EQ(ErrorsCsvText({}), "file,reason\r\n");
  EXPECT_EQ(ErrorsCsvName({}), "errors.csv");
  EXPECT_EQ(ErrorsCsvName({1, 4}), "errors-shard-1-of-4.csv");
}

TEST(ErrorsCsvTest, ReasonsNeverCarryTheIdentity) {
  const PatientIdentity who{"HOSP-7731", "Quillfeather^Rosamund^^Dr", "19810317"};
  EXPECT_EQ(ScrubIdentity("frame 2 of HOSP-7731 (Quillfeather Rosamund, 19810317): corrupt", who),
            "frame 2 of *** (*** ***, ***): corrupt");
  EXPECT_EQ(ScrubIdentity("corrupt", PatientIdentity{}), "corrupt");
}

TEST(ResultsLockTest, ExclusiveLockIsRefusedWhileAnotherHolderSharesIt) {
  test::TempDir dir("batch-lock");
  auto shared = FileLock::Acquire(dir / "private" / ".private.lock", FileLock::Mode::kShared);
  ASSERT_TRUE(shared);
  auto exclusive = FileLock::TryAcquire(dir / "private" / ".private.lock", FileLock::Mode::kExclusive);
  ASSERT_TRUE(exclusive);
  EXPECT_FALSE(exclusive->has_value());
  auto second_shared = FileLock::TryAcquire(dir / "private" / ".private.lock", FileLock::Mode::kShared);
  ASSERT_TRUE(second_shared);
  EXPECT_TRUE(second_shared->has_value());
}

ImageAnalysis SmallAnalysis() {
  ImageAnalysis a;
  a.software_version = "test";
  a.path = "/archive/Quillfeather/IM1";
  a.sop_instance_uid = "1.2.3.4";
  a.width = 64;
  a.height = 48;
  a.frame_count = 1;
  a.calibration = Calibration::Uncalibrated("no regions");
  a.frames.push_back(FrameAnalysis{});
  return a;
}

TEST(AnalysisCacheTest, RoundTripWithoutPathAndFailuresToo) {
  test::TempDir dir("batch-cache");
  AnalysisCache cache(dir / "cache", "0123456789abcdef");
  const std::string sha(64, 'a');
  EXPECT_FALSE(cache.Load(sha));
  ASSERT_TRUE(cache.StoreAnalysis(sha, SmallAnalysis()));
  auto loaded = cache.Load(sha);
  ASSERT_TRUE(loaded && loaded->analysis);
  EXPECT_EQ(loaded->analysis->sop_instance_uid, "1.2.3.4");
  EXPECT_TRUE(loaded->analysis->path.empty()) << "entries are shared by copies and never hold a path";
  EXPECT_EQ(test::ReadBytes(cache.EntryPath(sha)).find("Quillfeather"), std::string::npos);

  // Another configuration never sees this entry.
  EXPECT_FALSE(AnalysisCache(dir / "cache", "fedcba9876543210").Load(sha));

  const std::string bad(64, 'b');
  ASSERT_TRUE(cache.StoreFailure(bad, Error{ErrorCode::kTruncated, "pixel data ends early"}));
  auto failure = cache.Load(bad);
  ASSERT_TRUE(failure && failure->failure);
  EXPECT_EQ(failure->failure->code, ErrorCode::kTruncated);
  EXPECT_EQ(failure->failure->message, "pixel data ends early");

  // A damaged entry (disk trouble, a person) is a miss, not an error.
  test::WriteBytes(cache.EntryPath(sha), "{\"schema\": \"antra-batch-cache/1\", trunc");
  EXPECT_FALSE(cache.Load(sha));
  EXPECT_TRUE(AnalysisCache::IsDeterministic(ErrorCode::kCorrupt));
  EXPECT_FALSE(AnalysisCache::IsDeterministic(ErrorCode::kIo));
}

TEST(AnalysisCacheTest, ConfigKeyChangesWithEverySettingThatChangesResults) {
  pipeline::AnalyzeOptions analyze;
  analyze.pipeline.ovary_map.model = "";  // no model file needed for this test
  analyze.pipeline.candidate_model.model = "";
  analyze.pipeline.candidate_model.context_model = "";
  OpenOptions open;
  auto base = AnalysisConfigKey(analyze, open);
  ASSERT_TRUE(base) << base.error().message;
  EXPECT_EQ(base->size(), 16u);
  EXPECT_EQ(*base, *AnalysisConfigKey(analyze, open));
  std::set<std::string> keys{*base};
  auto changed = analyze;
  changed.detect_ruler = false;
  keys.insert(*AnalysisConfigKey(changed, open));
  changed = analyze;
  changed.pipeline.despeckle.median_mm += 0.1;
  keys.insert(*AnalysisConfigKey(changed, open));
  changed = analyze;
  changed.frame = 2;
  keys.insert(*AnalysisConfigKey(changed, open));
  auto forced = open;
  forced.mm_per_pixel = 0.1;
  keys.insert(*AnalysisConfigKey(analyze, forced));
  EXPECT_EQ(keys.size(), 5u);

  // Each model counts: retrained under the same name, other results; a
  // missing one is an error, not a key without it.
  test::TempDir dir("batch-model");
  changed = analyze;
  auto expect_model_counts = [&](std::string& slot, const std::string& name) {
    const auto path = dir / (name + ".yml");
    slot = path.string();
    test::WriteBytes(path, name + " 1");
    const auto first = AnalysisConfigKey(changed, open);
    test::WriteBytes(path, name + " retrained");
    const auto retrained = AnalysisConfigKey(changed, open);
    ASSERT_TRUE(first && retrained);
    EXPECT_NE(*first, *retrained);
    slot = (dir / ("missing-" + name + ".yml")).string();
    EXPECT_FALSE(AnalysisConfigKey(changed, open));
    slot = path.string();  // kept for the next model's checks
  };
  expect_model_counts(changed.pipeline.ovary_map.model, "ovary");
  expect_model_counts(changed.pipeline.candidate_model.model, "judge");
  expect_model_counts(changed.pipeline.candidate_model.context_model, "context");
}

// The build's fingerprint of the analysis code is the one of the source tree
// it was built from: recomputed here as cmake/AnalysisFingerprint.cmake does,
// over the files src/batch/CMakeLists.txt names. Fails when the build did not
// regenerate it after an edit, or when the two disagree on which files count.
TEST(AnalysisCacheTest, SourceFingerprintMatchesTheSourceTree) {
  const fs::path root = ANTRA_SOURCE_DIR;
  std::vector<std::string> files;
  for (const char* module : {"core", "dicom", "io", "cine", "pipeline"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / "src" / module)) {
      if (!entry.is_regular_file()) continue;
      const fs::path& path = entry.path();
      const std::string ext = path.extension().string();
      if (ext == ".cpp" || ext == ".h" || ext == ".in" || path.filename() == "CMakeLists.txt") {
        files.push_back(path.lexically_relative(root).generic_string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::string lines;
  for (const auto& relative : files) {
    auto hash = FileSha256(root / relative);
    ASSERT_TRUE(hash) << relative << ": " << hash.error().message;
    lines += relative + " " + *hash + "\n";
  }
  EXPECT_EQ(int(files.size()), kAnalysisSourceFileCount);
  EXPECT_EQ(Sha256Hex(lines), kAnalysisSourceSha256)
      << "the build's fingerprint of the analysis code is stale: rebuild (src/batch/CMakeLists.txt)";
}

}  // namespace
}  // namespace antra
