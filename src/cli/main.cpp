#include <csignal>
#include <iostream>
#include <map>

#include <opencv2/core/utils/logger.hpp>

#include "cli/command.h"
#include "core/allocator.h"
#include "core/version.h"

int main(int argc, char** argv) {
  // OpenCV's codec warnings would break the one-line-per-file error contract.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  // Past a file-size limit the kernel would kill the process mid-run with
  // SIGXFSZ; ignored, the write fails with EFBIG and is reported like a full disk.
  std::signal(SIGXFSZ, SIG_IGN);
  // Frame buffers stay in the heap from frame to frame (core/allocator.h).
  antra::KeepFrameBuffersInHeap();
  CLI::App app{"Antra: finds, outlines and measures ovarian follicles on transvaginal ultrasound"};
  app.set_version_flag("--version", std::string("antra ") + antra::kVersion);
  app.require_subcommand(1);

  std::map<CLI::App*, antra::cli::CommandRunner> runners;
  auto add = [&](antra::cli::CommandRunner (*reg)(CLI::App&)) {
    const size_t before = app.get_subcommands({}).size();
    auto runner = reg(app);
    runners[app.get_subcommands({})[before]] = std::move(runner);
  };
  add(antra::cli::RegisterInfoCommand);
  add(antra::cli::RegisterFramesCommand);
  add(antra::cli::RegisterExportCommand);
  add(antra::cli::RegisterReportCommand);
  add(antra::cli::RegisterStudyCommand);
  add(antra::cli::RegisterReviewCommand);
  add(antra::cli::RegisterEvalCommand);
  add(antra::cli::RegisterAnalyzeCommand);
  add(antra::cli::RegisterBatchCommand);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : antra::cli::kExitUsage;
  }
  for (auto* sub : app.get_subcommands()) {
    auto it = runners.find(sub);
    if (it == runners.end()) continue;
    try {
      return it->second();
    } catch (const std::exception& e) {
      // A broken invariant inside the library: say so plainly, never abort silently.
      std::cerr << "antra: internal error: " << e.what() << "\n";
      return 3;
    }
  }
  return antra::cli::kExitUsage;
}
