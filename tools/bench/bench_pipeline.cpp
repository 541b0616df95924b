// antra-bench-pipeline: time of the whole per-frame pipeline (Google Benchmark).
//
//   build/tools/bench/antra-bench-pipeline --benchmark_repetitions=5
//
// Frames: a synthetic 800 x 600 speckle frame with follicles (always), and,
// when ../shared is present, a real 800 x 600 DICOM frame and a real JPEG
// screen. OpenCV runs on one thread (cv::setNumThreads(1)) so that the time is
// one core's. Peak resident memory of the process is reported as a counter.

#include <sys/resource.h>

#include <cmath>
#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgproc.hpp>

#include "core/allocator.h"
#include "io/open_image.h"
#include "pipeline/pipeline.h"

namespace {

using namespace antra;

// Speckle-like texture (Rayleigh amplitude, log-compressed) with dark ellipses.
Frame SyntheticFrame(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.f, 1.f);
  cv::Mat re(height / 2, width / 2, CV_32F), im(height / 2, width / 2, CV_32F);
  for (int y = 0; y < re.rows; ++y) {
    for (int x = 0; x < re.cols; ++x) re.at<float>(y, x) = gauss(rng), im.at<float>(y, x) = gauss(rng);
  }
  cv::Mat echo = cv::Mat::ones(height, width, CV_32F);
  const cv::Point centres[] = {{300, 250}, {360, 260}, {420, 320}, {500, 280}, {330, 350}};
  const int radii[] = {30, 22, 40, 15, 12};
  for (int i = 0; i < 5; ++i) cv::circle(echo, centres[i], radii[i], 0.03, cv::FILLED);
  cv::resize(re, re, echo.size(), 0, 0, cv::INTER_CUBIC);
  cv::resize(im, im, echo.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat amplitude;
  cv::magnitude(re, im, amplitude);
  amplitude = amplitude.mul(echo) + 0.01;
  cv::Mat db;
  cv::log(amplitude, db);
  Frame f;
  db.convertTo(f.luma, CV_8U, 255.0 / std::log(1000.0), 200.0);
  return f;
}

void RunPipeline(benchmark::State& state, const Frame& frame, const Calibration& calibration) {
  cv::setNumThreads(1);
  auto pipeline = pipeline::FramePipeline::Create(pipeline::PipelineOptions{});
  if (!pipeline) {
    state.SkipWithError(pipeline.error().message.c_str());
    return;
  }
  size_t follicles = 0;
  for (auto _ : state) {
    const FrameAnalysis result = pipeline->Analyze(frame, calibration);
    follicles = result.follicles.size();
    benchmark::DoNotOptimize(follicles);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["follicles"] = double(follicles);
  state.counters["peak_rss_MiB"] = double(usage.ru_maxrss) / 1024.0;
  state.SetLabel(std::to_string(frame.luma.cols) + "x" + std::to_string(frame.luma.rows));
}

void BM_SyntheticFrame800x600(benchmark::State& state) {
  const Frame frame = SyntheticFrame(800, 600, 7);
  RunPipeline(state, frame, Calibration::Global(CalibrationSource::kUser, {0.15, 0.15}, 1.0, "benchmark"));
}
BENCHMARK(BM_SyntheticFrame800x600)->Unit(benchmark::kMillisecond);

std::filesystem::path Shared() { return std::filesystem::path(ANTRA_SOURCE_DIR).parent_path() / "shared"; }

void RunFile(benchmark::State& state, const std::filesystem::path& path) {
  auto source = OpenImage(path);
  if (!source) {
    state.SkipWithError(("cannot open " + path.string() + " (../shared absent?)").c_str());
    return;
  }
  auto frame = (*source)->ReadFrame(0);
  if (!frame) {
    state.SkipWithError(frame.error().message.c_str());
    return;
  }
  RunPipeline(state, *frame, (*source)->info().calibration);
}

void BM_RealDicom800x600(benchmark::State& state) {
  RunFile(state, Shared() / "dicom-samples" / "orthanc_Implicit-vr-us-palette.dcm");
}
BENCHMARK(BM_RealDicom800x600)->Unit(benchmark::kMillisecond);

void BM_RealScreen959x528(benchmark::State& state) {
  auto path = Shared() / "real-samples" / "mmotu-normal-ovary" / "images" / "1002.JPG";
  auto source = OpenImage(path, {.mm_per_pixel = 0.1302});
  if (!source) {
    state.SkipWithError("../shared absent");
    return;
  }
  auto frame = (*source)->ReadFrame(0);
  RunPipeline(state, *frame, (*source)->info().calibration);
}
BENCHMARK(BM_RealScreen959x528)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  antra::KeepFrameBuffersInHeap();  // as the antra CLI does (core/allocator.h)
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
