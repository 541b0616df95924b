// antra-cine-bench FILE: analyses one multi-frame file exactly as `antra
// analyze` does (decode, per-frame pipeline, cine linking) on one core and
// prints wall and CPU time (CPU time is what to compare on a shared, loaded
// machine) and the process's peak memory. Run it
// once per file in separate processes (tools/bench-cine.sh) so each peak is
// that file's own.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <opencv2/core.hpp>

#include "core/allocator.h"
#include "core/version.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long PeakRssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  antra::KeepFrameBuffersInHeap();  // as the antra CLI does (core/allocator.h)
  if (argc != 2) {
    std::fprintf(stderr, "usage: antra-cine-bench FILE\n");
    return 2;
  }
  cv::setNumThreads(1);  // one core, as the target says
  const auto start = std::chrono::steady_clock::now();
  auto source = antra::OpenImage(argv[1]);
  if (!source) {
    std::fprintf(stderr, "antra-cine-bench: %s: %s\n", argv[1], source.error().message.c_str());
    return 1;
  }
  antra::pipeline::AnalyzeOptions options;
  options.software_version = antra::kVersion;
  auto analysis = antra::pipeline::AnalyzeImage(**source, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!analysis) {
    std::fprintf(stderr, "antra-cine-bench: %s: %s\n", argv[1], analysis.error().message.c_str());
    return 1;
  }
  const int frames = static_cast<int>(analysis->frames.size());
  const double cpu = CpuSeconds();
  std::printf("%s: %dx%d, %d frames, wall %.3f s, CPU %.3f s (%.1f ms CPU/frame), %zu unique follicles, "
              "peak RSS %.1f MiB\n",
              argv[1], analysis->width, analysis->height, frames, seconds, cpu, 1000 * cpu / frames,
              analysis->cine_follicles.size(), PeakRssKiB() / 1024.0);
  return 0;
}
