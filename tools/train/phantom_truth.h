#pragma once
// The visible true follicles of a phantom still's truth file, for the
// training and diagnostic tools (phantom truth format: docs/phantom.md).

#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core/types.hpp>

namespace antra::train {

struct TruthFollicle {
  cv::Point2d center;
  double mean_mm = 0;
};

// Follicles of one frame (a still's only frame by default) at least half visible with a mean diameter >= min_mean_mm; sets
// mm_per_px from the truth's calibration. Throws on a malformed file (tools only).
inline std::vector<TruthFollicle> ReadTruthFollicles(const std::filesystem::path& path, double min_mean_mm,
                                                     double& mm_per_px, size_t frame = 0) {
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  mm_per_px = j.at("calibration").at("mm_per_pixel").at("x").get<double>();
  std::vector<TruthFollicle> out;
  for (const auto& f : j.at("frames").at(frame).at("follicles")) {
    if (f.value("visible_fraction", 1.0) < 0.5) continue;
    const double mean = f.at("mean_diameter_mm").get<double>();
    if (mean < min_mean_mm) continue;
    out.push_back({{f.at("center_px").at(0).get<double>(), f.at("center_px").at(1).get<double>()}, mean});
  }
  return out;
}

}  // namespace antra::train
