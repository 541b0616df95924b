// antra-view: the review viewer. Usage in docs/viewer.md; `antra-view --help`.

#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>

#include "core/allocator.h"
#include "core/version.h"
#include "viewer/gui/app.h"

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  // Analysis workers reuse frame buffers from frame to frame, as in `antra` (core/allocator.h).
  antra::KeepFrameBuffersInHeap();
  CLI::App cli{"antra-view: review ultrasound follicle measurements (Antra)"};
  cli.set_version_flag("--version", std::string("antra-view ") + antra::kVersion);
  antra::viewer::gui::AppOptions options;
  std::string window_size;
  cli.add_option("paths", options.paths, "DICOM or PNG/JPEG files, or a folder, to open");
  cli.add_option("--analysis", options.analysis_file,
                 "saved `antra analyze` result (JSON) for the first file; default: FILE.analysis.json beside it")
      ->check(CLI::ExistingFile);
  bool no_auto_analysis = false;
  cli.add_flag("--no-auto-analysis", no_auto_analysis,
               "show only saved analyses; do not run the pipeline on images that have none");
  auto* preset = cli.add_option("--preset", options.preset, "pipeline preset (models/NAME.json)");
  cli.add_option("--params", options.params, "pipeline options file (JSON)")->check(CLI::ExistingFile)->excludes(preset);
  cli.add_option("--results", options.results_dir,
                 "a study's results folder (antra study / antra batch): review its visits from a worklist")
      ->check(CLI::ExistingDirectory);
  cli.add_option("--mapping", options.mapping, "subjects.csv: show subject IDs for opened images (the treatment arm is never shown)")
      ->check(CLI::ExistingFile);
  cli.add_option("--reviewer", options.reviewer, "your name, recorded with every visit edit and the sign-off");
  cli.add_option("--review-dir", options.review_dir,
                 "folder for saved reviews (Ctrl+S); default: FILE.review.json beside each image");
  cli.add_option("--script", options.script_file, "replay user actions from FILE (docs/viewer-script.md), then exit");
  cli.add_option("--screenshot", options.screenshot,
                 "when the image is loaded and analysed (and the script has run), write the window as PNG, then exit");
  cli.add_option("--benchmark-frames", options.benchmark_frames,
                 "after loading, draw N frames (cine advancing every frame) and print frame times as JSON")
      ->check(CLI::Range(1, 1000000));
  cli.add_option("--window-size", window_size, "window size WIDTHxHEIGHT (default 1400x900)");
  cli.add_option("--mm-per-pixel", options.mm_per_pixel, "pixel size for images without calibration")
      ->check(CLI::PositiveNumber);
  cli.add_option("--cache-mb", options.cache_mb, "memory for decoded frames (default 1024)")->check(CLI::Range(16, 65536));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  options.run_pipeline = !no_auto_analysis;
  if (!window_size.empty()) {
    int w = 0, h = 0;
    char x = 0;
    std::istringstream in(window_size);
    if (!(in >> w >> x >> h) || x != 'x' || w < 320 || h < 240 || w > 16384 || h > 16384) {
      std::cerr << "antra-view: error: --window-size: expected WIDTHxHEIGHT, at least 320x240\n";
      return 2;
    }
    options.window_width = w;
    options.window_height = h;
  }
  return antra::viewer::gui::RunApp(options);
}
