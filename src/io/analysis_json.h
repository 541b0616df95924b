#pragma once
// JSON form of an ImageAnalysis (docs/schemas/analysis.schema.json). Written
// by `antra analyze`, read back by the scorer, the batch cache and the study
// model. Identifies images by SOP Instance UID and path, never by patient.

#include <cstdint>

#include <nlohmann/json.hpp>
#include <opencv2/core/types.hpp>

#include "core/analysis.h"
#include "core/result.h"

namespace antra {

nlohmann::json AnalysisToJson(const ImageAnalysis& analysis);
Result<ImageAnalysis> AnalysisFromJson(const nlohmann::json& json);

nlohmann::json FollicleToJson(const FollicleMeasurement& f);
// Reads FollicleToJson() output back (the review viewer's saved edits).
Result<FollicleMeasurement> FollicleFromJson(const nlohmann::json& json);
nlohmann::json CountsToJson(const std::optional<SizeCounts>& counts);

// A box on an image (the ovary a reader boxed) as [x, y, width, height] in
// whole pixels; read back only when it is not empty and lies inside an image
// of `width` x `height` (checked in 64 bits: a hostile file cannot overflow it).
nlohmann::json ImageBoxToJson(const cv::Rect& box);
bool ImageBoxFits(std::int64_t x, std::int64_t y, std::int64_t box_width, std::int64_t box_height, int width, int height);
Result<cv::Rect> ImageBoxFromJson(const nlohmann::json& json, int width, int height);

// Rebuilds a Calibration from CalibrationToJson() output.
Result<Calibration> CalibrationFromJson(const nlohmann::json& json, int width, int height);

}  // namespace antra
