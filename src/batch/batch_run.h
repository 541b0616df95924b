#pragma once
// `antra batch` as a library call: an archive folder in, per-visit result
// folders, errors.csv and a study database out. Unattended, parallel,
// resumable, and shardable over machines.
//
//   1. discover DICOM files by content (batch/discovery.h), skip the rest;
//   2. read every file's headers in parallel (no pixels);
//   3. plan subjects and visits (study/study_index.h), pick this shard's visits;
//   4. SHA-256 of this shard's files, then plan again so that copies of one
//      image are resolved by hash exactly as `antra study` does;
//   5. save the subject key and scan paths (merged under a lock);
//   6. analyse the files in parallel, `jobs` workers, each single-threaded
//      inside (OpenCV set to one thread), reusing cached analyses whose file
//      hash and configuration are unchanged (batch/analysis_cache.h); as soon
//      as all files of a visit are done, a worker builds and saves the visit
//      through the study library under the sign-off rule;
//   7. write errors.csv, then export this shard's visits to the database.
//
// Memory holds headers and small per-file state only: frames are decoded one
// at a time inside the pipeline, analyses go to the cache as soon as they are
// made and are read back one visit at a time.
//
// Output does not depend on `jobs` or on how often a run was interrupted: every
// file is written atomically, a visit is saved only when all its files are
// done, visit.json is written last, and an interrupted save is completed (not
// recorded twice) by the next run. Timestamps: the "time" field of audit.jsonl
// lines (and `signed_at` of reviewer sign-offs) are the only clock values in
// the results.

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "batch/shard.h"
#include "core/result.h"
#include "export/export_target.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "study/study_run.h"
#include "study/subjects.h"

namespace antra {

struct BatchOptions {
  int jobs = 0;  // workers; 0 = one per core
  ShardSpec shard;
  pipeline::AnalyzeOptions analyze;
  OpenOptions open;
  StudyOptions study;
  bool key_images = true;
  bool reuse_analyses = true;             // false: analyse every file again (`--reanalyse`)
  std::optional<ExportTarget> database;   // exported after the run; nothing = no export
  std::string who = "antra batch";        // names the run in audit trails
  std::FILE* progress = nullptr;          // progress bar or lines (usually stderr); null = quiet
  int progress_interactive = -1;          // -1: a bar when `progress` is a terminal
  Status Check() const;
};

struct BatchError {
  std::string file;    // the path as found in the archive, or SUBJECT/visit-NN for a visit
  std::string reason;  // one line; never holds the PatientID, name or birth date
  auto operator<=>(const BatchError&) const = default;
};

struct BatchSummary {
  int dicom_files = 0;       // found by content in the whole archive
  int other_files = 0;       // skipped: not DICOM
  int dicomdirs = 0;
  int visits_in_archive = 0;
  int files_in_shard = 0;    // this shard's files that fit a visit, copies included
  int duplicate_copies = 0;  // of those, extra copies of an image already counted
  int analysed = 0;          // analysed in this run
  int reused = 0;            // taken from the cache
  long frames_in_shard = 0;  // frames of the images this shard counts
  long frames_analysed = 0;  // frames decoded and analysed in this run
  int stale_files_removed = 0;  // temporaries of an earlier, killed run
  std::vector<VisitOutcome> visits;  // this shard's, sorted
  std::vector<BatchError> errors;    // sorted; what errors.csv lists
  std::vector<std::string> warnings; // discovery: unreadable folders, broken DICOMDIR entries
  std::filesystem::path errors_csv;
  std::vector<std::string> export_lines;
  std::optional<Error> export_error;
  double scan_seconds = 0, hash_seconds = 0, analysis_seconds = 0, export_seconds = 0;
  bool ok() const { return errors.empty() && !export_error; }
};

// RESULTS/errors.csv, or errors-shard-I-of-N.csv for a shard (shards may share
// one results folder).
std::string ErrorsCsvName(const ShardSpec& shard);

// errors.csv text: header "file,reason", rows sorted, RFC 4180, CRLF.
std::string ErrorsCsvText(const std::vector<BatchError>& errors);

// A reason with the patient's ID, name parts and birth date replaced by "***"
// (decoder messages are not supposed to quote them; this makes sure).
std::string ScrubIdentity(std::string reason, const PatientIdentity& identity);

// `mapping` may be null without --shard (Antra assigns subject IDs). A sharded
// run needs a mapping that gives every subject a BaselineDate, so that visit
// numbers never depend on which machine saw which scan. Fails only when the
// archive or the results folder cannot be used; per-file problems are listed
// in the summary and in errors.csv.
Result<BatchSummary> RunBatch(const std::filesystem::path& archive, const std::filesystem::path& results_root,
                              const SubjectMapping* mapping, const BatchOptions& options);

}  // namespace antra
