#include "batch/batch_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include <opencv2/core/utility.hpp>

#include "batch/analysis_cache.h"
#include "batch/discovery.h"
#include "batch/progress.h"
#include "batch/results_lock.h"
#include "batch/worker_pool.h"
#include "core/atomic_file.h"
#include "study/csv.h"
#include "study/sha256.h"

namespace antra {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// OpenCV's own thread pool set to one thread for the life of the run: the
// batch parallelises over files, and a worker that fanned out over every core
// would make `--jobs` meaningless. Restored afterwards for library callers.
class SingleThreadedOpenCv {
 public:
  SingleThreadedOpenCv() : previous_(cv::getNumThreads()) { cv::setNumThreads(1); }
  ~SingleThreadedOpenCv() { cv::setNumThreads(previous_); }
  SingleThreadedOpenCv(const SingleThreadedOpenCv&) = delete;
  SingleThreadedOpenCv& operator=(const SingleThreadedOpenCv&) = delete;

 private:
  int previous_;
};

std::unique_ptr<ProgressReporter> Progress(const BatchOptions& options, const std::string& what, size_t total) {
  if (!options.progress || total == 0) return nullptr;
  return std::make_unique<ProgressReporter>(options.progress, what, static_cast<int>(total),
                                            options.progress_interactive);
}

// Everything the run knows about one discovered file.
struct FileState {
  fs::path path;
  fs::path relative;  // inside the archive, for shard assignment of misfits
  int owner = 0;      // shard that reports this file's problems
  bool hash_wanted = false;
};

bool IsUnder(const fs::path& path, const fs::path& folder) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  const fs::path f = fs::weakly_canonical(folder, ec);
  auto pi = p.begin();
  for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi) {
    if (fi->empty()) continue;  // trailing separator
    if (pi == p.end() || *pi != *fi) return false;
  }
  return true;
}

// Temporaries of writers on this machine that were killed (an earlier run,
// a crashed viewer) are removed; live writers' and other machines' are left.
void RemoveLeftovers(const fs::path& results_root, BatchSummary& summary) {
  summary.stale_files_removed = RemoveStaleTemporaries(results_root);
}

// Step 2: headers of every file, in parallel. Index-aligned with `paths`.
std::vector<std::optional<ScannedFile>> ReadHeaders(const std::vector<fs::path>& paths, const BatchOptions& options,
                                                    int jobs, std::vector<std::optional<Error>>& failures) {
  std::vector<std::optional<ScannedFile>> scanned(paths.size());
  failures.assign(paths.size(), std::nullopt);
  auto progress = Progress(options, "reading headers", paths.size());
  ParallelFor(paths.size(), jobs, [&](size_t i) {
    auto source = OpenImage(paths[i], options.open);
    if (source) {
      scanned[i] = ScannedFile{paths[i], (*source)->info(), (*source)->identity(), ""};
    } else {
      failures[i] = source.error();
    }
    if (progress) progress->Advance(1, source ? 0 : 1);
  });
  return scanned;
}

// Which shard reports each file: the shard of its visit (copies of an image
// follow the copy the plan kept), else the shard of its archive-relative path.
void AssignOwners(const StudyPlan& plan, const std::vector<ScannedFile>& files, const std::vector<size_t>& state_of,
                  const ShardSpec& shard, std::vector<FileState>& states) {
  std::map<std::string, int> owner_of_uid;
  for (const auto& [ref, scans] : plan.visits) {
    const int owner = ShardOfVisit(ref.subject_id, ref.visit_number, shard.count);
    for (const auto& scan : scans) owner_of_uid[files[scan.file].info.sop_instance_uid] = owner;
  }
  std::map<std::string, int> copies;
  for (const auto& f : files) ++copies[f.info.sop_instance_uid];
  for (size_t i = 0; i < files.size(); ++i) {
    FileState& state = states[state_of[i]];
    auto it = owner_of_uid.find(files[i].info.sop_instance_uid);
    state.owner = it != owner_of_uid.end() ? it->second : ShardOfFile(state.relative, shard.count);
    // Copies of one image are hashed by every shard, so all shards resolve
    // them alike (copies are rare; the rest is hashed by its owner only).
    const bool copy = !files[i].info.sop_instance_uid.empty() && copies[files[i].info.sop_instance_uid] > 1;
    state.hash_wanted = it != owner_of_uid.end() && (state.owner == shard.index || copy);
  }
}

