// antra-candidate-reach: where the pipeline loses true follicles. For each
// phantom still (antra-phantom output with truth), every visible true
// follicle is classed by the first stage that misses it:
//   - no candidate: no candidate region that passed the gross tests lies
//     within the scorer's reach of its centre (candidate generation missed it);
//   - rejected: a candidate reaches it but the judge rejected it;
//   - found: an accepted follicle reaches it.
// Counts are printed per size band, and with --overlays each image is drawn
// with the truth circles coloured by class (red: no candidate, yellow:
// rejected, green: found) and the accepted outlines in cyan, for looking at
// the misses. A diagnostic for developing the pipeline: run it on training
// phantoms (seeds 777 to 779, models/README.md), not to tune on the
// benchmark set.
//
//   antra-candidate-reach --phantom DIR [--match still-medium] [--overlays OUT]
//                         [--params FILE] [--limit N] [--judged-csv OUT.csv]
//
// --judged-csv writes one row per candidate the judge saw: the file, whether
// it reaches a visible true follicle (and that follicle's mean diameter), the
// judge's probability, whether it was accepted, and the judge's inputs, to
// compare the inputs of rejected true follicles with those of look-alikes.

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/open_image.h"
#include "phantom_truth.h"
#include "pipeline/pipeline.h"
#include "pipeline/presets.h"

namespace fs = std::filesystem;
using namespace antra;

