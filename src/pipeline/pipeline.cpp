#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "pipeline/measure.h"
#include "pipeline/presets.h"

namespace antra::pipeline {

Status PipelineOptions::Check() const {
  for (const Status& s : {image_area.Check(), overlay.Check(), working.Check(), despeckle.Check(), background.Check(),
                          candidates.Check(), split.Check(), refine.Check(), lookalikes.Check(), ovary.Check(),
                          ovary_map.Check(), ruler.Check()}) {
    if (!s) return s;
  }
  return Status::Ok();
}

Result<FramePipeline> FramePipeline::Create(PipelineOptions options) {
  if (Status s = options.Check(); !s) return s.error();
  std::shared_ptr<const OvaryModel> model;
  if (!options.ovary_map.model.empty()) {
    std::filesystem::path path = options.ovary_map.model;
    if (path.is_relative()) path = ModelsDir() / path;
    auto loaded = OvaryModel::Load(path.string());
    if (!loaded) return loaded.error();
    model = *loaded;
  }
  return FramePipeline(std::move(options), std::move(model));
}

namespace {

std::vector<cv::Point2d> ToFullPolygon(const std::vector<cv::Point2d>& polygon, const WorkingGrid& grid) {
  std::vector<cv::Point2d> out;
  out.reserve(polygon.size());
  for (const auto& p : polygon) out.push_back(grid.ToFull(p));
  return out;
}

OvaryMeasurement MeasureOvary(const OvaryEstimate& estimate, const WorkingGrid& grid, const Calibration& calibration) {
  const auto outline = ToFullPolygon(estimate.outline, grid);
  const FollicleMeasurement m = MeasureOutline(outline, calibration);
  OvaryMeasurement o;
  o.contour_px = m.contour_px;
  o.center_px = m.center_px;
  o.long_axis = m.long_axis;
  o.short_axis = m.short_axis;
  o.long_mm = m.long_mm;
  o.short_mm = m.short_mm;
  o.confidence = estimate.confidence;
  return o;
}

// Records the wall time since the previous mark into the trace (if any).
class StageClock {
 public:
  explicit StageClock(FrameTrace* trace) : trace_(trace), last_(std::chrono::steady_clock::now()) {}
  void Mark(const char* stage) {
    if (!trace_) return;
    const auto now = std::chrono::steady_clock::now();
    trace_->stage_ms.emplace_back(stage, std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
  }

 private:
  FrameTrace* trace_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace

FrameAnalysis FramePipeline::Analyze(const Frame& frame, const Calibration& calibration, FrameTrace* trace) const {
  CV_Assert(frame.luma.type() == CV_8UC1);
  const PipelineOptions& o = options_;
  FrameAnalysis result;
  result.index = frame.index;
  const bool calibrated = calibration.calibrated();
  if (calibrated) result.counts = SizeCounts{};
  else result.notes.emplace_back(kUncalibratedNote);

  StageClock clock(trace);
  // 1. Where the image is.
  ImageArea area = FindImageArea(frame.luma, calibration, o.image_area);
  clock.Mark("image_area");
  if (!area.found()) {
    result.notes.emplace_back("no ultrasound image area found (blank or uniform dark frame): no follicles");
    if (trace) trace->area = std::move(area);
    return result;
  }
  // 2. Burned-in graphics.
  const cv::Mat overlay = FindOverlayMask(frame.rgb, frame.luma, area.small, o.overlay);
  clock.Mark("overlay_mask");
  // 3. Working grid, graphics filled, speckle reduced.
  const WorkingGrid grid = MakeWorkingGrid(frame.luma.size(), calibration.NominalScale(), area.box.height, o.working);
  const cv::Mat working = ToWorking(frame.luma, grid);
  const cv::Mat area_w = area.MaskAt(grid.size);
  const cv::Mat overlay_w = (ToWorking(overlay, grid) > 0) & area_w;
  const cv::Mat filled = FillMasked(working, overlay_w, 1.2, area_w & ~overlay_w);
  clock.Mark("working_and_fill");
  const cv::Mat despeckled = Despeckle(filled, grid, o.despeckle);
  clock.Mark("despeckle");
  // 4-5. Tissue level, dark candidates, split.
  const cv::Mat tissue = EstimateTissueLevel(despeckled, area_w, grid, o.background);
  clock.Mark("tissue_level");
  const CandidateMap candidates = FindDarkCandidates(despeckled, tissue, area_w, grid, o.candidates, o.split);
  clock.Mark("candidates_and_split");

  // 6-7. Refine each outline and judge it.
  struct Accepted {
    RefinedOutline outline;
    CandidateFeatures features;
    double confidence;
  };
  std::vector<Accepted> accepted;
  for (const Candidate& c : candidates.candidates) {
    RefinedOutline outline = RefineOutline(despeckled, tissue, candidates.labels, c, grid, o.refine);
    const CandidateFeatures features = DescribeCandidate(outline, despeckled, tissue, area_w, grid, o.lookalikes);
    const Verdict verdict = JudgeCandidate(features, o.lookalikes);
    if (verdict.accepted) {
      accepted.push_back({std::move(outline), features, verdict.confidence});
    } else if (trace) {
      trace->rejected.push_back({ToFullPolygon(outline.polygon, grid), verdict.reason, features});
    }
  }

  clock.Mark("refine_and_lookalikes");
  // 8. The ovary, and what lies outside it.
  std::vector<OvaryMember> members;
  for (const auto& a : accepted) members.push_back({a.outline.polygon, a.outline.center, a.confidence});
  OvaryEstimate ovary;
  if (ovary_model_ || trace) {
    cv::Mat lumens = cv::Mat::zeros(despeckled.size(), CV_8UC1);
    for (const auto& a : accepted) {
      std::vector<cv::Point> poly;
      for (const auto& p : a.outline.polygon) poly.emplace_back(int(std::lround(p.x)), int(std::lround(p.y)));
      cv::fillPoly(lumens, std::vector<std::vector<cv::Point>>{poly}, 255);
    }
    OvaryCells cells = DescribeOvaryCells(despeckled, tissue, area_w, lumens, grid, o.ovary_map);
    clock.Mark("ovary_features");
    if (ovary_model_) {
      const cv::Mat probability = ovary_model_->Predict(cells);
      clock.Mark("ovary_model");
      ovary = LocateOvaryFromMap(probability, cells.cell_px, despeckled.size(), members, grid, o.ovary, o.ovary_map);
      if (trace) trace->ovary_probability = probability;
    }
    if (trace) trace->ovary_cells = std::move(cells);
  }
  if (!ovary_model_) ovary = LocateOvary(members, grid, o.ovary);
  clock.Mark("ovary_region");
  if (ovary.found) result.ovary = MeasureOvary(ovary, grid, calibration);

  // 9. Measure in mm and count.
  bool some_without_scale = false;
  for (size_t i = 0; i < accepted.size(); ++i) {
    const auto outline_px = ToFullPolygon(accepted[i].outline.polygon, grid);
    if (!ovary.inside[i]) {
      if (trace) trace->rejected.push_back({outline_px, "outside the ovary", accepted[i].features});
      continue;
    }
    Follicle f;
    static_cast<FollicleMeasurement&>(f) = MeasureOutline(outline_px, calibration);
    f.confidence = accepted[i].confidence;
    f.id = int(result.follicles.size()) + 1;
    if (calibrated) {
      if (f.mean_mm) result.counts->Add(*f.mean_mm);
      else some_without_scale = true;
    }
    result.follicles.push_back(std::move(f));
    if (trace) trace->accepted_features.push_back(accepted[i].features);
  }
  clock.Mark("measure");
  if (some_without_scale) {
    result.notes.emplace_back("some follicles lie outside every calibrated region: no mm sizes for them, not counted");
  }
  if (ovary.found && !ovary_model_) {
    result.notes.emplace_back("ovary outline estimated from the follicle group (hull plus margin), not traced");
  }
  if (trace) {
    trace->area = std::move(area);
    trace->overlay_mask = overlay;
    trace->grid = grid;
    trace->despeckled = despeckled;
    trace->tissue = tissue;
    trace->labels = candidates.labels;
  }
  return result;
}

}  // namespace antra::pipeline
