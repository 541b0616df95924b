#include "pipeline/pipeline.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "pipeline/measure.h"

namespace antra::pipeline {

Status PipelineOptions::Check() const {
  for (const Status& s : {image_area.Check(), overlay.Check(), working.Check(), despeckle.Check(), background.Check(),
                          candidates.Check(), split.Check(), refine.Check(), lookalikes.Check(), ovary.Check(),
                          ruler.Check()}) {
    if (!s) return s;
  }
  return Status::Ok();
}

FramePipeline::FramePipeline(PipelineOptions options) : options_(std::move(options)) {
  if (Status s = options_.Check(); !s) throw std::invalid_argument("pipeline options: " + s.error().message);
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

}  // namespace

FrameAnalysis FramePipeline::Analyze(const Frame& frame, const Calibration& calibration, FrameTrace* trace) const {
  CV_Assert(frame.luma.type() == CV_8UC1);
  const PipelineOptions& o = options_;
  FrameAnalysis result;
  result.index = frame.index;
  const bool calibrated = calibration.calibrated();
  if (calibrated) result.counts = SizeCounts{};
  else result.notes.emplace_back(kUncalibratedNote);

  // 1. Where the image is.
  ImageArea area = FindImageArea(frame.luma, calibration, o.image_area);
  if (!area.found()) {
    result.notes.emplace_back("no ultrasound image area found (blank or uniform dark frame): no follicles");
    if (trace) trace->area = std::move(area);
    return result;
  }
  // 2. Burned-in graphics.
  const cv::Mat overlay = FindOverlayMask(frame.rgb, frame.luma, area.mask, o.overlay);
  // 3. Working grid, graphics filled, speckle reduced.
  const WorkingGrid grid = MakeWorkingGrid(frame.luma.size(), calibration.NominalScale(), area.box.height, o.working);
  const cv::Mat working = ToWorking(frame.luma, grid);
  const cv::Mat area_w = ToWorking(area.mask, grid) > 127;
  const cv::Mat overlay_w = (ToWorking(overlay, grid) > 0) & area_w;
  const cv::Mat filled = FillMasked(working, overlay_w, grid.Px(0.6), area_w & ~overlay_w);
  const cv::Mat despeckled = Despeckle(filled, grid, o.despeckle);
  // 4-5. Tissue level, dark candidates, split.
  const cv::Mat tissue = EstimateTissueLevel(despeckled, area_w, grid, o.background);
  const CandidateMap candidates = FindDarkCandidates(despeckled, tissue, area_w, grid, o.candidates, o.split);

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

  // 8. The ovary, and what lies outside it.
  std::vector<OvaryMember> members;
  for (const auto& a : accepted) members.push_back({a.outline.polygon, a.outline.center, a.confidence});
  const OvaryEstimate ovary = LocateOvary(members, grid, o.ovary);
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
  if (some_without_scale) {
    result.notes.emplace_back("some follicles lie outside every calibrated region: no mm sizes for them, not counted");
  }
  if (ovary.found) {
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