void AddError(BatchSummary& summary, std::mutex& mutex, std::string file, std::string reason) {
  std::lock_guard lock(mutex);
  summary.errors.push_back({std::move(file), std::move(reason)});
}

Status SavePrivateFiles(const fs::path& results_root, const StudyPlan& plan, const std::vector<ScannedFile>& files,
                        const std::vector<VisitRef>& my_visits) {
  // Shards may share the folder: read, merge and write under one lock.
  auto lock = FileLock::Acquire(results_root / "private" / ".private.lock", FileLock::Mode::kExclusive);
  if (!lock) return lock.error();
  const fs::path key_path = SubjectKey::PathUnder(results_root);
  auto key = SubjectKey::Load(key_path);
  if (!key) return MakeError(key.error().code, "subject key: " + key.error().message);
  for (const auto& entry : plan.key.entries()) key->Put(entry);
  if (Status s = key->Save(key_path); !s) return s;
  std::vector<ScannedFile> kept;
  for (const auto& ref : my_visits) {
    for (const auto& scan : plan.visits.at(ref)) kept.push_back(files[scan.file]);
  }
  return SaveScanPaths(results_root, kept);
}

// Step 6: one task per image of this shard's visits, in visit order; the
// worker that finishes a visit's last image builds and saves the visit.
class AnalysisStage {
 public:
  AnalysisStage(const BatchOptions& options, const StudyPlan& plan, const std::vector<ScannedFile>& files,
                std::vector<VisitRef> visits, const AnalysisCache& cache, ResultsStore& store, BatchSummary& summary,
                std::mutex& errors_mutex)
      : options_(options), plan_(plan), files_(files), visits_(std::move(visits)), cache_(cache), store_(store),
        summary_(summary), errors_mutex_(errors_mutex) {
    run_options_.study = options.study;
    run_options_.open = options.open;
    run_options_.who = options.who;
    run_options_.key_images = options.key_images;
    for (size_t v = 0; v < visits_.size(); ++v) {
      for (const auto& scan : plan_.visits.at(visits_[v])) tasks_.push_back({v, scan.file});
    }
    remaining_ = std::make_unique<std::atomic<int>[]>(visits_.size());
    for (size_t v = 0; v < visits_.size(); ++v) {
      remaining_[v] = static_cast<int>(plan_.visits.at(visits_[v]).size());
    }
    analysed_ok_ = std::make_unique<std::atomic<bool>[]>(files_.size());
    for (size_t i = 0; i < files_.size(); ++i) analysed_ok_[i] = false;
  }

  void Run(int jobs) {
    progress_ = Progress(options_, "analysing", tasks_.size());
    ParallelFor(tasks_.size(), jobs, [&](size_t t) {
      const Task& task = tasks_[t];
      AnalyseFile(task.file);
      if (--remaining_[task.visit] == 0) SaveVisit(task.visit);
    });
    if (progress_) progress_->Finish();
    std::sort(outcomes_.begin(), outcomes_.end(),
              [](const VisitOutcome& a, const VisitOutcome& b) { return a.visit < b.visit; });
    summary_.visits = std::move(outcomes_);
  }

  int analysed() const { return analysed_; }
  int reused() const { return reused_; }
  long frames() const { return frames_; }

 private:
  struct Task {
    size_t visit;
    size_t file;
  };

  void AnalyseFile(size_t index) {
    const ScannedFile& file = files_[index];
    if (options_.reuse_analyses) {
      if (auto cached = cache_.Load(file.file_sha256)) {
        if (cached->analysis && cached->analysis->sop_instance_uid == file.info.sop_instance_uid) {
          analysed_ok_[index] = true;
          ++reused_;
          if (progress_) progress_->Advance(1, 0, 0);
          return;
        }
        if (cached->failure) {
          Fail(file, *cached->failure);
          return;
        }
      }
    }
    auto source = OpenImage(file.path, options_.open);
    if (!source) {
      Fail(file, source.error());
      return;
    }
    auto analysis = pipeline::AnalyzeImage(**source, options_.analyze);
    if (!analysis) {
      if (AnalysisCache::IsDeterministic(analysis.error().code)) {
        (void)cache_.StoreFailure(file.file_sha256, analysis.error());  // a failed store only costs a retry
      }
      Fail(file, analysis.error());
      return;
    }
    const long frames = static_cast<long>(analysis->frames.size());
    if (Status s = cache_.StoreAnalysis(file.file_sha256, std::move(*analysis)); !s) {
      Fail(file, Error{s.error().code, "cannot store the analysis: " + s.error().message});
      return;
    }
    analysed_ok_[index] = true;
    ++analysed_;
    frames_ += frames;
    if (progress_) progress_->Advance(1, 0, frames);
  }

