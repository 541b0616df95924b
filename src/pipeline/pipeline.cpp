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
  std::shared_ptr<const CandidateModel> context_model;
  if (!options.candidate_model.context_model.empty()) {
    auto loaded =
        CandidateModel::Load(ModelPath(options.candidate_model.context_model).string(), kContextJudgeFeatureCount);
    if (!loaded) return loaded.error();
    context_model = *loaded;
  }
  return FramePipeline(std::move(options), std::move(ovary_model), std::move(candidate_model),
                       std::move(context_model));
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

// Stages 2 to 5 on a frame whose image area was found: burned-in graphics
// masked and filled, working grid, speckle reduced, tissue level.
struct PreparedFrame {
  cv::Mat overlay;  // full-image size
  WorkingGrid grid;
  cv::Mat area_w;   // the image area on the working grid
  cv::Mat despeckled;
  cv::Mat tissue;
};

PreparedFrame PrepareFrame(const Frame& frame, const Calibration& calibration, const ImageArea& area,
                           const PipelineOptions& o, StageClock& clock) {
  PreparedFrame p;
  // 2. Burned-in graphics.
  p.overlay = FindOverlayMask(frame.rgb, frame.luma, area.small, o.overlay);
  clock.Mark("overlay_mask");
  // 3. Working grid, graphics filled, speckle reduced.
  p.grid = MakeWorkingGrid(frame.luma.size(), calibration.NominalScale(), area.box.height, o.working);
  const cv::Mat working = ToWorking(frame.luma, p.grid);
  p.area_w = area.MaskAt(p.grid.size);
  // A frame without burned-in graphics: skip resampling an empty mask.
  const cv::Mat overlay_w = cv::countNonZero(p.overlay) > 0 ? cv::Mat(MaskToWorking(p.overlay, p.grid) & p.area_w)
                                                            : cv::Mat::zeros(p.grid.size, CV_8UC1);
  const cv::Mat filled = FillMasked(working, overlay_w, 1.2, p.area_w & ~overlay_w);
  clock.Mark("working_and_fill");
  p.despeckled = Despeckle(filled, p.grid, o.despeckle);
  clock.Mark("despeckle");
  // 4. Tissue level.
  p.tissue = EstimateTissueLevel(p.despeckled, p.area_w, p.grid, o.background);
  clock.Mark("tissue_level");
  return p;
}

// A candidate that passed the gross tests, on its way through the judge.
struct Judged {
  RefinedOutline outline;
  CandidateFeatures features;
  Verdict verdict;
  size_t candidate = 0;  // index into CandidateMap::candidates
  double confidence = 0;
  bool accepted = false;
  bool in_given_ovary = true;  // false only outside an ovary the user gave
};

// 6-7. Refine each candidate's outline and describe it; the gross tests (size,
// image edge) reject at once.
std::vector<Judged> DescribeCandidates(const PreparedFrame& p, const CandidateMap& candidates, const PipelineOptions& o,
                                       FrameTrace* trace) {
  std::vector<Judged> judged;
  for (size_t k = 0; k < candidates.candidates.size(); ++k) {
    RefinedOutline outline =
        RefineOutline(p.despeckled, p.tissue, candidates.labels, candidates.candidates[k], p.grid, o.refine);
    const CandidateFeatures features = DescribeCandidate(outline, p.despeckled, p.tissue, p.area_w, p.grid, o.lookalikes);
    const Verdict verdict = JudgeCandidate(features, o.lookalikes);
    if (FailsGrossTests(features, o.lookalikes)) {
      if (trace) trace->rejected.push_back({ToFullPolygon(outline.polygon, p.grid), verdict.reason, features});
      continue;
    }
    judged.push_back({std::move(outline), features, verdict, k});
  }
  return judged;
}

