#pragma once
// Runs antra-view the way CI does: under xvfb-run (a virtual X server) with
// Mesa's software OpenGL, with a script of user actions.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>

namespace antra::test {

struct ViewerRun {
  int exit_code = -1;
  std::string out, err;
};

std::filesystem::path ViewerBinary();
bool XvfbAvailable();

// `antra-view ARGS...` in `work_dir` (which receives its stdout/stderr files).
ViewerRun RunViewer(const std::vector<std::string>& args, const std::filesystem::path& work_dir);
// Writes `script` to work_dir/script.txt and runs `antra-view ARGS... --script script.txt`.
ViewerRun RunViewerScript(const std::string& script, const std::vector<std::string>& args,
                          const std::filesystem::path& work_dir);

nlohmann::json ReadJsonFile(const std::filesystem::path& path);
cv::Mat ReadPngRgb(const std::filesystem::path& path);

// Screen position of an image pixel in a dump-state JSON (its view).
cv::Point2d ScreenOf(const nlohmann::json& state, cv::Point2d image_point);

}  // namespace antra::test
