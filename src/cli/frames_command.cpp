// antra frames FILE --out DIR [--frame N] [--luma]: decoded frames as PNG, for
// checking what Antra sees. Frames are decoded one at a time.

#include <iostream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/command.h"
#include "io/open_image.h"

namespace antra::cli {

namespace {

struct FramesOptions {
  std::string file;
  std::string out;
  std::optional<int> frame;
  bool luma = false;
};

int RunFrames(const FramesOptions& options) {
  auto source = OpenImage(options.file);
  if (!source) {
    ReportFileError(options.file, source.error().message);
    return kExitSomeFailed;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out, ec);
  if (ec) {
    ReportFileError(options.out, "cannot create folder: " + ec.message());
    return kExitSomeFailed;
  }
  const int count = (*source)->info().frame_count;
  const int first = options.frame.value_or(0);
  const int last = options.frame ? first : count - 1;
  const std::string stem = std::filesystem::path(options.file).stem().string();
  for (int i = first; i <= last; ++i) {
    auto frame = (*source)->ReadFrame(i);
    if (!frame) {
      ReportFileError(options.file, frame.error().message);
      return kExitSomeFailed;
    }
    cv::Mat out;
    if (options.luma) {
      out = frame->luma;
    } else {
      cv::cvtColor(frame->rgb, out, cv::COLOR_RGB2BGR);
    }
    char name[64];
    std::snprintf(name, sizeof name, "-%04d.png", i);
    const auto path = std::filesystem::path(options.out) / (stem + name);
    if (!cv::imwrite(path.string(), out)) {
      ReportFileError(path.string(), "cannot write PNG");
      return kExitSomeFailed;
    }
  }
  return kExitOk;
}

}  // namespace

CommandRunner RegisterFramesCommand(CLI::App& app) {
  auto options = std::make_shared<FramesOptions>();
  auto* cmd = app.add_subcommand("frames", "Write decoded frames as PNG files");
  cmd->add_option("file", options->file, "DICOM file or PNG/JPEG image")->required();
  cmd->add_option("--out", options->out, "Folder for <stem>-NNNN.png")->required();
  cmd->add_option("--frame", options->frame, "Only this frame (0-based)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--luma", options->luma, "Write the 8-bit luma used for analysis instead of RGB");
  return [options] { return RunFrames(*options); };
}

}  // namespace antra::cli
