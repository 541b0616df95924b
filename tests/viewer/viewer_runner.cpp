#include "viewer/viewer_runner.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "support/test_support.h"

namespace antra::test {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::filesystem::path ViewerBinary() { return BinaryDir() / "src" / "viewer" / "antra-view"; }

bool XvfbAvailable() { return std::system("command -v xvfb-run > /dev/null 2>&1") == 0; }

ViewerRun RunViewer(const std::vector<std::string>& args, const std::filesystem::path& work_dir) {
  // Spread concurrent test processes over display numbers; -a still skips busy ones.
  // -noreset: without it Xvfb resets when the viewer disconnects and signals
  // xvfb-run again, which then sometimes fails its clean-up with exit code 5.
  const int display = 200 + static_cast<int>(::getpid() % 500);
  std::string command = "cd " + Quote(work_dir.string()) + " && LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a -n " +
                        std::to_string(display) + " -s '-noreset -screen 0 1600x1000x24' " + Quote(ViewerBinary().string());
  for (const auto& a : args) command += " " + Quote(a);
  command += " > viewer.out 2> viewer.err";
  const int status = std::system(command.c_str());
  ViewerRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = Slurp(work_dir / "viewer.out");
  run.err = Slurp(work_dir / "viewer.err");
  return run;
}

ViewerRun RunViewerScript(const std::string& script, const std::vector<std::string>& args,
                          const std::filesystem::path& work_dir) {
  WriteBytes(work_dir / "script.txt", script);
  auto all = args;
  all.push_back("--script");
  all.push_back((work_dir / "script.txt").string());
  return RunViewer(all, work_dir);
}

nlohmann::json ReadJsonFile(const std::filesystem::path& path) {
  return nlohmann::json::parse(Slurp(path));
}

cv::Mat ReadPngRgb(const std::filesystem::path& path) {
  cv::Mat bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  cv::Mat rgb;
  if (!bgr.empty()) cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  return rgb;
}

cv::Point2d ScreenOf(const nlohmann::json& state, cv::Point2d p) {
  const auto& rect = state["view"]["image_rect"];
  const double zoom = state["view"]["zoom"].get<double>();
  return {rect[0].get<double>() + (p.x + 0.5) * zoom, rect[1].get<double>() + (p.y + 0.5) * zoom};
}

}  // namespace antra::test
