// antra-real-eval: runs the pipeline over the real development images
// (../shared/real-samples/mmotu-normal-ovary: screens with expert ovary masks,
// no follicle labels) and measures what can be measured without follicle
// truth:
//  - the share of detections whose centre lies outside the expert ovary mask
//    (a follicle is inside the ovary by definition, so those are false);
//  - how the estimated ovary overlaps the expert mask;
//  - with --calipers FILE: for caliper pairs a reader drew on a follicle, the
//    ruler scale times the caliper length against the printed read-out, and
//    the detected follicle's diameter along the caliper against the read-out.
// With --overlays DIR it writes each overlay with the expert mask in red, for
// looking at by eye.
//
//   antra-real-eval [--images DIR] [--overlays DIR] [--calipers CSV] [--csv OUT]
//                   [--params FILE] [--only NAME,NAME...]

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/allocator.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "pipeline/measure.h"
#include "pipeline/overlay_render.h"
#include "pipeline/presets.h"

namespace fs = std::filesystem;
using namespace antra;

namespace {

struct CaliperTruth {
  std::string image;
  cv::Point2d a, b;
  double readout_mm = 0;
};

std::vector<CaliperTruth> ReadCalipers(const fs::path& path) {
  std::vector<CaliperTruth> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream s(line);
    CaliperTruth c;
    if (s >> c.image >> c.a.x >> c.a.y >> c.b.x >> c.b.y >> c.readout_mm) out.push_back(c);
  }
  return out;
}

// Length in mm of the follicle outline's chord through its centre along `dir`.
double ChordAlong(const Follicle& f, cv::Point2d dir, const Calibration& calibration) {
  std::vector<cv::Point2d> poly(f.contour_px.begin(), f.contour_px.end());
  const cv::Point2d u = dir / std::hypot(dir.x, dir.y);
  // Widest extent of the outline along u (caliper-style: projection width).
  double lo = 1e300, hi = -1e300;
  for (const auto& p : poly) {
    const double t = (p - f.center_px).dot(u);
    lo = std::min(lo, t), hi = std::max(hi, t);
  }
  const auto mm = calibration.LengthMm(f.center_px + lo * u, f.center_px + hi * u);
  return mm.value_or(0.0);
}

}  // namespace