  void Fail(const ScannedFile& file, const Error& error) {
    AddError(summary_, errors_mutex_, file.path.string(), ScrubIdentity(error.message, file.identity));
    if (progress_) progress_->Advance(1, 1, 0);
  }

  void SaveVisit(size_t v) {
    const VisitRef& ref = visits_[v];
    // Analyses are read back from the cache, also when just made, so a visit
    // is built from the same bytes whether its images were analysed in this
    // run or in an earlier, interrupted one.
    AnalysisLookup lookup = [&](const ScannedFile& f) -> std::optional<ImageAnalysis> {
      const size_t index = static_cast<size_t>(&f - files_.data());
      if (index >= files_.size() || !analysed_ok_[index]) return std::nullopt;
      auto cached = cache_.Load(f.file_sha256);
      if (!cached || !cached->analysis) return std::nullopt;
      return std::move(cached->analysis);
    };
    auto outcome = BuildAndSaveVisit(plan_, ref, files_, run_options_, lookup, store_);
    if (!outcome) {
      AddError(summary_, errors_mutex_, ref.subject_id + "/" + ResultsStore::VisitFolderName(ref.visit_number),
               outcome.error().message);
      return;
    }
    std::lock_guard lock(outcomes_mutex_);
    outcomes_.push_back(std::move(*outcome));
  }

  const BatchOptions& options_;
  const StudyPlan& plan_;
  const std::vector<ScannedFile>& files_;
  std::vector<VisitRef> visits_;
  const AnalysisCache& cache_;
  ResultsStore& store_;
  BatchSummary& summary_;
  std::mutex& errors_mutex_;
  StudyRunOptions run_options_;
  std::vector<Task> tasks_;
  std::unique_ptr<std::atomic<int>[]> remaining_;
  std::unique_ptr<std::atomic<bool>[]> analysed_ok_;
  std::unique_ptr<ProgressReporter> progress_;
  std::vector<VisitOutcome> outcomes_;
  std::mutex outcomes_mutex_;
  std::atomic<int> analysed_{0}, reused_{0};  // images analysed now, taken from the cache
  std::atomic<long> frames_{0};               // frames analysed now
};

Status CheckMappingForShards(const SubjectMapping* mapping, const ShardSpec& shard) {
  if (!shard.sharded()) return Status::Ok();
  if (!mapping) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--shard needs --mapping with a BaselineDate for every subject (visit numbers must not depend on "
                     "which machine saw which scan)");
  }
  for (const auto& entry : mapping->entries()) {
    if (!entry.baseline) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--shard needs a BaselineDate for every subject in the mapping; " + entry.subject_id + " has none");
    }
  }
  return Status::Ok();
}

// One run, stage by stage; the state between stages lives here.
class BatchRun {
 public:
  explicit BatchRun(const BatchOptions& options)
      : options_(options), jobs_(options.jobs > 0 ? options.jobs : DefaultJobs()) {}