namespace {

using train::TruthFollicle;

std::vector<TruthFollicle> ReadTruth(const fs::path& path, double& mm_per_px) {
  return train::ReadTruthFollicles(path, 2.0, mm_per_px);  // the benchmark's recall counts follicles >= 2 mm
}

enum Outcome { kNoCandidate = 0, kRejected = 1, kFound = 2 };
constexpr std::array<double, 5> kBands = {2.0, 3.0, 6.0, 10.0, 1000.0};
constexpr std::array<const char*, 4> kBandNames = {"2-3 mm", "3-6 mm", "6-10 mm", ">= 10 mm"};

size_t BandOf(double mean_mm) {
  for (size_t b = 0; b + 1 < kBands.size(); ++b) {
    if (mean_mm < kBands[b + 1]) return b;
  }
  return kBands.size() - 2;
}


// The ovary map's probability as a red tint (full red at 1) and the true
// ovary's outline in white.
void DrawOvaryMap(cv::Mat& canvas, const pipeline::FrameTrace& trace, const fs::path& truth_path) {
  if (!trace.ovary_probability.empty()) {
    cv::Mat grid_size, full;
    const int c = trace.ovary_cells.cell_px;
    cv::resize(trace.ovary_probability, grid_size,
               cv::Size(trace.ovary_probability.cols * c, trace.ovary_probability.rows * c), 0, 0, cv::INTER_NEAREST);
    grid_size = grid_size(cv::Rect(0, 0, std::min(grid_size.cols, trace.labels.cols),
                                   std::min(grid_size.rows, trace.labels.rows)));
    cv::resize(grid_size, full, canvas.size(), 0, 0, cv::INTER_LINEAR);
    for (int y = 0; y < canvas.rows; ++y) {
      for (int x = 0; x < canvas.cols; ++x) {
        auto& px = canvas.at<cv::Vec3b>(y, x);
        const float p = full.at<float>(y, x);
        px[2] = cv::saturate_cast<uchar>(px[2] * (1 - p) + 255 * p);
      }
    }
  }
  std::ifstream in(truth_path);
  const std::vector<cv::Point> outline = train::TruthOvaryOutline(nlohmann::json::parse(in));
  if (!outline.empty()) cv::polylines(canvas, outline, true, cv::Scalar(255, 255, 255), 1, cv::LINE_AA);
}

// `reached`: per true follicle, the judged candidate it matches one to one
// (the scorer's rule), or -1.
void WriteJudgedRows(std::ofstream& csv, const std::string& name, const std::vector<TruthFollicle>& truth,
                     const std::vector<int>& reached, const pipeline::FrameTrace& trace) {
  std::vector<double> truth_mm(trace.judged.size(), 0.0);
  for (size_t t = 0; t < truth.size(); ++t) {
    if (reached[t] >= 0) truth_mm[size_t(reached[t])] = truth[t].mean_mm;
  }
  for (size_t i = 0; i < trace.judged.size(); ++i) {
    const auto& j = trace.judged[i];
    csv << name << "," << truth_mm[i] << "," << truth.size() << "," << j.probability << "," << int(j.accepted);
    for (int c = 0; c < j.vector.cols; ++c) csv << "," << j.vector.at<float>(0, c);
    csv << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
  CLI::App app{"Where the pipeline loses true follicles (phantom stills with truth)"};
  std::string phantom_dir, overlays, params, match_prefix, judged_csv;
  int limit = 0;
  app.add_option("--phantom", phantom_dir, "antra-phantom output folder (stills)")->required();
  app.add_option("--match", match_prefix, "Only files whose name starts with this");
  app.add_option("--overlays", overlays, "Write one PNG per image with the truth coloured by outcome");
  app.add_option("--params", params, "Pipeline options JSON");
  app.add_option("--limit", limit, "At most this many images");
  app.add_option("--judged-csv", judged_csv, "Write every judged candidate's inputs, probability and truth to this CSV");
  CLI11_PARSE(app, argc, argv);

  pipeline::PipelineOptions options;
  if (!params.empty()) {
    auto loaded = pipeline::LoadPreset(params);
    if (!loaded) {
      std::cerr << "antra-candidate-reach: " << loaded.error().message << "\n";
      return 2;
    }
    options = *loaded;
  }
  auto frame_pipeline = pipeline::FramePipeline::Create(options);
  if (!frame_pipeline) {
    std::cerr << "antra-candidate-reach: " << frame_pipeline.error().message << "\n";
    return 2;
  }
  if (!overlays.empty()) fs::create_directories(overlays);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(phantom_dir)) {
    if (e.path().extension() != ".dcm") continue;
    if (!match_prefix.empty() && e.path().filename().string().rfind(match_prefix, 0) != 0) continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (limit > 0 && int(files.size()) > limit) files.resize(size_t(limit));

  std::ofstream csv;
  if (!judged_csv.empty()) {
    csv.open(judged_csv);
    csv << "file,truth_mm,truth_in_frame,probability,accepted";
    for (const auto& name : pipeline::CandidateFeatureNames()) csv << "," << name;
    csv << "\n";
  }
  std::array<std::array<int, 3>, 4> tally{};
  std::array<int, 4> merged{}, unlabelled{};
  int images = 0, candidates = 0, accepted = 0, false_positives = 0;
  for (const auto& file : files) {
    fs::path truth_path = file;
    truth_path.replace_extension(".truth.json");
    if (!fs::exists(truth_path)) continue;
    double mm_per_px = 0;
    const auto truth = ReadTruth(truth_path, mm_per_px);
    auto source = OpenImage(file);
    if (!source) continue;
    auto frame = (*source)->ReadFrame(0);
    if (!frame) continue;
    pipeline::FrameTrace trace;
    const FrameAnalysis analysis = frame_pipeline->Analyze(*frame, (*source)->info().calibration, &trace);
    std::vector<cv::Point2d> candidate_points, accepted_points;
    for (const auto& j : trace.judged) candidate_points.push_back(j.center_px);
    for (const auto& f : analysis.follicles) accepted_points.push_back(f.center_px);
    const auto reached = train::MatchToTruth(truth, candidate_points, mm_per_px);
    const auto found = train::MatchToTruth(truth, accepted_points, mm_per_px);
    if (csv.is_open()) WriteJudgedRows(csv, file.filename().string(), truth, reached, trace);
    ++images;
    candidates += int(candidate_points.size());
    accepted += int(accepted_points.size());
    int matched_accepted = 0;
    for (int f : found) matched_accepted += f >= 0;
    false_positives += int(accepted_points.size()) - matched_accepted;
    cv::Mat canvas;
    if (!overlays.empty()) cv::cvtColor(frame->luma, canvas, cv::COLOR_GRAY2BGR);
    for (size_t t = 0; t < truth.size(); ++t) {
      const Outcome outcome = found[t] >= 0 ? kFound : (reached[t] >= 0 ? kRejected : kNoCandidate);
      ++tally[BandOf(truth[t].mean_mm)][outcome];
      if (outcome == kNoCandidate) {
        // Merged into another candidate's region, or in no region at all?
        const cv::Point2d w = trace.grid.ToWorking(truth[t].center);
        const cv::Point q(int(std::lround(w.x)), int(std::lround(w.y)));
        const bool labelled = q.x >= 0 && q.y >= 0 && q.x < trace.labels.cols && q.y < trace.labels.rows &&
                              trace.labels.at<int>(q) > 0;
        ++(labelled ? merged : unlabelled)[BandOf(truth[t].mean_mm)];
      }
      if (canvas.empty()) continue;
      const cv::Scalar colour = outcome == kFound ? cv::Scalar(0, 255, 0)
                                : outcome == kRejected ? cv::Scalar(0, 255, 255)
                                                       : cv::Scalar(0, 0, 255);
      cv::circle(canvas, truth[t].center, int(std::lround(truth[t].mean_mm / 2.0 / mm_per_px)), colour, 1,
                 cv::LINE_AA);
    }
    if (!canvas.empty()) {
      DrawOvaryMap(canvas, trace, truth_path);
      for (const auto& f : analysis.follicles) {
        std::vector<cv::Point> poly;
        for (const auto& p : f.contour_px) poly.emplace_back(int(std::lround(p.x)), int(std::lround(p.y)));
        cv::polylines(canvas, poly, true, cv::Scalar(255, 255, 0), 1, cv::LINE_AA);
      }
      for (const auto& j : trace.judged) cv::drawMarker(canvas, j.center_px, cv::Scalar(255, 0, 255), cv::MARKER_CROSS, 6);
      fs::path png = fs::path(overlays) / file.filename();
      png.replace_extension(".png");
      cv::imwrite(png.string(), canvas);
    }
  }
  std::cout << images << " images, " << candidates << " candidates after the gross tests, " << accepted
            << " accepted (" << false_positives << " not matching a visible follicle >= 2 mm)\n";
  std::cout << std::left << std::setw(10) << "band" << std::right << std::setw(7) << "truth" << std::setw(13)
            << "no candidate" << std::setw(10) << "rejected" << std::setw(8) << "found" << std::setw(9) << "reach"
            << std::setw(8) << "recall\n";
  std::array<int, 3> total{};
  auto row = [](const char* name, const std::array<int, 3>& t) {
    const int n = t[0] + t[1] + t[2];
    std::cout << std::left << std::setw(10) << name << std::right << std::setw(7) << n << std::setw(13) << t[0]
              << std::setw(10) << t[1] << std::setw(8) << t[2] << std::fixed << std::setprecision(3) << std::setw(9)
              << (n ? double(t[1] + t[2]) / n : 0.0) << std::setw(8) << (n ? double(t[2]) / n : 0.0) << "\n";
  };
  for (size_t b = 0; b < tally.size(); ++b) {
    row(kBandNames[b], tally[b]);
    for (int k = 0; k < 3; ++k) total[size_t(k)] += tally[b][size_t(k)];
  }
  row("all", total);
  std::cout << "no candidate, centre inside another candidate's region (merged) / in none, per band:";
  for (size_t b = 0; b < merged.size(); ++b) std::cout << "  " << kBandNames[b] << " " << merged[b] << "/" << unlabelled[b];
  std::cout << "\n";
  return 0;
}