int main(int argc, char** argv) {
  antra::KeepFrameBuffersInHeap();  // as the antra CLI does (core/allocator.h)
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  CLI::App app{"Pipeline metrics on the real development images (expert ovary masks)"};
  std::string images_dir = std::string(ANTRA_SOURCE_DIR) + "/../shared/real-samples/mmotu-normal-ovary";
  std::string overlays, calipers_csv, csv_out, params, only, features_out, maps;
  bool timings = false;
  app.add_option("--images", images_dir, "Folder with images/ and ovary-masks/");
  app.add_option("--overlays", overlays, "Write overlays (expert mask in red) to this folder");
  app.add_option("--calipers", calipers_csv, "Caliper truth CSV: image,x1,y1,x2,y2,readout_mm");
  app.add_option("--csv", csv_out, "Per-image results as CSV");
  app.add_option("--params", params, "Pipeline options JSON");
  app.add_option("--only", only, "Comma-separated image names (default: all)");
  app.add_flag("--timings", timings, "Report the mean wall time of each pipeline stage");
  app.add_option("--maps", maps, "Write the ovary probability map beside each overlay into this folder");
  bool given_ovary = false;
  app.add_flag("--given-ovary", given_ovary,
               "Give the pipeline the expert mask as the ovary (as antra analyze --ovary-mask): measures what the "
               "judge finds when the ovary is known");
  app.add_option("--features", features_out,
                 "Write every candidate's features (accepted and rejected) with inside/outside the mask, as CSV");
  CLI11_PARSE(app, argc, argv);

  pipeline::AnalyzeOptions options;
  if (!params.empty()) {
    auto loaded = pipeline::LoadPreset(params);
    if (!loaded) {
      std::cerr << "antra-real-eval: " << loaded.error().message << "\n";
      return 2;
    }
    options.pipeline = *loaded;
  }
  const fs::path image_folder = fs::path(images_dir) / "images";
  const fs::path mask_folder = fs::path(images_dir) / "ovary-masks";
  if (!fs::is_directory(image_folder) || !fs::is_directory(mask_folder)) {
    std::cerr << "antra-real-eval: " << images_dir << " has no images/ and ovary-masks/\n";
    return 2;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(image_folder)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (!only.empty()) {
    std::set<std::string> wanted;
    std::stringstream s(only);
    for (std::string name; std::getline(s, name, ',');) wanted.insert(name);
    std::erase_if(files, [&](const fs::path& p) { return !wanted.count(p.filename().string()) && !wanted.count(p.stem().string()); });
  }
  if (!overlays.empty()) fs::create_directories(overlays);
  std::vector<CaliperTruth> calipers;
  if (!calipers_csv.empty()) calipers = ReadCalipers(calipers_csv);

  std::ofstream csv;
  if (!csv_out.empty()) {
    csv.open(csv_out);
    csv << "image,scale_source,mm_per_px,detections,outside_mask,ovary_found,ovary_iou,ovary_confidence,ovary_centre_in_mask\n";
  }
  std::ofstream features_csv;
  if (!features_out.empty()) {
    features_csv.open(features_out);
    features_csv << "image,status,reason,inside_mask,x,y,depth,diameter_mm,solidity,axis_ratio,lumen,ring,tissue,"
                    "contrast,darkness,border,posterior,edge_rays,p_ovary,mm_outside_mask\n";
  }
  std::vector<std::pair<std::string, double>> stage_ms;
  int timed = 0;
  int total = 0, outside = 0, with_detections = 0, images = 0, ruler_found = 0;
  double iou_sum = 0;
  int iou_n = 0;
  std::vector<std::string> caliper_lines;
  int caliper_scale_ok = 0, caliper_found_ok = 0, caliper_n = 0;
  for (const auto& file : files) {
    const fs::path mask_path = mask_folder / (file.stem().string() + ".PNG");
    cv::Mat mask = cv::imread(mask_path.string(), cv::IMREAD_GRAYSCALE);
    if (mask.empty()) continue;
    auto source = OpenImage(file);
    if (!source) {
      std::cerr << file.filename().string() << ": " << source.error().message << "\n";
      continue;
    }
    if (mask.size() != cv::Size((*source)->info().width, (*source)->info().height)) {
      cv::resize(mask, mask, cv::Size((*source)->info().width, (*source)->info().height), 0, 0, cv::INTER_NEAREST);
    }
    options.ovary = {};
    if (given_ovary) {
      auto given = pipeline::GivenOvaryFromMask(mask);
      if (!given) {
        std::cerr << file.filename().string() << ": " << given.error().message << "\n";
        continue;
      }
      options.ovary = std::move(*given);
    }
    const pipeline::GivenOvary* given_ptr = &options.ovary;
    Frame kept;
    FrameAnalysis kept_result;
    auto analysis = pipeline::AnalyzeImage(**source, options, [&](const Frame& f, const FrameAnalysis& r, const Calibration&) {
      kept = f;
      kept_result = r;
    });
    if (!analysis) {
      std::cerr << file.filename().string() << ": " << analysis.error().message << "\n";
      continue;
    }
    ++images;
    if (mask.size() != kept.luma.size()) cv::resize(mask, mask, kept.luma.size(), 0, 0, cv::INTER_NEAREST);
    const cv::Mat inside_mask = mask > 0;
    if (timings) {
      pipeline::FrameTrace trace;
      const auto frame_pipeline = pipeline::FramePipeline::Create(options.pipeline);
      (void)frame_pipeline->Analyze(kept, analysis->calibration, &trace, given_ptr);
      (void)frame_pipeline->Analyze(kept, analysis->calibration, &trace, given_ptr);  // warm
      for (const auto& [stage, ms] : trace.stage_ms) {
        if (stage_ms.size() < trace.stage_ms.size()) stage_ms.emplace_back(stage, 0.0);
      }
      const size_t half = trace.stage_ms.size() / 2;
      for (size_t k = 0; k < half; ++k) stage_ms[k].second += trace.stage_ms[half + k].second;
      ++timed;
    }
    if (!maps.empty()) {
      fs::create_directories(maps);
      pipeline::FrameTrace trace;
      const auto frame_pipeline = pipeline::FramePipeline::Create(options.pipeline);
      const FrameAnalysis again = frame_pipeline->Analyze(kept, analysis->calibration, &trace, given_ptr);
      if (!trace.ovary_probability.empty()) {
        cv::Mat p8, heat, big;
        trace.ovary_probability.convertTo(p8, CV_8U, 255.0);
        cv::applyColorMap(p8, heat, cv::COLORMAP_JET);
        cv::Mat picture = pipeline::RenderOverlay(kept, again, analysis->calibration);
        // The map covers the working grid padded to whole cells; crop it back and stretch to the frame.
        const int c = trace.ovary_cells.cell_px;
        cv::resize(heat, big, cv::Size(heat.cols * c, heat.rows * c), 0, 0, cv::INTER_NEAREST);
        big = big(cv::Rect(0, 0, trace.grid.size.width, trace.grid.size.height));
        cv::resize(big, big, picture.size(), 0, 0, cv::INTER_NEAREST);
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(inside_mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
        cv::polylines(big, contours, true, cv::Scalar(255, 255, 255), 2, cv::LINE_AA);
        cv::polylines(picture, contours, true, cv::Scalar(0, 0, 255), 1, cv::LINE_AA);
        cv::Mat both;
        cv::hconcat(picture, big, both);
        cv::imwrite((fs::path(maps) / (file.stem().string() + ".png")).string(), both);
      }
    }
    if (features_csv.is_open()) {
      pipeline::FrameTrace trace;
      const auto frame_pipeline = pipeline::FramePipeline::Create(options.pipeline);
      const FrameAnalysis again = frame_pipeline->Analyze(kept, analysis->calibration, &trace, given_ptr);
      // How far outside the expert mask a centre lies (0 inside): tells a
      // detection at the ovary's edge from one in other tissue.
      cv::Mat px_outside;
      cv::distanceTransform(~inside_mask, px_outside, cv::DIST_L2, cv::DIST_MASK_PRECISE);
      const auto mm_scale = analysis->calibration.global_scale();
      auto dump = [&](const std::vector<cv::Point2d>& outline, const char* status, const std::string& reason,
                      const pipeline::CandidateFeatures& f) {
        const cv::Point2d c = pipeline::PolygonCentroid(outline);
        const cv::Point ci(int(std::lround(c.x)), int(std::lround(c.y)));
        const bool in = ci.x >= 0 && ci.y >= 0 && ci.x < mask.cols && ci.y < mask.rows && inside_mask.at<uchar>(ci);
        const double depth = trace.area.box.height > 0 ? (c.y - trace.area.box.y) / trace.area.box.height : 0;
        double p_ovary = -1;
        if (!trace.ovary_probability.empty()) {
          const cv::Point2d w = trace.grid.ToWorking(c);
          const int cell = trace.ovary_cells.cell_px;
          const cv::Point q(std::clamp(int(w.x / cell), 0, trace.ovary_probability.cols - 1),
                            std::clamp(int(w.y / cell), 0, trace.ovary_probability.rows - 1));
          p_ovary = trace.ovary_probability.at<float>(q);
        }
        features_csv << file.stem().string() << "," << status << ",\"" << reason << "\"," << in << "," << c.x << ","
                     << c.y << "," << depth << "," << f.diameter_mm << "," << f.solidity << "," << f.axis_ratio << ","
                     << f.lumen << "," << f.ring << "," << f.tissue << "," << f.contrast << "," << f.darkness << ","
                     << f.border_fraction << "," << f.posterior_ratio << "," << f.edge_rays << "," << p_ovary << ","
                     << (in ? 0.0 : px_outside.at<float>(std::clamp(ci.y, 0, mask.rows - 1), std::clamp(ci.x, 0, mask.cols - 1)) *
                                        (mm_scale ? mm_scale->mm_per_px_x : 0.0)) << "\n";
      };
      for (size_t i = 0; i < again.follicles.size(); ++i) {
        std::vector<cv::Point2d> outline(again.follicles[i].contour_px.begin(), again.follicles[i].contour_px.end());
        dump(outline, "accepted", "", trace.accepted_features[i]);
      }
      for (const auto& r : trace.rejected) dump(r.outline_px, "rejected", r.reason, r.features);
    }
    int n_out = 0;
    for (const auto& f : kept_result.follicles) {
      const cv::Point c(int(std::lround(f.center_px.x)), int(std::lround(f.center_px.y)));
      const bool in = c.x >= 0 && c.y >= 0 && c.x < mask.cols && c.y < mask.rows && inside_mask.at<uchar>(c);
      if (!in) ++n_out;
    }
    const int n = int(kept_result.follicles.size());
    total += n;
    outside += n_out;
    if (n > 0) ++with_detections;
    if (analysis->calibration.source() == CalibrationSource::kRuler) ++ruler_found;
    double iou = 0;
    bool ovary_centre_in_mask = false;
    if (kept_result.ovary) {
      const cv::Point c(int(std::lround(kept_result.ovary->center_px.x)), int(std::lround(kept_result.ovary->center_px.y)));
      ovary_centre_in_mask = c.x >= 0 && c.y >= 0 && c.x < mask.cols && c.y < mask.rows && inside_mask.at<uchar>(c);
      cv::Mat ovary = cv::Mat::zeros(mask.size(), CV_8UC1);
      cv::fillPoly(ovary, std::vector<std::vector<cv::Point>>{kept_result.ovary->contour_px}, 255);
      const double inter = cv::countNonZero(ovary & inside_mask), uni = cv::countNonZero(ovary | inside_mask);
      iou = uni > 0 ? inter / uni : 0;
      iou_sum += iou;
      ++iou_n;
    }
    const auto scale = analysis->calibration.global_scale();
    if (csv.is_open()) {
      csv << file.filename().string() << "," << ToString(analysis->calibration.source()) << ","
          << (scale ? scale->mm_per_px_x : 0.0) << "," << n << "," << n_out << "," << (kept_result.ovary ? 1 : 0)
          << "," << iou << "," << (kept_result.ovary ? kept_result.ovary->confidence : 0.0) << ","
          << (ovary_centre_in_mask ? 1 : 0) << "\n";
    }
    for (const auto& c : calipers) {
      if (c.image != file.filename().string() && c.image != file.stem().string()) continue;
      ++caliper_n;
      std::ostringstream line;
      line << std::fixed << std::setprecision(2) << c.image << " read-out " << c.readout_mm << " mm";
      const auto length = analysis->calibration.LengthMm(c.a, c.b);
      const bool scale_ok = length && std::abs(*length / c.readout_mm - 1.0) <= 0.05;
      if (scale_ok) ++caliper_scale_ok;
      line << ", ruler x caliper " << (length ? *length : 0.0) << " mm";
      // The follicle containing the caliper midpoint.
      const cv::Point2d mid = (c.a + c.b) / 2;
      const Follicle* hit = nullptr;
      for (const auto& f : kept_result.follicles) {
        if (cv::pointPolygonTest(f.contour_px, cv::Point2f(mid), false) >= 0) hit = &f;
      }
      if (hit) {
        const double along = ChordAlong(*hit, c.b - c.a, analysis->calibration);
        const bool ok = std::abs(along / c.readout_mm - 1.0) <= 0.2;
        if (ok) ++caliper_found_ok;
        line << ", found: " << along << " mm along the caliper (" << (ok ? "within" : "NOT within") << " 20%)";
      } else {
        line << ", NOT found";
      }
      caliper_lines.push_back(line.str());
    }
    if (!overlays.empty()) {
      cv::Mat picture = pipeline::RenderOverlay(kept, kept_result, analysis->calibration);
      std::vector<std::vector<cv::Point>> contours;
      cv::findContours(inside_mask.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
      cv::polylines(picture, contours, true, cv::Scalar(0, 0, 255), 1, cv::LINE_AA);
      cv::imwrite((fs::path(overlays) / (file.stem().string() + ".png")).string(), picture);
    }
  }
  std::cout << std::fixed << std::setprecision(3);
  std::cout << "images analysed              " << images << "\n";
  std::cout << "scaled from the depth ruler  " << ruler_found << "\n";
  std::cout << "images with detections       " << with_detections << "\n";
  std::cout << "detections                   " << total << " (" << (images ? double(total) / images : 0.0)
            << " per image)\n";
  std::cout << "outside the expert mask      " << outside << " = " << (total ? double(outside) / total : 0.0)
            << " of detections\n";
  std::cout << "ovary estimate found         " << iou_n << " images, mean IoU with the mask "
            << (iou_n ? iou_sum / iou_n : 0.0) << "\n";
  if (timed > 0) {
    std::cout << "mean stage times (ms, wall):\n";
    for (size_t k = 0; k < stage_ms.size() / 2; ++k) {
      std::cout << "  " << std::setw(24) << stage_ms[k].first << " " << stage_ms[k].second / timed << "\n";
    }
  }
  if (!calipers.empty()) {
    for (const auto& l : caliper_lines) std::cout << "  " << l << "\n";
    std::cout << "calipers: scale within 5% " << caliper_scale_ok << "/" << caliper_n << ", follicle within 20% "
              << caliper_found_ok << "/" << caliper_n << "\n";
  }
  return 0;
}