  Result<BatchSummary> Execute(const fs::path& archive, const fs::path& results_root, const SubjectMapping* mapping,
                               const std::string& config_key) {
    std::error_code ec;
    fs::create_directories(results_root / "private", ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create " + (results_root / "private").string() + ": " + ec.message());
    RemoveLeftovers(results_root, summary_);

    const auto scan_start = Clock::now();
    if (Status s = Discover(archive, results_root); !s) return s.error();
    ReadAllHeaders();
    summary_.scan_seconds = SecondsSince(scan_start);

    auto key = SubjectKey::Load(SubjectKey::PathUnder(results_root));
    if (!key) return MakeError(key.error().code, "subject key: " + key.error().message);
    const auto hash_start = Clock::now();
    auto plan = PlanWithHashes(mapping, std::move(*key));
    if (!plan) return plan.error();
    summary_.hash_seconds = SecondsSince(hash_start);
    const std::vector<VisitRef> my_visits = VisitsOfThisShard(*plan);
    // The subject key first: a visit folder must never exist without it.
    if (Status s = SavePrivateFiles(results_root, *plan, files_, my_visits); !s) return s.error();

    const auto analysis_start = Clock::now();
    AnalysisCache cache(AnalysisCache::FolderUnder(results_root), config_key);
    ResultsStore store(results_root);
    AnalysisStage stage(options_, *plan, files_, my_visits, cache, store, summary_, errors_mutex_);
    stage.Run(jobs_);
    summary_.analysed = stage.analysed();
    summary_.reused = stage.reused();
    summary_.frames_analysed = stage.frames();
    summary_.analysis_seconds = SecondsSince(analysis_start);

    if (Status s = WriteErrors(results_root); !s) return s.error();
    Export(results_root);
    return std::move(summary_);
  }

 private:
  // 1. DICOM files by content; the results folder is never part of the archive.
  Status Discover(const fs::path& archive, const fs::path& results_root) {
    auto discovered = DiscoverDicomFiles(archive);
    if (!discovered) return discovered.error();
    summary_.other_files = discovered->skipped_files;
    summary_.dicomdirs = discovered->dicomdirs;
    summary_.warnings = discovered->warnings;
    const fs::path archive_root = archive.lexically_normal();
    const bool results_inside_archive = IsUnder(results_root, archive);
    for (const auto& path : discovered->dicom_files) {
      if (results_inside_archive && IsUnder(path, results_root)) continue;
      states_.push_back({path, path.lexically_relative(archive_root), 0, false});
    }
    summary_.dicom_files = static_cast<int>(states_.size());
    return Status::Ok();
  }

  // 2. Headers of every file (every shard needs them to find the visits).
  void ReadAllHeaders() {
    std::vector<fs::path> paths;
    for (const auto& s : states_) paths.push_back(s.path);
    std::vector<std::optional<Error>> failures;
    auto headers = ReadHeaders(paths, options_, jobs_, failures);
    for (size_t i = 0; i < states_.size(); ++i) {
      if (headers[i]) {
        files_.push_back(std::move(*headers[i]));
        state_of_.push_back(i);
      } else if (ShardOfFile(states_[i].relative, options_.shard.count) == options_.shard.index) {
        AddError(summary_, errors_mutex_, states_[i].path.string(), failures[i]->message);
      }
    }
  }

  // 3 and 4. Plan on headers alone (which decides visits and owners), hash
  // this shard's files, and plan again so copies are resolved by hash.
  Result<StudyPlan> PlanWithHashes(const SubjectMapping* mapping, SubjectKey key) {
    {
      auto first_plan = PlanStudy(files_, mapping, key, options_.study);
      if (!first_plan) return first_plan.error();
      summary_.visits_in_archive = static_cast<int>(first_plan->visits.size());
      AssignOwners(*first_plan, files_, state_of_, options_.shard, states_);
    }
    HashOwnFiles();
    auto plan = PlanStudy(files_, mapping, std::move(key), options_.study);
    if (!plan) return plan.error();
    std::map<fs::path, size_t> state_by_path;
    for (size_t i = 0; i < files_.size(); ++i) state_by_path[files_[i].path] = state_of_[i];
    for (const auto& skipped : plan->skipped) {
      auto it = state_by_path.find(skipped.path);
      if (it != state_by_path.end() && states_[it->second].owner == options_.shard.index) {
        AddError(summary_, errors_mutex_, skipped.path.string(), skipped.reason);
      }
    }
    return plan;
  }

  void HashOwnFiles() {
    std::vector<size_t> to_hash;
    for (size_t i = 0; i < files_.size(); ++i) {
      if (states_[state_of_[i]].hash_wanted) to_hash.push_back(i);
    }
    std::vector<std::optional<Error>> failures(files_.size());
    {
      auto progress = Progress(options_, "hashing", to_hash.size());
      ParallelFor(to_hash.size(), jobs_, [&](size_t k) {
        const size_t i = to_hash[k];
        auto hash = FileSha256(files_[i].path);
        if (hash) files_[i].file_sha256 = std::move(*hash);
        else failures[i] = hash.error();
        if (progress) progress->Advance(1, hash ? 0 : 1);
      });
    }
    // A file that cannot be read now is left out of the plan (and reported).
    std::vector<ScannedFile> kept;
    std::vector<size_t> kept_state_of;
    for (size_t i = 0; i < files_.size(); ++i) {
      if (failures[i]) {
        if (states_[state_of_[i]].owner == options_.shard.index) {
          AddError(summary_, errors_mutex_, files_[i].path.string(), "cannot hash: " + failures[i]->message);
        }
        continue;
      }
      kept.push_back(std::move(files_[i]));
      kept_state_of.push_back(state_of_[i]);
    }
    files_ = std::move(kept);
    state_of_ = std::move(kept_state_of);
  }

  std::vector<VisitRef> VisitsOfThisShard(const StudyPlan& plan) {
    std::vector<VisitRef> visits;
    for (const auto& [ref, scans] : plan.visits) {
      if (ShardOfVisit(ref.subject_id, ref.visit_number, options_.shard.count) != options_.shard.index) continue;
      visits.push_back(ref);
      for (const auto& scan : scans) {
        summary_.files_in_shard += 1 + scan.duplicate_imports;
        summary_.duplicate_copies += scan.duplicate_imports;
        summary_.frames_in_shard += files_[scan.file].info.frame_count;
        if (files_[scan.file].file_sha256.empty()) {
          throw std::logic_error("batch: a file of this shard's visits was not hashed");
        }
      }
    }
    return visits;
  }

  // errors.csv is rewritten every run: it lists this run's failures.
  Status WriteErrors(const fs::path& results_root) {
    std::sort(summary_.errors.begin(), summary_.errors.end());
    summary_.errors.erase(std::unique(summary_.errors.begin(), summary_.errors.end()), summary_.errors.end());
    summary_.errors_csv = results_root / ErrorsCsvName(options_.shard);
    return WriteFileAtomically(summary_.errors_csv, ErrorsCsvText(summary_.errors));
  }

  // A shard exports only its own visits, so shards never delete each other's rows.
  void Export(const fs::path& results_root) {
    if (!options_.database) return;
    const auto export_start = Clock::now();
    ExportOptions export_options;
    if (options_.shard.sharded()) {
      export_options.owns_visit = [shard = options_.shard](const std::string& subject, int visit) {
        return ShardOfVisit(subject, visit, shard.count) == shard.index;
      };
    }
    auto lines = RunExport(results_root, *options_.database, export_options);
    if (lines) summary_.export_lines = std::move(*lines);
    else summary_.export_error = lines.error();
    summary_.export_seconds = SecondsSince(export_start);
  }

  const BatchOptions& options_;
  const int jobs_;
  BatchSummary summary_;
  std::mutex errors_mutex_;
  std::vector<FileState> states_;   // every discovered file
  std::vector<ScannedFile> files_;  // files with readable headers
  std::vector<size_t> state_of_;    // files_[i] is states_[state_of_[i]]
};

}  // namespace

