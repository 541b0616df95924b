#pragma once
// `antra export RESULTS --to URL`: which exporter a URL names, and running it.
//   sqlite:PATH                      SQLite database (docs/database.md)
//   postgresql://user:pw@host/db     PostgreSQL (same schema)
//   redcap:PATH.csv                  REDCap import CSV + data dictionary beside it
//   sr:FOLDER                        one DICOM SR (TID 5000) per visit

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "export/export_data.h"

namespace antra {

enum class ExportKind { kSqlite, kPostgres, kRedcap, kStructuredReport };

struct ExportTarget {
  ExportKind kind = ExportKind::kSqlite;
  std::string location;  // path, folder or connection URL
  std::string Describe() const;  // for messages; never shows a password
};

Result<ExportTarget> ParseExportTarget(const std::string& url);

// Collects the results and exports them. Returns one line per fact worth
// printing ("3 visits inserted, 0 replaced, ..."). On failure nothing in the
// results folder has changed and the export can simply be run again.
Result<std::vector<std::string>> RunExport(const std::filesystem::path& results_root, const ExportTarget& target,
                                           const ExportOptions& options);

}  // namespace antra
