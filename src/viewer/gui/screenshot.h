#pragma once

#include <filesystem>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra::viewer::gui {

// Writes an RGB image as PNG, atomically (a reader never sees half a file).
Status WritePng(const std::filesystem::path& path, const cv::Mat& rgb);

}  // namespace antra::viewer::gui
