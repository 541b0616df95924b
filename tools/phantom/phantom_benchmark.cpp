// Speed of the phantom generator (Google Benchmark). The target: one 800x600
// still well under a second on the project's 2-core VM. Run:
//   build/tools/phantom/antra-phantom-benchmark
// Results go to BENCHMARKS.md.

#include <filesystem>

#include <benchmark/benchmark.h>

#include "phantom/generator.h"

namespace {

using antra::phantom::CaseSpec;
using antra::phantom::Difficulty;

CaseSpec Still(Difficulty d, std::uint64_t seed) {
  CaseSpec c;
  c.stem = "bench";
  c.scene.difficulty = d;
  c.scene.seed = seed;
  return c;
}

// Scene, beam simulation, truth and overlays of one 800x600 still.
void BM_GenerateStill(benchmark::State& state) {
  const auto d = static_cast<Difficulty>(state.range(0));
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto g = antra::phantom::GenerateCase(Still(d, seed++));
    benchmark::DoNotOptimize(g.rgb.front().data);
  }
  state.SetLabel(antra::phantom::ToString(d));
}
BENCHMARK(BM_GenerateStill)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// The same plus writing the DICOM (JPEG baseline, YBR) and the truth file.
void BM_GenerateAndWriteStill(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / "antra-phantom-benchmark";
  std::uint64_t seed = 1;
  for (auto _ : state) {
    CaseSpec c = Still(Difficulty::kMedium, seed++);
    c.encoding = antra::phantom::Encoding::kYbrFull422Jpeg;
    const auto g = antra::phantom::GenerateCase(c);
    if (!antra::phantom::WriteCase(g, c, dir).ok()) state.SkipWithError("write failed");
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_GenerateAndWriteStill)->Unit(benchmark::kMillisecond);

// One frame of a 640x480 cine sweep (24 frames per iteration).
void BM_GenerateSweepPerFrame(benchmark::State& state) {
  std::uint64_t seed = 1;
  for (auto _ : state) {
    CaseSpec c = Still(Difficulty::kMedium, seed++);
    c.scene.cine = true;
    c.scene.width = 640;
    c.scene.height = 480;
    c.frames = 24;
    auto g = antra::phantom::GenerateCase(c);
    benchmark::DoNotOptimize(g.rgb.back().data);
  }
  state.SetItemsProcessed(state.iterations() * 24);
}
BENCHMARK(BM_GenerateSweepPerFrame)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
