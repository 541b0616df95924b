#include "export/sql_export.h"

#include <map>
#include <set>

namespace antra {

namespace {

const char* const kSchema[] = {
    "CREATE TABLE IF NOT EXISTS antra_meta ("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL)",

    "CREATE TABLE IF NOT EXISTS subjects ("
    " subject_id TEXT PRIMARY KEY,"
    " arm TEXT)",

    "CREATE TABLE IF NOT EXISTS visits ("
    " subject_id TEXT NOT NULL REFERENCES subjects (subject_id),"
    " visit INTEGER NOT NULL,"
    " visit_label TEXT NOT NULL,"
    " baseline_date TEXT NOT NULL,"
    " target_date TEXT NOT NULL,"
    " scan_dates TEXT NOT NULL,"
    " calibrated INTEGER NOT NULL,"
    " total_afc INTEGER,"
    " largest_follicle_mm DOUBLE PRECISION,"
    " review_status TEXT NOT NULL,"
    " reviewer TEXT,"
    " signed_at TEXT,"
    " revision INTEGER NOT NULL,"
    " software_version TEXT NOT NULL,"
    " parameters_hashes TEXT NOT NULL,"
    " content_sha256 TEXT NOT NULL,"
    " PRIMARY KEY (subject_id, visit))",

    "CREATE TABLE IF NOT EXISTS ovaries ("
    " subject_id TEXT NOT NULL,"
    " visit INTEGER NOT NULL,"
    " side TEXT NOT NULL CHECK (side IN ('left', 'right')),"
    " status TEXT NOT NULL CHECK (status IN ('measured', 'not-visualised', 'not-scanned')),"
    " status_source TEXT NOT NULL,"
    " afc INTEGER,"
    " count_under_2 INTEGER,"
    " count_2_to_under_6 INTEGER,"
    " count_6_to_10 INTEGER,"
    " count_over_10 INTEGER,"
    " largest_follicle_mm DOUBLE PRECISION,"
    " counting_scan_uid TEXT,"
    " counting_basis TEXT NOT NULL,"
    " afc_from_single_frame INTEGER NOT NULL,"
    " length_mm DOUBLE PRECISION,"
    " width_mm DOUBLE PRECISION,"
    " height_mm DOUBLE PRECISION,"
    " volume_ml DOUBLE PRECISION,"
    " follicle_count INTEGER NOT NULL,"
    " PRIMARY KEY (subject_id, visit, side),"
    " FOREIGN KEY (subject_id, visit) REFERENCES visits (subject_id, visit))",

    "CREATE TABLE IF NOT EXISTS follicles ("
    " subject_id TEXT NOT NULL,"
    " visit INTEGER NOT NULL,"
    " side TEXT NOT NULL,"
    " follicle_id TEXT NOT NULL,"
    " sop_instance_uid TEXT NOT NULL,"
    " frame INTEGER NOT NULL,"
    " long_mm DOUBLE PRECISION NOT NULL,"
    " short_mm DOUBLE PRECISION NOT NULL,"
    " mean_mm DOUBLE PRECISION NOT NULL,"
    " size_bin TEXT NOT NULL,"
    " counted_in_afc INTEGER NOT NULL,"
    " origin TEXT NOT NULL CHECK (origin IN ('automatic', 'edited', 'added')),"
    " PRIMARY KEY (subject_id, visit, side, follicle_id),"
    " FOREIGN KEY (subject_id, visit, side) REFERENCES ovaries (subject_id, visit, side))",

    "CREATE TABLE IF NOT EXISTS source_images ("
    " subject_id TEXT NOT NULL,"
    " visit INTEGER NOT NULL,"
    " sop_instance_uid TEXT NOT NULL,"
    " study_instance_uid TEXT NOT NULL,"
    " series_instance_uid TEXT NOT NULL,"
    " file_sha256 TEXT NOT NULL,"
    " study_date TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " frames INTEGER NOT NULL,"
    " side TEXT NOT NULL,"
    " side_source TEXT NOT NULL,"
    " calibrated INTEGER NOT NULL,"
    " analysed INTEGER NOT NULL,"
    " counting_for TEXT,"
    " PRIMARY KEY (subject_id, visit, sop_instance_uid),"
    " FOREIGN KEY (subject_id, visit) REFERENCES visits (subject_id, visit))",

