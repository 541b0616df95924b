#include "dicom/dataset_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

namespace antra {

namespace {

int GetUint16(DcmItem& item, const DcmTagKey& tag) {
  Uint16 v = 0;
  return item.findAndGetUint16(tag, v).good() ? v : 0;
}

// RegionLocation values are UL; a few writers use signed values, so read as
// 64-bit and let validation reject anything outside the image.
long long GetUint32(DcmItem& item, const DcmTagKey& tag) {
  Uint32 v = 0;
  if (item.findAndGetUint32(tag, v).good()) return v;
  Sint32 s = 0;
  return item.findAndGetSint32(tag, s).good() ? s : 0;
}

std::optional<int> GetOptionalSint32(DcmItem& item, const DcmTagKey& tag) {
  Sint32 v = 0;
  if (item.findAndGetSint32(tag, v).good()) return v;
  Uint32 u = 0;
  if (item.findAndGetUint32(tag, u).good()) return static_cast<int>(u);
  return std::nullopt;
}

double GetFloat64(DcmItem& item, const DcmTagKey& tag) {
  Float64 v = 0;
  return item.findAndGetFloat64(tag, v).good() ? v : 0.0;
}

int ClampToInt(long long v) { return static_cast<int>(std::clamp<long long>(v, -1, 1 << 30)); }

}  // namespace

std::vector<UltrasoundRegion> ReadUltrasoundRegions(DcmItem& dataset) {
  std::vector<UltrasoundRegion> regions;
  for (int i = 0;; ++i) {
    DcmItem* item = nullptr;
    if (dataset.findAndGetSequenceItem(DCM_SequenceOfUltrasoundRegions, item, i).bad() || !item) break;
    UltrasoundRegion r;
    r.index = i;
    r.spatial_format = GetUint16(*item, DCM_RegionSpatialFormat);
    r.data_type = GetUint16(*item, DCM_RegionDataType);
    r.flags = static_cast<unsigned>(GetUint32(*item, DCM_RegionFlags));
    r.min_x0 = ClampToInt(GetUint32(*item, DCM_RegionLocationMinX0));
    r.min_y0 = ClampToInt(GetUint32(*item, DCM_RegionLocationMinY0));
    r.max_x1 = ClampToInt(GetUint32(*item, DCM_RegionLocationMaxX1));
    r.max_y1 = ClampToInt(GetUint32(*item, DCM_RegionLocationMaxY1));
    r.units_x = GetUint16(*item, DCM_PhysicalUnitsXDirection);
    r.units_y = GetUint16(*item, DCM_PhysicalUnitsYDirection);
    r.physical_delta_x = GetFloat64(*item, DCM_PhysicalDeltaX);
    r.physical_delta_y = GetFloat64(*item, DCM_PhysicalDeltaY);
    r.reference_pixel_x0 = GetOptionalSint32(*item, DCM_ReferencePixelX0);
    r.reference_pixel_y0 = GetOptionalSint32(*item, DCM_ReferencePixelY0);
    regions.push_back(r);
    if (regions.size() >= 64) break;  // no scanner writes more; a hostile file might
  }
  return regions;
}

Calibration ReadCalibration(DcmItem& dataset, int width, int height, std::vector<std::string>& warnings) {
  auto regions = ReadUltrasoundRegions(dataset);
  ValidateRegions(regions, width, height);
  std::ostringstream unusable;
  bool any_usable = false;
  for (const auto& r : regions) {
    if (r.usable) any_usable = true;
    if (!r.note.empty()) {
      warnings.push_back("ultrasound region " + std::to_string(r.index) + ": " + r.note);
      if (!r.usable) unusable << (unusable.tellp() > 0 ? "; " : "") << "region " << r.index << ": " << r.note;
    }
  }

  // PixelSpacing is row spacing \ column spacing, in mm.
  std::optional<PixelScale> spacing;
  OFString row_spacing, column_spacing;
  if (dataset.findAndGetOFString(DCM_PixelSpacing, row_spacing, 0).good() &&
      dataset.findAndGetOFString(DCM_PixelSpacing, column_spacing, 1).good()) {
    char* end_row = nullptr;
    char* end_col = nullptr;
    const double dy = std::strtod(row_spacing.c_str(), &end_row);
    const double dx = std::strtod(column_spacing.c_str(), &end_col);
    if (std::isfinite(dx) && std::isfinite(dy) && dx > 0 && dy > 0 && dx < 10 && dy < 10) {
      spacing = PixelScale{dx, dy};
    } else {
      warnings.push_back("PixelSpacing is present but not a plausible positive value; ignored");
    }
  }

  if (any_usable) {
    if (spacing) {
      const auto* first = [&]() -> const UltrasoundRegion* {
        for (const auto& r : regions) if (r.usable) return &r;
        return nullptr;
      }();
      const auto s = first->scale();
      if (std::abs(s.mm_per_px_x - spacing->mm_per_px_x) > 1e-4 * s.mm_per_px_x) {
        warnings.push_back("PixelSpacing disagrees with the ultrasound regions; the regions are used");
      }
    }
    return Calibration::FromRegions(std::move(regions), "from the Sequence of Ultrasound Regions");
  }
  if (spacing) {
    std::string detail = "from PixelSpacing (0028,0030)";
    if (!regions.empty()) detail += "; no usable ultrasound region (" + unusable.str() + ")";
    return Calibration::Global(CalibrationSource::kPixelSpacing, *spacing, 1.0, detail);
  }
  if (regions.empty()) {
    return Calibration::Uncalibrated("no Sequence of Ultrasound Regions and no PixelSpacing");
  }
  // Uncalibrated, but keep the regions so `antra info` can show what was rejected.
  return Calibration::FromRegions(std::move(regions),
                                  "no usable ultrasound region (" + unusable.str() + ") and no PixelSpacing");
}

}  // namespace antra
