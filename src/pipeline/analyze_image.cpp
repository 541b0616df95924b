#include "pipeline/analyze_image.h"

#include <sstream>

#include "pipeline/presets.h"

namespace antra::pipeline {

Status AnalyzeOptions::Check() const {
  if (frame && *frame < 0) return MakeError(ErrorCode::kInvalidArgument, "--frame must be 0 or more");
  if (Status s = cine.Check(); !s) return s;
  return pipeline.Check();
}

Calibration ResolveCalibration(const ImageInfo& info, const Frame& first_frame, const AnalyzeOptions& options) {
  if (info.calibration.calibrated() || !options.detect_ruler) return info.calibration;
  const auto ruler = DetectDepthRuler(first_frame.luma, options.pipeline.ruler);
  if (!ruler) {
    return Calibration::Uncalibrated(info.calibration.detail() + "; no depth ruler found on the image");
  }
  std::ostringstream detail;
  detail.precision(4);
  detail << "depth ruler at x=" << ruler->column_x << ": " << ruler->detail << "; " << ruler->px_per_cm
         << " px per cm";
  return Calibration::Global(CalibrationSource::kRuler, {ruler->mm_per_px, ruler->mm_per_px}, ruler->confidence,
                             detail.str());
}

PipelineOptions FrameOptionsForLinkedSweeps(PipelineOptions options) {
  options.candidate_model.context_model.clear();
  return options;
}

Result<ImageAnalysis> AnalyzeImage(ImageSource& source, const AnalyzeOptions& options, const FrameCallback& on_frame) {
  if (Status s = options.Check(); !s) return s.error();
  const ImageInfo& info = source.info();
  if (options.frame && *options.frame >= info.frame_count) {
    return MakeError(ErrorCode::kInvalidArgument, "frame " + std::to_string(*options.frame) + " requested, the file has " +
                                                      std::to_string(info.frame_count));
  }
  if (!options.ovary.empty()) {
    if ((options.ovary.Bounds() & cv::Rect(0, 0, info.width, info.height)).area() == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "the given ovary lies outside the " + std::to_string(info.width) + "x" +
                                                        std::to_string(info.height) + " image");
    }
  }
  ImageAnalysis analysis;
  analysis.software_version = options.software_version;
  analysis.path = info.path.string();
  analysis.sop_instance_uid = info.sop_instance_uid;
  analysis.study_instance_uid = info.study_instance_uid;
  analysis.series_instance_uid = info.series_instance_uid;
  analysis.width = info.width;
  analysis.height = info.height;
  analysis.frame_count = info.frame_count;
  analysis.parameters_hash = ParametersHash(options.pipeline);

  const int first = options.frame.value_or(0);
  const int last = options.frame ? *options.frame : info.frame_count - 1;
  const bool link = options.link_cine && last > first;
  auto created = FramePipeline::Create(link ? FrameOptionsForLinkedSweeps(options.pipeline) : options.pipeline);
  if (!created) return created.error();
  const FramePipeline& pipeline = *created;
  std::optional<CineLinker> linker;
  for (int index = first; index <= last; ++index) {
    auto frame = source.ReadFrame(index);
    if (!frame) return MakeError(frame.error().code, "frame " + std::to_string(index) + ": " + frame.error().message);
    if (index == first) {
      analysis.calibration = ResolveCalibration(info, *frame, options);
      if (link) linker.emplace(options.cine, analysis.calibration);
    }
    FrameAnalysis result = pipeline.Analyze(*frame, analysis.calibration, nullptr, &options.ovary);
    if (linker) {
      if (Status s = linker->AddFrame(result, frame->luma); !s) return s.error();
    }
    if (on_frame) on_frame(*frame, result, analysis.calibration);
    analysis.frames.push_back(std::move(result));
  }
  if (linker) analysis.cine_follicles = linker->Finish();

  if (!analysis.calibration.calibrated()) {
    analysis.notes.emplace_back(std::string(kUncalibratedNote) + " (" + analysis.calibration.detail() + ")");
  } else if (analysis.calibration.source() == CalibrationSource::kRuler) {
    analysis.notes.emplace_back("scale read from the burned-in depth ruler; check it against a known distance");
  }
  for (const auto& w : info.warnings) analysis.notes.push_back("image: " + w);
  if (!options.ovary.empty()) {
    analysis.notes.emplace_back("ovary given by the user, not estimated: follicles outside it are not reported");
  }
  if (analysis.frames.size() == 1 && analysis.calibration.calibrated()) {
    analysis.counts = analysis.frames.front().counts;
    analysis.counts_source = "single-frame";
  } else if (linker) {
    analysis.counts = CountUniqueFollicles(analysis.cine_follicles, analysis.calibration.calibrated());
    analysis.counts_source = analysis.counts ? "unique-follicles" : "";
    analysis.notes.emplace_back("cine: " + std::to_string(analysis.cine_follicles.size()) +
                                " unique follicles linked across " + std::to_string(analysis.frames.size()) +
                                " frames, each sized at its largest cross-section");
  } else if (analysis.frames.size() > 1) {
    analysis.notes.emplace_back("multi-frame: per-frame follicles and counts only (linking across frames disabled)");
  }
  return analysis;
}

}  // namespace antra::pipeline
