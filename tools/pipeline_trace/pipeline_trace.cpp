// antra-pipeline-trace: runs the per-frame pipeline on frame 0 of each file
// named on the command line (calibration resolved as `antra analyze` does:
// the file's own, else the depth ruler) and prints, at full precision, what it
// decided: every follicle (outline, calipers, sizes, confidence), every
// candidate the judge saw (its feature vector and probability), every
// rejected outline with its reason, and the ovary. Two builds' outputs are
// diffed to show that a speed change left the results alone:
//
//   antra-pipeline-trace FILE... > trace.txt
//
// With --timings N (first argument) it prints instead, per file, the mean
// wall time of each stage over N runs (after one warm-up run): where a frame's
// time goes, for profiling. Wall time: run it on an idle core.
//
// Exit status: 0, or 1 when a file could not be opened or decoded (the error
// is printed in the trace as well, so a diff shows it too).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "core/allocator.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "pipeline/pipeline.h"

namespace {

using namespace antra;

void PrintPoints(const char* what, const std::vector<cv::Point>& points) {
  std::printf("  %s %zu:", what, points.size());
  for (const auto& p : points) std::printf(" %d,%d", p.x, p.y);
  std::printf("\n");
}

void PrintPoints(const char* what, const std::vector<cv::Point2d>& points) {
  std::printf("  %s %zu:", what, points.size());
  for (const auto& p : points) std::printf(" %.17g,%.17g", p.x, p.y);
  std::printf("\n");
}

void PrintOptional(const char* what, const std::optional<double>& v) {
  if (v) std::printf(" %s=%.17g", what, *v);
  else std::printf(" %s=none", what);
}

void PrintFeatures(const pipeline::CandidateFeatures& f) {
  std::printf("  features %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
              f.diameter_mm, f.solidity, f.axis_ratio, f.lumen, f.ring, f.tissue, f.contrast, f.darkness,
              f.border_fraction, f.posterior_ratio, f.edge_rays, f.lumen_spread, f.wall_ratio, f.surround_darkness);
}

void PrintAnalysis(const FrameAnalysis& result, const pipeline::FrameTrace& trace) {
  for (const auto& note : result.notes) std::printf("note %s\n", note.c_str());
  std::printf("grid %dx%d %.17g\n", trace.grid.size.width, trace.grid.size.height, trace.grid.mm_per_px);
  for (const auto& f : result.follicles) {
    std::printf("follicle %d center %.17g,%.17g area %.17g confidence %.17g", f.id, f.center_px.x, f.center_px.y,
                f.area_px, f.confidence);
    PrintOptional("long", f.long_mm);
    PrintOptional("short", f.short_mm);
    PrintOptional("mean", f.mean_mm);
    std::printf("\n");
    PrintPoints("contour", f.contour_px);
  }
  for (const auto& f : trace.accepted_features) PrintFeatures(f);
  for (const auto& j : trace.judged) {
    std::printf("judged %.17g,%.17g p=%.17g accepted=%d vector", j.center_px.x, j.center_px.y, j.probability,
                int(j.accepted));
    for (int k = 0; k < j.vector.cols; ++k) std::printf(" %.9g", double(j.vector.at<float>(0, k)));
    std::printf("\n");
  }
  for (const auto& r : trace.rejected) {
    std::printf("rejected %s\n", r.reason.c_str());
    PrintPoints("outline", r.outline_px);
    PrintFeatures(r.features);
  }
  if (result.ovary) {
    std::printf("ovary confidence %.17g", result.ovary->confidence);
    PrintOptional("long", result.ovary->long_mm);
    PrintOptional("short", result.ovary->short_mm);
    std::printf("\n");
    PrintPoints("contour", result.ovary->contour_px);
  }
  if (result.counts) {
    std::printf("counts");
    for (int n : {result.counts->under_2, result.counts->from_2_to_6, result.counts->from_6_to_10,
                  result.counts->over_10}) {
      std::printf(" %d", n);
    }
    std::printf("\n");
  }
  std::printf("probability-map sum %.17g\n", trace.ovary_probability.empty() ? 0.0 : cv::sum(trace.ovary_probability)[0]);
}

void PrintTimings(const Frame& frame, const Calibration& calibration, const pipeline::FramePipeline& frame_pipeline,
                  int runs) {
  std::vector<std::pair<std::string, double>> total;
  for (int run = 0; run <= runs; ++run) {
    pipeline::FrameTrace trace;
    (void)frame_pipeline.Analyze(frame, calibration, &trace);
    if (run == 0) {  // warm-up
      for (const auto& [stage, ms] : trace.stage_ms) total.emplace_back(stage, 0.0);
      continue;
    }
    for (size_t k = 0; k < total.size() && k < trace.stage_ms.size(); ++k) total[k].second += trace.stage_ms[k].second;
  }
  double sum = 0;
  for (const auto& [stage, ms] : total) sum += ms / runs;
  for (const auto& [stage, ms] : total) {
    std::printf("  %-24s %7.2f ms %5.1f %%\n", stage.c_str(), ms / runs, sum > 0 ? 100.0 * ms / runs / sum : 0.0);
  }
  std::printf("  %-24s %7.2f ms\n", "total", sum);
}

bool TraceFile(const std::string& path, const pipeline::FramePipeline& frame_pipeline, int timing_runs) {
  std::printf("== %s\n", path.c_str());
  auto source = OpenImage(path);
  if (!source) {
    std::printf("error %s\n", source.error().message.c_str());
    return false;
  }
  auto frame = (*source)->ReadFrame(0);
  if (!frame) {
    std::printf("error %s\n", frame.error().message.c_str());
    return false;
  }
  const Calibration calibration = pipeline::ResolveCalibration((*source)->info(), *frame, pipeline::AnalyzeOptions{});
  if (timing_runs > 0) {
    PrintTimings(*frame, calibration, frame_pipeline, timing_runs);
    return true;
  }
  pipeline::FrameTrace trace;
  const FrameAnalysis result = frame_pipeline.Analyze(*frame, calibration, &trace);
  PrintAnalysis(result, trace);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  antra::KeepFrameBuffersInHeap();  // as the antra CLI does (core/allocator.h)
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  cv::setNumThreads(1);
  auto frame_pipeline = pipeline::FramePipeline::Create(pipeline::PipelineOptions{});
  if (!frame_pipeline) {
    std::fprintf(stderr, "antra-pipeline-trace: %s\n", frame_pipeline.error().message.c_str());
    return 2;
  }
  int first = 1, timing_runs = 0;
  if (argc >= 3 && std::string(argv[1]) == "--timings") {
    timing_runs = std::max(1, std::atoi(argv[2]));
    first = 3;
  }
  bool ok = true;
  for (int i = first; i < argc; ++i) ok &= TraceFile(argv[i], *frame_pipeline, timing_runs);
  return ok ? 0 : 1;
}
