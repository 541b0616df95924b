#pragma once
// Reads the calibration a DICOM dataset carries: the Sequence of Ultrasound
// Regions (0018,6011) first, PixelSpacing (0028,0030) as the fallback.

#include <vector>

#include "core/calibration.h"

class DcmItem;

namespace antra {

// Every item of (0018,6011) as written (not yet validated).
std::vector<UltrasoundRegion> ReadUltrasoundRegions(DcmItem& dataset);

// Applies the rules: usable 2D cm regions, else PixelSpacing, else uncalibrated
// with the reason. `warnings` receives notes a reader should see.
Calibration ReadCalibration(DcmItem& dataset, int width, int height, std::vector<std::string>& warnings);

}  // namespace antra
