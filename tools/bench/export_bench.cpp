// Speed of the study results path: writing visit folders and exporting them.
//   build/tools/bench/antra-export-bench [--benchmark_filter=...]
// A study of 60 participants x 12 visits, each visit with a 60-frame sweep
// and a still per ovary and 12 follicles per ovary (720 visits, about 17 000
// follicle rows), built in code.

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "export/export_data.h"
#include "export/sql_export.h"
#include "study/visit_store.h"

namespace antra {
namespace {

namespace fs = std::filesystem;

constexpr int kSubjects = 60, kVisits = 12, kFolliclesPerOvary = 12;

Calibration Regions() {
  UltrasoundRegion r;
  r.spatial_format = 1;
  r.data_type = 1;
  r.max_x1 = 799;
  r.max_y1 = 599;
  r.units_x = r.units_y = 3;
  r.physical_delta_x = r.physical_delta_y = 0.01;
  std::vector<UltrasoundRegion> regions{r};
  ValidateRegions(regions, 800, 600);
  return Calibration::FromRegions(regions, "bench");
}

ScanInput Scan(const std::string& uid, Side side, int frames, std::mt19937& rng) {
  ScanInput s;
  s.info.sop_class_uid = frames > 1 ? "1.2.840.10008.5.1.4.1.1.3.1" : "1.2.840.10008.5.1.4.1.1.6.1";
  s.info.sop_instance_uid = uid;
  s.info.study_date = "20260105";
  s.info.width = 800;
  s.info.height = 600;
  s.info.frame_count = frames;
  s.info.calibration = Regions();
  s.file_sha256 = std::string(64, 'a');
  s.side = {side, SideSource::kHeader};
  ImageAnalysis a;
  a.sop_instance_uid = uid;
  a.frame_count = frames;
  a.calibration = s.info.calibration;
  std::uniform_real_distribution<double> mm(1.5, 14.0), pos(100, 500);
  FrameAnalysis frame;
  frame.ovary = OvaryMeasurement{};
  frame.ovary->long_mm = 30;
  frame.ovary->short_mm = 20;
  a.frames.push_back(frame);
  for (int i = 0; i < kFolliclesPerOvary; ++i) {
    FollicleMeasurement m;
    const double d = mm(rng);
    m.long_mm = d + 0.5;
    m.short_mm = d - 0.5;
    m.center_px = {pos(rng), pos(rng)};
    m.long_axis = {{m.center_px.x - 20, m.center_px.y}, {m.center_px.x + 20, m.center_px.y}};
    m.short_axis = {{m.center_px.x, m.center_px.y - 15}, {m.center_px.x, m.center_px.y + 15}};
    if (frames > 1) {
      CineFollicle c;
      c.id = i + 1;
      c.best_frame = i % frames;
      c.at_best_frame = m;
      a.cine_follicles.push_back(c);
    } else {
      Follicle f;
      static_cast<FollicleMeasurement&>(f) = m;
      a.frames[0].follicles.push_back(f);
    }
  }
  s.analysis = a;
  return s;
}

VisitResult Visit(int subject, int visit, std::mt19937& rng) {
  VisitBuildInput in;
  char id[16];
  std::snprintf(id, sizeof id, "S%03d", subject);
  in.subject_id = id;
  in.visit_number = visit;
  in.baseline = *Date::Parse("20260105");
  const std::string base = "1.2.826.0.1.3680043.10.99." + std::to_string(subject) + "." + std::to_string(visit) + ".";
  in.scans = {Scan(base + "1", Side::kLeft, 60, rng), Scan(base + "2", Side::kLeft, 1, rng),
              Scan(base + "3", Side::kRight, 60, rng), Scan(base + "4", Side::kRight, 1, rng)};
  return BuildAutomaticVisit(in);
}

fs::path StudyFolder() {
  static const fs::path root = [] {
    const fs::path dir = fs::temp_directory_path() / ("antra-export-bench-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::mt19937 rng(1);
    ResultsStore store(dir);
    for (int s = 1; s <= kSubjects; ++s) {
      for (int v = 0; v < kVisits; ++v) {
        if (!store.SaveAutomatic(Visit(s, v, rng), {}, "bench").ok()) std::abort();
      }
    }
    return dir;
  }();
  return root;
}

void BM_BuildAndSaveVisit(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / ("antra-save-bench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ResultsStore store(dir);
  std::mt19937 rng(2);
  int n = 0;
  for (auto _ : state) {
    auto visit = Visit(1 + n / 1000, n % 1000, rng);
    ++n;
    benchmark::DoNotOptimize(store.SaveAutomatic(std::move(visit), {}, "bench").ok());
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BuildAndSaveVisit)->Unit(benchmark::kMillisecond);

void BM_CollectExportData(benchmark::State& state) {
  const fs::path root = StudyFolder();
  for (auto _ : state) {
    auto data = CollectExportData(root, {});
    if (!data) state.SkipWithError(data.error().message.c_str());
    benchmark::DoNotOptimize(data);
  }
  state.counters["visits"] = kSubjects * kVisits;
}
BENCHMARK(BM_CollectExportData)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SqliteFirstExport(benchmark::State& state) {
  auto data = *CollectExportData(StudyFolder(), {});
  const fs::path db = StudyFolder() / "first.sqlite";
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(db);
    auto sqlite = OpenSqlite(db);
    state.ResumeTiming();
    auto stats = ExportToSql(**sqlite, data);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
  }
  state.counters["follicle_rows"] = static_cast<double>(data.follicles.size());
}
BENCHMARK(BM_SqliteFirstExport)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_SqliteUnchangedReexport(benchmark::State& state) {
  auto data = *CollectExportData(StudyFolder(), {});
  const fs::path db = StudyFolder() / "again.sqlite";
  fs::remove(db);
  auto sqlite = OpenSqlite(db);
  if (!ExportToSql(**sqlite, data)) std::abort();
  for (auto _ : state) {
    auto stats = ExportToSql(**sqlite, data);
    if (!stats || stats->unchanged != kSubjects * kVisits) state.SkipWithError("re-export changed something");
  }
}
BENCHMARK(BM_SqliteUnchangedReexport)->Unit(benchmark::kMillisecond)->Iterations(5);

// Needs ANTRA_BENCH_POSTGRES_URL (e.g. from tools/test-postgres.sh start DIR).
void BM_PostgresFirstExport(benchmark::State& state) {
  const char* url = std::getenv("ANTRA_BENCH_POSTGRES_URL");
  if (!url) {
    state.SkipWithError("ANTRA_BENCH_POSTGRES_URL not set");
    for (auto _ : state) {
    }
    return;
  }
  auto data = *CollectExportData(StudyFolder(), {});
  auto db = OpenPostgres(url);
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    for (auto _ : state) {
    }
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    if (!(*db)->Execute("DROP TABLE IF EXISTS follicles, ovaries, source_images, visits, subjects, antra_meta", {})) {
      state.SkipWithError("cannot reset the database");
    }
    state.ResumeTiming();
    auto stats = ExportToSql(**db, data);
    if (!stats) state.SkipWithError(stats.error().message.c_str());
  }
  state.counters["follicle_rows"] = static_cast<double>(data.follicles.size());
}
BENCHMARK(BM_PostgresFirstExport)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace antra

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(antra::StudyFolder(), ec);
  return 0;
}
