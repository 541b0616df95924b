#include "core/calibration.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace antra {

namespace {
constexpr int kUnitsCentimetre = 3;
constexpr int kSpatialFormat2D = 1;
// A region scale beyond 1 cm per pixel is not an ultrasound image.
constexpr double kMaxDeltaCm = 1.0;

bool UsableDelta(double delta) {
  return std::isfinite(delta) && delta != 0.0 && std::abs(delta) <= kMaxDeltaCm;
}
}  // namespace

const char* ToString(CalibrationSource source) {
  switch (source) {
    case CalibrationSource::kNone: return "none";
    case CalibrationSource::kUltrasoundRegions: return "ultrasound-regions";
    case CalibrationSource::kPixelSpacing: return "pixel-spacing";
    case CalibrationSource::kRuler: return "ruler";
    case CalibrationSource::kUser: return "user";
  }
  return "none";
}

PixelScale UltrasoundRegion::scale() const {
  return {std::abs(physical_delta_x) * 10.0, std::abs(physical_delta_y) * 10.0};
}

void ValidateRegions(std::vector<UltrasoundRegion>& regions, int width, int height) {
  for (auto& r : regions) {
    r.usable = false;
    r.box = {};
    r.note.clear();
    if (r.spatial_format != kSpatialFormat2D) {
      r.note = "not a 2D region (spatial format " + std::to_string(r.spatial_format) + ")";
      continue;
    }
    if (r.units_x != kUnitsCentimetre || r.units_y != kUnitsCentimetre) {
      r.note = "physical units are not cm (" + std::to_string(r.units_x) + "/" + std::to_string(r.units_y) + ")";
      continue;
    }
    if (!UsableDelta(r.physical_delta_x) || !UsableDelta(r.physical_delta_y)) {
      r.note = "physical delta is zero, not finite or implausible";
      continue;
    }
    if (r.min_x0 < 0 || r.min_y0 < 0 || r.max_x1 < r.min_x0 || r.max_y1 < r.min_y0) {
      r.note = "region box is empty or negative";
      continue;
    }
    int x1 = r.max_x1;
    int y1 = r.max_y1;
    if (x1 > width || y1 > height || r.min_x0 >= width || r.min_y0 >= height) {
      r.note = "region box [" + std::to_string(r.min_x0) + "," + std::to_string(r.min_y0) + "]-[" +
               std::to_string(r.max_x1) + "," + std::to_string(r.max_y1) + "] runs past the " +
               std::to_string(width) + "x" + std::to_string(height) + " image (rescaled without updating regions?)";
      continue;
    }
    // Some scanners (Mindray) write the exclusive edge as MaxX1/MaxY1.
    if (x1 == width || y1 == height) {
      r.note = "region box edge equals the image size; clamped by one pixel";
      x1 = std::min(x1, width - 1);
      y1 = std::min(y1, height - 1);
    }
    if (r.physical_delta_x < 0 || r.physical_delta_y < 0) {
      r.note += (r.note.empty() ? "" : "; ");
      r.note += "negative physical delta (direction only); magnitude used";
    }
    r.box = cv::Rect(r.min_x0, r.min_y0, x1 - r.min_x0 + 1, y1 - r.min_y0 + 1);
    r.usable = true;
  }
}

Calibration Calibration::Uncalibrated(std::string why) {
  Calibration c;
  c.detail_ = std::move(why);
  return c;
}

Calibration Calibration::FromRegions(std::vector<UltrasoundRegion> regions, std::string detail) {
  Calibration c;
  c.regions_ = std::move(regions);
  c.detail_ = std::move(detail);
  for (const auto& r : c.regions_) {
    if (r.usable) {
      c.source_ = CalibrationSource::kUltrasoundRegions;
      c.confidence_ = 1.0;
      break;
    }
  }
  return c;
}

Calibration Calibration::Global(CalibrationSource source, PixelScale scale, double confidence,
                                std::string detail) {
  Calibration c;
  const bool valid = std::isfinite(scale.mm_per_px_x) && std::isfinite(scale.mm_per_px_y) &&
                     scale.mm_per_px_x > 0 && scale.mm_per_px_y > 0;
  if (source == CalibrationSource::kNone || source == CalibrationSource::kUltrasoundRegions || !valid) {
    throw std::invalid_argument("Calibration::Global needs a global source and a positive scale");
  }
  c.source_ = source;
  c.global_scale_ = scale;
  c.confidence_ = confidence;
  c.detail_ = std::move(detail);
  return c;
}

const UltrasoundRegion* Calibration::RegionAt(cv::Point2d p) const {
  const UltrasoundRegion* best = nullptr;
  for (const auto& r : regions_) {
    if (!r.usable) continue;
    // Boxes are pixel-inclusive; a point on a pixel centre x belongs to [x-0.5, x+0.5).
    const bool inside = p.x >= r.box.x - 0.5 && p.x < r.box.x + r.box.width - 0.5 &&
                        p.y >= r.box.y - 0.5 && p.y < r.box.y + r.box.height - 0.5;
    if (inside && (!best || r.box.area() < best->box.area())) best = &r;
  }
  return best;
}

std::optional<PixelScale> Calibration::ScaleAt(cv::Point2d p) const {
  switch (source_) {
    case CalibrationSource::kNone: return std::nullopt;
    case CalibrationSource::kUltrasoundRegions: {
      const auto* r = RegionAt(p);
      if (!r) return std::nullopt;
      return r->scale();
    }
    default: return global_scale_;
  }
}

std::optional<double> Calibration::LengthMm(cv::Point2d a, cv::Point2d b) const {
  std::optional<PixelScale> scale;
  if (source_ == CalibrationSource::kUltrasoundRegions) {
    const auto* ra = RegionAt(a);
    const auto* rb = RegionAt(b);
    if (!ra || ra != rb) return std::nullopt;
    scale = ra->scale();
  } else {
    scale = ScaleAt(a);
  }
  if (!scale) return std::nullopt;
  const double dx = (b.x - a.x) * scale->mm_per_px_x;
  const double dy = (b.y - a.y) * scale->mm_per_px_y;
  return std::hypot(dx, dy);
}

std::optional<double> Calibration::AreaMm2(double area_px, cv::Point2d where) const {
  const auto s = ScaleAt(where);
  if (!s) return std::nullopt;
  return area_px * s->mm_per_px_x * s->mm_per_px_y;
}

std::optional<PixelScale> Calibration::NominalScale() const {
  if (source_ == CalibrationSource::kNone) return std::nullopt;
  if (global_scale_) return global_scale_;
  for (const auto& r : regions_) {
    if (r.usable && r.data_type == 1) return r.scale();
  }
  for (const auto& r : regions_) {
    if (r.usable) return r.scale();
  }
  return std::nullopt;
}

}  // namespace antra