Status BatchOptions::Check() const {
  if (jobs < 0 || jobs > 1024) return MakeError(ErrorCode::kInvalidArgument, "--jobs must be 1 to 1024 (0: one per core)");
  if (Status s = shard.Check(); !s) return s;
  if (Status s = analyze.Check(); !s) return s;
  if (Status s = open.Check(); !s) return s;
  if (Status s = study.Check(); !s) return s;
  if (who.empty()) return MakeError(ErrorCode::kInvalidArgument, "the run needs a name for the audit trail");
  return Status::Ok();
}

std::string ErrorsCsvName(const ShardSpec& shard) {
  if (!shard.sharded()) return "errors.csv";
  return "errors-shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".csv";
}

std::string ErrorsCsvText(const std::vector<BatchError>& errors) {
  std::vector<BatchError> sorted = errors;
  std::sort(sorted.begin(), sorted.end());
  std::string text = CsvLine({"file", "reason"});
  // Paths and reasons are not typed by people, but a file name starting with
  // "=" must still not become a spreadsheet formula.
  for (const auto& e : sorted) text += CsvLine({CsvTextField(e.file), CsvTextField(e.reason)});
  return text;
}

std::string ScrubIdentity(std::string reason, const PatientIdentity& identity) {
  std::vector<std::string> needles = {identity.patient_id, identity.birth_date};
  std::string part;
  for (const char c : identity.patient_name + "^") {
    if (c == '^' || c == ' ' || c == '=') {
      needles.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  for (const auto& needle : needles) {
    if (needle.size() < 2) continue;
    for (size_t at = reason.find(needle); at != std::string::npos; at = reason.find(needle, at + 3)) {
      reason.replace(at, needle.size(), "***");
    }
  }
  return reason;
}

Result<BatchSummary> RunBatch(const fs::path& archive, const fs::path& results_root, const SubjectMapping* mapping,
                              const BatchOptions& options) {
  if (Status s = options.Check(); !s) return s.error();
  if (Status s = CheckMappingForShards(mapping, options.shard); !s) return s.error();
  auto config_key = AnalysisConfigKey(options.analyze, options.open);
  if (!config_key) return config_key.error();
  const SingleThreadedOpenCv single_threaded;
  BatchRun run(options);
  return run.Execute(archive, results_root, mapping, *config_key);
}

}  // namespace antra
