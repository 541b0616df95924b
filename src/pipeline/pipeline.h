#pragma once
// The per-frame pipeline: one frame and its calibration in, follicles, ovary
// and counts out. Stateless between frames (a cine is streamed through it one
// frame at a time) and deterministic (same frame, same options, same result).
//
//   image area -> burned-in graphics mask and fill -> working grid (mm) ->
//   despeckle -> tissue level -> dark candidates + split -> outline refinement
//   -> look-alike rejection -> ovary -> measurement in mm -> size bins
//
// Each stage lives in its own header with its options; PipelineOptions holds
// them all (presets in models/*.json, see presets.h).

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/analysis.h"
#include "core/image.h"
#include "core/result.h"
#include "pipeline/candidate_model.h"
#include "pipeline/candidates.h"
#include "pipeline/image_area.h"
#include "pipeline/lookalikes.h"
#include "pipeline/overlay_mask.h"
#include "pipeline/ovary.h"
#include "pipeline/ovary_map.h"
#include "pipeline/refine.h"
#include "pipeline/ruler.h"
#include "pipeline/working_frame.h"

namespace antra::pipeline {

struct PipelineOptions {
  ImageAreaOptions image_area;
  OverlayMaskOptions overlay;
  WorkingOptions working;
  DespeckleOptions despeckle;
  BackgroundOptions background;
  CandidateOptions candidates;
  SplitOptions split;
  RefineOptions refine;
  LookalikeOptions lookalikes;
  OvaryOptions ovary;
  OvaryMapOptions ovary_map;
  CandidateModelOptions candidate_model;
  RulerOptions ruler;
  Status Check() const;
};

// What each stage saw and decided, for tests, tuning tools and the overlay.
struct FrameTrace {
  struct Rejected {
    std::vector<cv::Point2d> outline_px;  // full-image pixels
    std::string reason;
    CandidateFeatures features;
  };
  ImageArea area;
  cv::Mat overlay_mask;  // full-image size
  WorkingGrid grid;
  cv::Mat despeckled;    // working grid
  cv::Mat tissue;        // working grid, CV_32F
  cv::Mat labels;        // working grid, CV_32S candidate labels
  std::vector<CandidateFeatures> accepted_features;  // parallel to FrameAnalysis::follicles
  std::vector<Rejected> rejected;
  // Every candidate that passed the gross tests, with what the judge saw.
  struct Judged {
    cv::Point2d center_px;  // full-image pixels
    cv::Mat vector;         // CandidateVector row
    cv::Mat context_vector;  // ContextJudgeRows row (empty without a candidate model)
    double first_probability = -1;  // the first judge's (-1 without a candidate model)
    double probability = -1;  // the deciding judge's: the context judge's when there is one (-1 without a model)
    bool accepted = false;
  };
  std::vector<Judged> judged;
  std::vector<std::pair<std::string, double>> stage_ms;  // wall time of each stage
  OvaryCells ovary_cells;       // features of the ovary map's cells
  cv::Mat ovary_probability;    // grid-size CV_32F (empty without a model)
};

class FramePipeline {
 public:
  // Checks the options and loads the ovary model they name (from models/
  // unless the path is absolute).
  static Result<FramePipeline> Create(PipelineOptions options);
  const PipelineOptions& options() const { return options_; }

  // `frame.luma` must be CV_8UC1; `frame.rgb` may be empty. A non-empty
  // `given_ovary` replaces the estimated one (see GivenOvary).
  FrameAnalysis Analyze(const Frame& frame, const Calibration& calibration, FrameTrace* trace = nullptr,
                        const GivenOvary* given_ovary = nullptr) const;

 private:
  FramePipeline(PipelineOptions options, std::shared_ptr<const OvaryModel> ovary_model,
                std::shared_ptr<const CandidateModel> candidate_model,
                std::shared_ptr<const CandidateModel> context_model)
      : options_(std::move(options)),
        ovary_model_(std::move(ovary_model)),
        candidate_model_(std::move(candidate_model)),
        context_model_(std::move(context_model)) {}
  PipelineOptions options_;
  std::shared_ptr<const OvaryModel> ovary_model_;          // null: group estimate only
  std::shared_ptr<const CandidateModel> candidate_model_;  // null: hand-set tests only
  std::shared_ptr<const CandidateModel> context_model_;    // null: the first judge decides
};

// The note every uncalibrated result carries.
inline constexpr const char* kUncalibratedNote =
    "uncalibrated: outlines and pixel sizes only, no mm sizes and no AFC";

}  // namespace antra::pipeline