// 8. The ovary, from the candidates the hand-set tests accept: the ovary map's
// most probable region with a model, else the group of those candidates. Those
// candidates start accepted when they lie in it (the judge, when there is one,
// decides again), or all of them when the user gave the ovary.
OvaryEstimate EstimateOvary(const PreparedFrame& p, std::vector<Judged>& judged, const OvaryModel* ovary_model,
                            bool ovary_given, const PipelineOptions& o, StageClock& clock, FrameTrace* trace) {
  std::vector<OvaryMember> members;
  std::vector<size_t> member_of;
  for (size_t i = 0; i < judged.size(); ++i) {
    if (!judged[i].verdict.accepted) continue;
    members.push_back({judged[i].outline.polygon, judged[i].outline.center, judged[i].verdict.confidence});
    member_of.push_back(i);
  }
  OvaryEstimate ovary;
  if (ovary_model || trace) {
    cv::Mat lumens = cv::Mat::zeros(p.despeckled.size(), CV_8UC1);
    for (const auto& m : members) {
      std::vector<cv::Point> poly;
      for (const auto& q : m.polygon) poly.emplace_back(int(std::lround(q.x)), int(std::lround(q.y)));
      cv::fillPoly(lumens, std::vector<std::vector<cv::Point>>{poly}, 255);
    }
    OvaryCells cells = DescribeOvaryCells(p.despeckled, p.tissue, p.area_w, lumens, p.grid, o.ovary_map);
    clock.Mark("ovary_features");
    if (ovary_model) {
      const cv::Mat probability = ovary_model->Predict(cells);
      clock.Mark("ovary_model");
      ovary = LocateOvaryFromMap(probability, cells.cell_px, p.despeckled.size(), members, p.grid, o.ovary, o.ovary_map);
      if (trace) trace->ovary_probability = probability;
    }
    if (trace) trace->ovary_cells = std::move(cells);
  }
  if (!ovary_model) ovary = LocateOvary(members, p.grid, o.ovary);
  clock.Mark("ovary_region");
  for (size_t k = 0; k < members.size(); ++k) judged[member_of[k]].accepted = ovary_given || ovary.inside[k];
  return ovary;
}

// Every judged candidate's feature vector, one row each (CandidateVector).
cv::Mat CandidateRows(const PreparedFrame& p, const std::vector<Judged>& judged, const OvaryEstimate& ovary,
                      bool ovary_given) {
  const cv::Rect area_box = cv::boundingRect(p.area_w);
  const double frame_tissue = std::max(1.0, cv::mean(p.tissue, p.area_w)[0]);
  std::vector<cv::Point2d> centres;
  std::vector<double> darkness;
  for (const Judged& j : judged) {
    centres.push_back(j.outline.center);
    darkness.push_back(j.features.darkness);
  }
  const std::vector<int> dark_neighbours = CountDarkNeighbours(centres, darkness, p.grid);
  cv::Mat rows(int(judged.size()), kCandidateFeatureCount, CV_32F);
  for (size_t i = 0; i < judged.size(); ++i) {
    const Judged& j = judged[i];
    CandidateContext context;
    context.dark_neighbours = dark_neighbours[i];
    context.depth_fraction = area_box.height > 0 ? (j.outline.center.y - area_box.y) / area_box.height : 0.0;
    context.ovary_probability = ovary.ProbabilityAt(j.outline.center);
    context.in_ovary_region = ovary_given ? j.in_given_ovary : ovary.InRegion(j.outline.center);
    context.rule_confidence = j.verdict.confidence;
    context.tissue_relative = j.features.tissue / frame_tissue;
    CandidateVector(j.features, context).copyTo(rows.row(int(i)));
  }
  return rows;
}

// 7b. The decision: the trained judge when there is one (all candidates in one
// forest call), else the hand-set tests and the ovary region. Nothing outside
// an ovary the user gave is accepted.
void JudgeCandidates(const PreparedFrame& p, std::vector<Judged>& judged, const OvaryEstimate& ovary,
                     const GivenOvary* given_ovary, const CandidateModel* model, const CandidateModel* context_model,
                     const CandidateModelOptions& options, FrameTrace* trace) {
  const bool ovary_given = given_ovary && !given_ovary->empty();
  if (ovary_given) {
    for (Judged& j : judged) j.in_given_ovary = given_ovary->Contains(p.grid.ToFull(j.outline.center));
  }
  // The map's probability stays a feature with a given ovary: the judge was
  // trained with it.
  const cv::Mat rows = model || trace ? CandidateRows(p, judged, ovary, ovary_given) : cv::Mat();
  const std::vector<double> first =
      model ? model->PredictRows(rows) : std::vector<double>(judged.size(), -1.0);
  // The context judge decides again from the first judge's view of each
  // candidate and its neighbours (traced for its trainer even without it).
  cv::Mat context_rows;
  if (model && (context_model || trace)) {
    std::vector<cv::Point2d> centres_mm;
    for (const Judged& j : judged) centres_mm.push_back(j.outline.center * p.grid.mm_per_px);
    context_rows = ContextJudgeRows(rows, first, centres_mm);
  }
  const std::vector<double> probabilities = context_model ? context_model->PredictRows(context_rows) : first;
  const double accept_probability =
      ovary_given ? options.given_ovary_accept_probability : options.accept_probability;
  for (size_t i = 0; i < judged.size(); ++i) {
    Judged& j = judged[i];
    if (model) {
      j.accepted = probabilities[i] >= accept_probability;
      j.confidence = probabilities[i];
    } else {
      j.confidence = j.verdict.confidence;
    }
    if (!j.in_given_ovary) j.accepted = false;
    if (trace) {
      trace->judged.push_back({p.grid.ToFull(PolygonCentroid(j.outline.polygon)), rows.row(int(i)).clone(),
                               context_rows.empty() ? cv::Mat() : context_rows.row(int(i)).clone(), first[i],
                               probabilities[i], j.accepted});
    }
  }
}