    // The visit's audit trail, so monitors see who changed and signed off what
    // without the results folder.
    "CREATE TABLE IF NOT EXISTS review_events ("
    " subject_id TEXT NOT NULL,"
    " visit INTEGER NOT NULL,"
    " seq INTEGER NOT NULL,"
    " event_time TEXT NOT NULL,"
    " who TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " revision INTEGER NOT NULL,"
    " before_json TEXT NOT NULL,"
    " after_json TEXT NOT NULL,"
    " PRIMARY KEY (subject_id, visit, seq),"
    " FOREIGN KEY (subject_id, visit) REFERENCES visits (subject_id, visit))",
};

using VisitKey = std::pair<std::string, int>;

Status DeleteVisit(SqlDatabase& db, const VisitKey& key) {
  // Children first: the foreign keys have no cascade, so nothing disappears
  // without a statement saying so.
  for (const char* table : {"review_events", "follicles", "ovaries", "source_images", "visits"}) {
    const std::string sql = std::string("DELETE FROM ") + table + " WHERE subject_id = ?1 AND visit = ?2";
    if (Status s = db.Execute(sql, {SqlText(key.first), SqlInt(key.second)}); !s) return s;
  }
  return Status::Ok();
}

Status InsertVisit(SqlDatabase& db, const VisitRow& v) {
  return db.Execute(
      "INSERT INTO visits (subject_id, visit, visit_label, baseline_date, target_date, scan_dates, calibrated,"
      " total_afc, largest_follicle_mm, review_status, reviewer, signed_at, revision, software_version,"
      " parameters_hashes, content_sha256)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
      {SqlText(v.subject_id), SqlInt(v.visit), SqlText(v.visit_label), SqlText(v.baseline_date),
       SqlText(v.target_date), SqlText(v.scan_dates), SqlBool(v.calibrated), SqlOptional(v.total_afc),
       SqlOptional(v.largest_follicle_mm), SqlText(v.review_status), SqlTextOrNull(v.reviewer),
       SqlTextOrNull(v.signed_at), SqlInt(v.revision), SqlText(v.software_version), SqlText(v.parameters_hashes),
       SqlText(v.content_sha256)});
}

Status InsertOvary(SqlDatabase& db, const OvaryRow& o) {
  return db.Execute(
      "INSERT INTO ovaries (subject_id, visit, side, status, status_source, afc, count_under_2, count_2_to_under_6,"
      " count_6_to_10, count_over_10, largest_follicle_mm, counting_scan_uid, counting_basis, afc_from_single_frame,"
      " length_mm, width_mm, height_mm, volume_ml, follicle_count)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
      {SqlText(o.subject_id), SqlInt(o.visit), SqlText(o.side), SqlText(o.status), SqlText(o.status_source),
       SqlOptional(o.afc), SqlOptional(o.count_under_2), SqlOptional(o.count_2_to_under_6),
       SqlOptional(o.count_6_to_10), SqlOptional(o.count_over_10), SqlOptional(o.largest_follicle_mm),
       SqlTextOrNull(o.counting_scan_uid), SqlText(o.counting_basis), SqlBool(o.afc_from_single_frame),
       SqlOptional(o.length_mm), SqlOptional(o.width_mm), SqlOptional(o.height_mm), SqlOptional(o.volume_ml),
       SqlInt(o.follicle_count)});
}

Status InsertFollicle(SqlDatabase& db, const FollicleRow& f) {
  return db.Execute(
      "INSERT INTO follicles (subject_id, visit, side, follicle_id, sop_instance_uid, frame, long_mm, short_mm,"
      " mean_mm, size_bin, counted_in_afc, origin)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
      {SqlText(f.subject_id), SqlInt(f.visit), SqlText(f.side), SqlText(f.follicle_id), SqlText(f.sop_instance_uid),
       SqlInt(f.frame), SqlReal(f.long_mm), SqlReal(f.short_mm), SqlReal(f.mean_mm), SqlText(f.size_bin),
       SqlBool(f.counted_in_afc), SqlText(f.origin)});
}

Status InsertImage(SqlDatabase& db, const ImageRow& i) {
  return db.Execute(
      "INSERT INTO source_images (subject_id, visit, sop_instance_uid, study_instance_uid, series_instance_uid,"
      " file_sha256, study_date, kind, frames, side, side_source, calibrated, analysed, counting_for)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
      {SqlText(i.subject_id), SqlInt(i.visit), SqlText(i.sop_instance_uid), SqlText(i.study_instance_uid),
       SqlText(i.series_instance_uid), SqlText(i.file_sha256), SqlText(i.study_date), SqlText(i.kind),
       SqlInt(i.frames), SqlText(i.side), SqlText(i.side_source), SqlBool(i.calibrated), SqlBool(i.analysed),
       SqlTextOrNull(i.counting_for)});
}

Status InsertEvent(SqlDatabase& db, const ReviewEventRow& e) {
  return db.Execute(
      "INSERT INTO review_events (subject_id, visit, seq, event_time, who, action, target, reason, revision,"
      " before_json, after_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
      {SqlText(e.subject_id), SqlInt(e.visit), SqlInt(e.seq), SqlText(e.time), SqlText(e.who), SqlText(e.action),
       SqlText(e.target), SqlText(e.reason), SqlInt(e.revision), SqlText(e.before_json), SqlText(e.after_json)});
}

template <typename Row>
std::map<VisitKey, std::vector<const Row*>> ByVisit(const std::vector<Row>& rows) {
  std::map<VisitKey, std::vector<const Row*>> out;
  for (const auto& r : rows) out[{r.subject_id, r.visit}].push_back(&r);
  return out;
}

Status SyncSubjects(SqlDatabase& db, const ExportData& data, bool remove_unused, SqlExportStats& stats) {
  auto existing = db.Query("SELECT subject_id, arm FROM subjects");
  if (!existing) return existing.error();
  std::map<std::string, std::optional<std::string>> current;
  for (const auto& row : *existing) current[*row[0]] = row[1];
  std::set<std::string> wanted;
  for (const auto& s : data.subjects) {
    wanted.insert(s.subject_id);
    if (remove_unused) continue;
    auto it = current.find(s.subject_id);
    const SqlValue arm = s.arm ? SqlText(*s.arm) : SqlNull();
    if (it == current.end()) {
      if (Status st = db.Execute("INSERT INTO subjects (subject_id, arm) VALUES (?1, ?2)", {SqlText(s.subject_id), arm}); !st) return st;
      ++stats.subjects_changed;
    } else if (it->second != s.arm) {
      if (Status st = db.Execute("UPDATE subjects SET arm = ?2 WHERE subject_id = ?1", {SqlText(s.subject_id), arm}); !st) return st;
      ++stats.subjects_changed;
    }
  }
  if (!remove_unused) return Status::Ok();
  for (const auto& [id, arm] : current) {
    if (wanted.count(id)) continue;
    if (data.owns_visit) {
      // A scoped export sees only its own visits: a subject stays while any
      // visit (another shard's) still names it.
      auto visits = db.Query("SELECT 1 FROM visits WHERE subject_id = ?1 LIMIT 1", {SqlText(id)});
      if (!visits) return visits.error();
      if (!visits->empty()) continue;
    }
    if (Status st = db.Execute("DELETE FROM subjects WHERE subject_id = ?1", {SqlText(id)}); !st) return st;
    ++stats.subjects_changed;
  }
  return Status::Ok();
}

Result<SqlExportStats> SyncAll(SqlDatabase& db, const ExportData& data) {
  SqlExportStats stats;
  if (Status s = EnsureSchema(db); !s) return s.error();
  if (Status s = SyncSubjects(db, data, /*remove_unused=*/false, stats); !s) return s.error();

  auto existing = db.Query("SELECT subject_id, visit, content_sha256 FROM visits");
  if (!existing) return existing.error();
  std::map<VisitKey, std::string> in_db;
  for (const auto& row : *existing) in_db[{*row[0], std::stoi(*row[1])}] = *row[2];

  const auto ovaries = ByVisit(data.ovaries);
  const auto follicles = ByVisit(data.follicles);
  const auto images = ByVisit(data.images);
  const auto events = ByVisit(data.review_events);
  std::set<VisitKey> exported;
  for (const auto& v : data.visits) {
    const VisitKey key{v.subject_id, v.visit};
    exported.insert(key);
    auto it = in_db.find(key);
    if (it != in_db.end() && it->second == v.content_sha256) {
      ++stats.unchanged;
      continue;
    }
    if (it != in_db.end()) {
      if (Status s = DeleteVisit(db, key); !s) return s.error();
      ++stats.replaced;
    } else {
      ++stats.inserted;
    }
    if (Status s = InsertVisit(db, v); !s) return s.error();
    if (auto o = ovaries.find(key); o != ovaries.end()) {
      for (const auto* row : o->second) {
        if (Status s = InsertOvary(db, *row); !s) return s.error();
      }
    }
    if (auto f = follicles.find(key); f != follicles.end()) {
      for (const auto* row : f->second) {
        if (Status s = InsertFollicle(db, *row); !s) return s.error();
      }
    }
    if (auto i = images.find(key); i != images.end()) {
      for (const auto* row : i->second) {
        if (Status s = InsertImage(db, *row); !s) return s.error();
      }
    }
    if (auto e = events.find(key); e != events.end()) {
      for (const auto* row : e->second) {
        if (Status s = InsertEvent(db, *row); !s) return s.error();
      }
    }
  }
  for (const auto& [key, hash] : in_db) {
    if (exported.count(key)) continue;
    if (data.owns_visit && !data.owns_visit(key.first, key.second)) continue;  // another shard's visit
    if (Status s = DeleteVisit(db, key); !s) return s.error();
    ++stats.deleted;
  }
  if (Status s = SyncSubjects(db, data, /*remove_unused=*/true, stats); !s) return s.error();
  return stats;
}

}  // namespace

