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
                          ovary_map.Check(), candidate_model.Check(), ruler.Check()}) {
    if (!s) return s;
  }
  return Status::Ok();
}

Result<FramePipeline> FramePipeline::Create(PipelineOptions options) {
  if (Status s = options.Check(); !s) return s.error();
  std::shared_ptr<const OvaryModel> ovary_model;
  if (!options.ovary_map.model.empty()) {
    auto loaded = OvaryModel::Load(ModelPath(options.ovary_map.model).string());
    if (!loaded) return loaded.error();
    ovary_model = *loaded;
  }
  std::shared_ptr<const CandidateModel> candidate_model;
  if (!options.candidate_model.model.empty()) {
    auto loaded = CandidateModel::Load(ModelPath(options.candidate_model.model).string());
    if (!loaded) return loaded.error();
    candidate_model = *loaded;
  }
  return FramePipeline(std::move(options), std::move(ovary_model), std::move(candidate_model));
}

namespace {

std::vector<cv::Point2d> ToFullPolygon(const std::vector<cv::Point2d>& polygon, const WorkingGrid& grid) {
  std::vector<cv::Point2d> out;
  out.reserve(polygon.size());
  for (const auto& p : polygon) out.push_back(grid.ToFull(p));
  return out;
}

// An ovary outline (full-image pixels) measured as a follicle's is: outline,
// centre, the two perpendicular diameters.
OvaryMeasurement MeasureOvaryOutline(const std::vector<cv::Point2d>& outline, const Calibration& calibration,
                                     double confidence, std::string source) {
  const FollicleMeasurement m = MeasureOutline(outline, calibration);
  OvaryMeasurement o;
  o.contour_px = m.contour_px;
  o.center_px = m.center_px;
  o.long_axis = m.long_axis;
  o.short_axis = m.short_axis;
  o.long_mm = m.long_mm;
  o.short_mm = m.short_mm;
  o.confidence = confidence;
  o.source = std::move(source);
  return o;
}

OvaryMeasurement MeasureOvary(const OvaryEstimate& estimate, const WorkingGrid& grid, const Calibration& calibration) {
  return MeasureOvaryOutline(ToFullPolygon(estimate.outline, grid), calibration, estimate.confidence, "estimated");
}

// The given outline's largest piece, measured as an estimated ovary is.
OvaryMeasurement MeasureGivenOvary(const GivenOvary& given, const Calibration& calibration) {
  const auto largest = std::max_element(given.outlines_px.begin(), given.outlines_px.end(), [](const auto& a, const auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  OvaryMeasurement o = MeasureOvaryOutline({largest->begin(), largest->end()}, calibration, 1.0, "given");
  if (given.box) o.long_mm = o.short_mm = std::nullopt;  // a box's diagonal is not the ovary's length
  return o;
}

constexpr int kMinFrameSide = 32;

// For each candidate, how many others within kNeighbourReachMm are fluid-dark.
std::vector<int> CountDarkNeighbours(const std::vector<cv::Point2d>& centres, const std::vector<double>& darkness,
                                     const WorkingGrid& grid) {
  const double reach = grid.Px(kNeighbourReachMm);
  std::vector<int> count(centres.size(), 0);
  for (size_t i = 0; i < centres.size(); ++i) {
    for (size_t k = 0; k < centres.size(); ++k) {
      if (k != i && darkness[k] < kNeighbourMaxDarkness && cv::norm(centres[k] - centres[i]) <= reach) ++count[i];
    }
  }
  return count;
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

FrameAnalysis FramePipeline::Analyze(const Frame& frame, const Calibration& calibration, FrameTrace* trace,
                                     const GivenOvary* given_ovary) const {
  CV_Assert(frame.luma.type() == CV_8UC1);
  const PipelineOptions& o = options_;
  FrameAnalysis result;
  result.index = frame.index;
  const bool calibrated = calibration.calibrated();
  if (calibrated) result.counts = SizeCounts{};
  else result.notes.emplace_back(kUncalibratedNote);

  StageClock clock(trace);
  if (frame.luma.cols < kMinFrameSide || frame.luma.rows < kMinFrameSide) {
    result.notes.emplace_back("frame smaller than " + std::to_string(kMinFrameSide) + " pixels a side: not analysed");
    return result;
  }
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
  // A frame without burned-in graphics: skip resampling an empty mask.
  const cv::Mat overlay_w = cv::countNonZero(overlay) > 0 ? cv::Mat(MaskToWorking(overlay, grid) & area_w)
                                                          : cv::Mat::zeros(grid.size, CV_8UC1);
  const cv::Mat filled = FillMasked(working, overlay_w, 1.2, area_w & ~overlay_w);
  clock.Mark("working_and_fill");
  const cv::Mat despeckled = Despeckle(filled, grid, o.despeckle);
  clock.Mark("despeckle");
  // 4-5. Tissue level, dark candidates, split.
  const cv::Mat tissue = EstimateTissueLevel(despeckled, area_w, grid, o.background);
  clock.Mark("tissue_level");
  const CandidateMap candidates = FindDarkCandidates(despeckled, tissue, area_w, grid, o.candidates, o.split);
  clock.Mark("candidates_and_split");

  // 6-7. Refine each outline and describe it; the gross tests (size, image edge) reject at once.
  struct Judged {
    RefinedOutline outline;
    CandidateFeatures features;
    Verdict verdict;
    size_t candidate = 0;  // index into candidates.candidates
    double confidence = 0;
    bool accepted = false;
  };
  std::vector<Judged> judged;
  for (size_t k = 0; k < candidates.candidates.size(); ++k) {
    const Candidate& c = candidates.candidates[k];
    RefinedOutline outline = RefineOutline(despeckled, tissue, candidates.labels, c, grid, o.refine);
    const CandidateFeatures features = DescribeCandidate(outline, despeckled, tissue, area_w, grid, o.lookalikes);
    const Verdict verdict = JudgeCandidate(features, o.lookalikes);
    if (FailsGrossTests(features, o.lookalikes)) {
      if (trace) trace->rejected.push_back({ToFullPolygon(outline.polygon, grid), verdict.reason, features});
      continue;
    }
    judged.push_back({std::move(outline), features, verdict, k});
  }
  clock.Mark("refine_and_lookalikes");

  // 8. The ovary, from the candidates the hand-set tests accept.
  std::vector<OvaryMember> members;
  std::vector<size_t> member_of;
  for (size_t i = 0; i < judged.size(); ++i) {
    if (!judged[i].verdict.accepted) continue;
    members.push_back({judged[i].outline.polygon, judged[i].outline.center, judged[i].verdict.confidence});
    member_of.push_back(i);
  }
  OvaryEstimate ovary;
  if (ovary_model_ || trace) {
    cv::Mat lumens = cv::Mat::zeros(despeckled.size(), CV_8UC1);
    for (const auto& m : members) {
      std::vector<cv::Point> poly;
      for (const auto& p : m.polygon) poly.emplace_back(int(std::lround(p.x)), int(std::lround(p.y)));
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

  // 7b. The decision: the trained judge when there is one, else the hand-set
  // tests and the ovary region.
  const cv::Rect area_box = cv::boundingRect(area_w);
  const double frame_tissue = std::max(1.0, cv::mean(tissue, area_w)[0]);
  // A given ovary replaces the estimate's region (the map's probability stays a
  // feature: the judge was trained with it).
  const bool ovary_given = given_ovary && !given_ovary->empty();
  std::vector<bool> in_given(judged.size(), true);
  if (ovary_given) {
    for (size_t i = 0; i < judged.size(); ++i) in_given[i] = given_ovary->Contains(grid.ToFull(judged[i].outline.center));
  }
  for (size_t k = 0; k < members.size(); ++k) judged[member_of[k]].accepted = ovary_given || ovary.inside[k];
  std::vector<cv::Point2d> centres;
  std::vector<double> darkness;
  for (const Judged& j : judged) {
    centres.push_back(j.outline.center);
    darkness.push_back(j.features.darkness);
  }
  const std::vector<int> dark_neighbours = CountDarkNeighbours(centres, darkness, grid);
  // Every candidate's vector first, then one forest call for all of them.
  cv::Mat rows;
  if (candidate_model_ || trace) {
    rows.create(int(judged.size()), kCandidateFeatureCount, CV_32F);
    for (size_t i = 0; i < judged.size(); ++i) {
      const Judged& j = judged[i];
      CandidateContext context;
      context.dark_neighbours = dark_neighbours[i];
      context.depth_fraction = area_box.height > 0 ? (j.outline.center.y - area_box.y) / area_box.height : 0.0;
      context.ovary_probability = ovary.ProbabilityAt(j.outline.center);
      context.in_ovary_region = ovary_given ? bool(in_given[i]) : ovary.InRegion(j.outline.center);
      context.rule_confidence = j.verdict.confidence;
      context.tissue_relative = j.features.tissue / frame_tissue;
      CandidateVector(j.features, context).copyTo(rows.row(int(i)));
    }
  }
  const std::vector<double> probabilities =
      candidate_model_ ? candidate_model_->PredictRows(rows) : std::vector<double>(judged.size(), -1.0);
  for (size_t i = 0; i < judged.size(); ++i) {
    Judged& j = judged[i];
    const double probability = probabilities[i];
    if (candidate_model_) {
      j.accepted = probability >= (ovary_given ? o.candidate_model.given_ovary_accept_probability
                                               : o.candidate_model.accept_probability);
      j.confidence = probability;
    } else {
      j.confidence = j.verdict.confidence;
    }
    if (!in_given[i]) j.accepted = false;
    if (trace) {
      trace->judged.push_back(
          {grid.ToFull(PolygonCentroid(j.outline.polygon)), rows.row(int(i)).clone(), probability, j.accepted});
    }
  }
  clock.Mark("judge");
  if (ovary_given) result.ovary = MeasureGivenOvary(*given_ovary, calibration);
  else if (ovary.found) result.ovary = MeasureOvary(ovary, grid, calibration);

  // 9. Measure in mm and count.
  bool some_without_scale = false;
  for (size_t i = 0; i < judged.size(); ++i) {
    const Judged& j = judged[i];
    if (!j.accepted) {
      const auto outline_px = ToFullPolygon(j.outline.polygon, grid);
      if (trace) {
        const std::string reason = !in_given[i]      ? "outside the given ovary"
                                   : candidate_model_ ? "judged not a follicle"
                                   : (j.verdict.accepted ? "outside the ovary" : j.verdict.reason);
        trace->rejected.push_back({outline_px, reason, j.features});
      }
      continue;
    }
    const RefinedOutline measured = MeasuredOutline(despeckled, tissue, candidates.labels,
                                                    candidates.candidates[j.candidate], grid, o.refine, j.outline);
    const auto outline_px = ToFullPolygon(measured.polygon, grid);
    Follicle f;
    static_cast<FollicleMeasurement&>(f) = MeasureOutline(outline_px, calibration);
    f.confidence = j.confidence;
    f.id = int(result.follicles.size()) + 1;
    if (calibrated) {
      if (f.mean_mm) result.counts->Add(*f.mean_mm);
      else some_without_scale = true;
    }
    result.follicles.push_back(std::move(f));
    if (trace) trace->accepted_features.push_back(j.features);
  }
  clock.Mark("measure");
  if (some_without_scale) {
    result.notes.emplace_back("some follicles lie outside every calibrated region: no mm sizes for them, not counted");
  }
  if (ovary_given) {
    result.notes.emplace_back("ovary given by the user: only follicles whose centre lies inside it are reported");
  } else if (ovary.found && !ovary_model_) {
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
