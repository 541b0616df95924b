#pragma once
// The documented JSON view of an ImageInfo and its calibration (schema:
// docs/schemas/image-info.schema.json). Never includes patient identity.

#include <nlohmann/json.hpp>

#include "core/image.h"

namespace antra {

nlohmann::json CalibrationToJson(const Calibration& calibration);
nlohmann::json ImageInfoToJson(const ImageInfo& info);

}  // namespace antra