Status EnsureSchema(SqlDatabase& db) {
  for (const char* ddl : kSchema) {
    if (Status s = db.Execute(ddl); !s) return s;
  }
  auto version = db.Query("SELECT value FROM antra_meta WHERE key = ?1", {SqlText("schema_version")});
  if (!version) return version.error();
  if (version->empty()) {
    return db.Execute("INSERT INTO antra_meta (key, value) VALUES (?1, ?2)",
                      {SqlText("schema_version"), SqlText(std::to_string(kDatabaseSchemaVersion))});
  }
  if ((*version)[0][0] == "1") {
    // Version 1 had no review_events (created above): forget the visits'
    // hashes, so this export replaces each visit once and fills its trail in.
    if (Status s = db.Execute("UPDATE visits SET content_sha256 = ''"); !s) return s;
    return db.Execute("UPDATE antra_meta SET value = ?2 WHERE key = ?1",
                      {SqlText("schema_version"), SqlText(std::to_string(kDatabaseSchemaVersion))});
  }
  if ((*version)[0][0] != std::to_string(kDatabaseSchemaVersion)) {
    return MakeError(ErrorCode::kUnsupported, "database schema version " + (*version)[0][0].value_or("?") +
                                                  " is not " + std::to_string(kDatabaseSchemaVersion) +
                                                  " (this Antra); nothing was changed");
  }
  return Status::Ok();
}

Result<SqlExportStats> ExportToSql(SqlDatabase& db, const ExportData& data) {
  if (Status s = db.Begin(); !s) return s.error();
  auto stats = SyncAll(db, data);
  if (!stats) {
    db.Rollback();
    return stats.error();
  }
  if (Status s = db.Commit(); !s) {
    db.Rollback();
    return s.error();
  }
  return stats;
}

}  // namespace antra
