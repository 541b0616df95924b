#pragma once
// The visible true follicles of a phantom still's truth file, for the
// training and diagnostic tools (phantom truth format: docs/phantom.md).

#include <algorithm>
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

// Follicles of one frame (a still's only frame by default) at least half
// visible with a mean diameter >= min_mean_mm; sets mm_per_px from the
// truth's calibration. Throws on a malformed file (tools only).
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

// Frame 0's true ovary outline (full-image pixels, rounded) from a parsed
// truth file; empty when the frame shows no ovary. Throws on a malformed file.
inline std::vector<cv::Point> TruthOvaryOutline(const nlohmann::json& truth) {
  std::vector<cv::Point> outline;
  const auto& ovary = truth.at("frames").at(0).at("ovary");
  if (ovary.is_null()) return outline;
  for (const auto& p : ovary.at("contour_px")) {
    outline.emplace_back(int(std::lround(p.at(0).get<double>())), int(std::lround(p.at(1).get<double>())));
  }
  return outline;
}

// Greedy nearest matching within the scorer's reach (max(1.5 mm, half the
// mean diameter); antra eval matches so): per truth, the index of the
// matched point or -1, each point matched at most once.
inline std::vector<int> MatchToTruth(const std::vector<TruthFollicle>& truth, const std::vector<cv::Point2d>& points,
                                     double mm_per_px) {
  struct Pair {
    double distance;
    size_t t, p;
  };
  std::vector<Pair> pairs;
  for (size_t t = 0; t < truth.size(); ++t) {
    const double reach = std::max(1.5, truth[t].mean_mm / 2.0) / mm_per_px;
    for (size_t p = 0; p < points.size(); ++p) {
      const double d = cv::norm(points[p] - truth[t].center);
      if (d <= reach) pairs.push_back({d, t, p});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.distance < b.distance; });
  std::vector<int> match(truth.size(), -1);
  std::vector<char> used(points.size(), 0);
  for (const auto& pr : pairs) {
    if (match[pr.t] >= 0 || used[pr.p]) continue;
    match[pr.t] = int(pr.p);
    used[pr.p] = 1;
  }
  return match;
}

}  // namespace antra::train
