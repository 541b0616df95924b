#include "viewer/gui/screenshot.h"

#include <string_view>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"

namespace antra::viewer::gui {

Status WritePng(const std::filesystem::path& path, const cv::Mat& rgb) {
  if (rgb.empty()) return MakeError(ErrorCode::kInvalidArgument, "nothing was drawn");
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", bgr, png)) return MakeError(ErrorCode::kIo, "cannot encode the screenshot as PNG");
  return WriteFileAtomically(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace antra::viewer::gui