// Why the trace lists a judged candidate as rejected.
std::string RejectionReason(const Judged& j, bool has_model) {
  if (!j.in_given_ovary) return "outside the given ovary";
  if (has_model) return "judged not a follicle";
  return j.verdict.accepted ? "outside the ovary" : j.verdict.reason;
}

// 9. The accepted candidates' outlines measured again for the report (a second
// trace and a trim: refine.h, MeasuredOutline), in mm, and counted by size.
void MeasureAccepted(const PreparedFrame& p, const CandidateMap& candidates, const std::vector<Judged>& judged,
                     const Calibration& calibration, bool has_model, const RefineOptions& refine,
                     FrameAnalysis& result, FrameTrace* trace) {
  bool some_without_scale = false;
  for (const Judged& j : judged) {
    if (!j.accepted) {
      if (trace) trace->rejected.push_back({ToFullPolygon(j.outline.polygon, p.grid), RejectionReason(j, has_model), j.features});
      continue;
    }
    const RefinedOutline measured = MeasuredOutline(p.despeckled, p.tissue, candidates.labels,
                                                    candidates.candidates[j.candidate], p.grid, refine, j.outline);
    Follicle f;
    static_cast<FollicleMeasurement&>(f) = MeasureOutline(ToFullPolygon(measured.polygon, p.grid), calibration);
    f.confidence = j.confidence;
    f.id = int(result.follicles.size()) + 1;
    if (result.counts) {
      if (f.mean_mm) result.counts->Add(*f.mean_mm);
      else some_without_scale = true;
    }
    result.follicles.push_back(std::move(f));
    if (trace) trace->accepted_features.push_back(j.features);
  }
  if (some_without_scale) {
    result.notes.emplace_back("some follicles lie outside every calibrated region: no mm sizes for them, not counted");
  }
}

}  // namespace

FrameAnalysis FramePipeline::Analyze(const Frame& frame, const Calibration& calibration, FrameTrace* trace,
                                     const GivenOvary* given_ovary) const {
  CV_Assert(frame.luma.type() == CV_8UC1);
  const PipelineOptions& o = options_;
  FrameAnalysis result;
  result.index = frame.index;
  if (calibration.calibrated()) result.counts = SizeCounts{};
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
  const PreparedFrame p = PrepareFrame(frame, calibration, area, o, clock);
  // 5. Dark candidates, touching ones split.
  const CandidateMap candidates = FindDarkCandidates(p.despeckled, p.tissue, p.area_w, p.grid, o.candidates, o.split);
  clock.Mark("candidates_and_split");
  std::vector<Judged> judged = DescribeCandidates(p, candidates, o, trace);
  clock.Mark("refine_and_lookalikes");
  const bool ovary_given = given_ovary && !given_ovary->empty();
  const OvaryEstimate ovary = EstimateOvary(p, judged, ovary_model_.get(), ovary_given, o, clock, trace);
  JudgeCandidates(p, judged, ovary, given_ovary, candidate_model_.get(), context_model_.get(), o.candidate_model,
                  trace);
  clock.Mark("judge");
  if (ovary_given) result.ovary = MeasureGivenOvary(*given_ovary, calibration);
  else if (ovary.found) result.ovary = MeasureOvary(ovary, p.grid, calibration);
  MeasureAccepted(p, candidates, judged, calibration, candidate_model_ != nullptr, o.refine, result, trace);
  clock.Mark("measure");
  if (ovary_given) {
    result.notes.emplace_back("ovary given by the user: only follicles whose centre lies inside it are reported");
  } else if (ovary.found && !ovary_model_) {
    result.notes.emplace_back("ovary outline estimated from the follicle group (hull plus margin), not traced");
  }
  if (trace) {
    trace->area = std::move(area);
    trace->overlay_mask = p.overlay;
    trace->grid = p.grid;
    trace->despeckled = p.despeckled;
    trace->tissue = p.tissue;
    trace->labels = candidates.labels;
  }
  return result;
}

}  // namespace antra::pipeline
