#include "export/export_target.h"

#include "export/redcap_export.h"
#include "export/sql_export.h"
#include "export/sr_export.h"

namespace antra {

std::string ExportTarget::Describe() const {
  switch (kind) {
    case ExportKind::kSqlite: return "sqlite:" + location;
    case ExportKind::kPostgres: return RedactUrl(location);
    case ExportKind::kRedcap: return "redcap:" + location;
    case ExportKind::kStructuredReport: return "sr:" + location;
  }
  return location;
}

Result<ExportTarget> ParseExportTarget(const std::string& url) {
  auto starts = [&](const char* prefix) { return url.rfind(prefix, 0) == 0; };
  auto rest = [&](const char* prefix) { return url.substr(std::string(prefix).size()); };
  if (starts("postgresql://") || starts("postgres://")) return ExportTarget{ExportKind::kPostgres, url};
  for (const auto& [prefix, kind] : {std::pair{"sqlite:", ExportKind::kSqlite}, std::pair{"redcap:", ExportKind::kRedcap},
                                     std::pair{"sr:", ExportKind::kStructuredReport}}) {
    if (!starts(prefix)) continue;
    const std::string location = rest(prefix);
    if (location.empty()) return MakeError(ErrorCode::kInvalidArgument, std::string(prefix) + " needs a path");
    if (kind == ExportKind::kRedcap && std::filesystem::path(location).extension() != ".csv") {
      return MakeError(ErrorCode::kInvalidArgument, "redcap: path must end in .csv");
    }
    return ExportTarget{kind, location};
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown export target (use sqlite:PATH, postgresql://..., redcap:PATH.csv or sr:FOLDER)");
}

namespace {

std::vector<std::string> SqlSummary(const SqlExportStats& s) {
  return {std::to_string(s.inserted) + " visit(s) inserted, " + std::to_string(s.replaced) + " replaced, " +
          std::to_string(s.deleted) + " deleted, " + std::to_string(s.unchanged) + " unchanged; " +
          std::to_string(s.subjects_changed) + " subject row(s) changed"};
}

}  // namespace

Result<std::vector<std::string>> RunExport(const std::filesystem::path& results_root, const ExportTarget& target,
                                           const ExportOptions& options) {
  if (options.owns_visit && target.kind != ExportKind::kSqlite && target.kind != ExportKind::kPostgres) {
    // REDCap and SR files are regenerated whole: a partial export would drop the other visits.
    return MakeError(ErrorCode::kInvalidArgument, "an export of part of the visits needs a SQL database target");
  }
  auto data = CollectExportData(results_root, options);
  if (!data) return data.error();
  switch (target.kind) {
    case ExportKind::kSqlite:
    case ExportKind::kPostgres: {
      auto db = target.kind == ExportKind::kSqlite ? OpenSqlite(target.location) : OpenPostgres(target.location);
      if (!db) return db.error();
      auto stats = ExportToSql(**db, *data);
      if (!stats) return stats.error();
      return SqlSummary(*stats);
    }
    case ExportKind::kRedcap: {
      if (Status s = ExportToRedcap(*data, options.include_arm, target.location); !s) return s.error();
      return std::vector<std::string>{std::to_string(data->visits.size()) + " visit(s) and " +
                                      std::to_string(data->follicles.size()) + " follicle(s) written to " +
                                      target.location + " (dictionary: " +
                                      RedcapDictionaryPath(target.location).string() + ")"};
    }
    case ExportKind::kStructuredReport: {
      if (options.include_arm) {
        return MakeError(ErrorCode::kInvalidArgument, "the SR export never carries the treatment arm");
      }
      auto stats = ExportToSr(*data, target.location);
      if (!stats) return stats.error();
      return std::vector<std::string>{std::to_string(stats->written) + " SR file(s) written, " +
                                      std::to_string(stats->unchanged) + " unchanged, " +
                                      std::to_string(stats->removed) + " removed"};
    }
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown export target");
}

}  // namespace antra
