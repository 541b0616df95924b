#pragma once
// Physical pixel size of a frame. Ultrasound DICOM stores it per region in the
// Sequence of Ultrasound Regions (0018,6011) as PhysicalDeltaX/Y in cm per
// pixel; a measurement belongs to the region that contains it. Plain images get
// a scale from the user or from the burned-in depth ruler. An uncalibrated
// frame has no scale at all: nothing here ever assumes 1 mm per pixel.

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/types.hpp>

namespace antra {

enum class CalibrationSource {
  kNone,               // uncalibrated: no millimetres anywhere downstream
  kUltrasoundRegions,  // (0018,6011) PhysicalDeltaX/Y
  kPixelSpacing,       // (0028,0030) fallback
  kRuler,              // detected burned-in depth ruler
  kUser,               // --mm-per-pixel
};
const char* ToString(CalibrationSource source);

struct PixelScale {
  double mm_per_px_x = 0;  // along columns
  double mm_per_px_y = 0;  // along rows
};

// One item of (0018,6011), as written, plus what Antra concluded about it.
struct UltrasoundRegion {
  int index = 0;  // position in the sequence
  int spatial_format = 0;  // (0018,6012) 1 = 2D
  int data_type = 0;       // (0018,6014) 1 = tissue
  unsigned flags = 0;      // (0018,6016)
  int min_x0 = 0, min_y0 = 0, max_x1 = 0, max_y1 = 0;  // inclusive box as written
  int units_x = 0, units_y = 0;                         // (0018,6024/6026) 3 = cm
  double physical_delta_x = 0, physical_delta_y = 0;    // as written, may be negative
  std::optional<int> reference_pixel_x0, reference_pixel_y0;

  // Set by ValidateRegions().
  bool usable = false;   // a 2D region in cm whose box fits the image
  cv::Rect box;          // validated box in pixels (exclusive right/bottom)
  std::string note;      // why it is unusable, or what was tolerated

  PixelScale scale() const;  // |delta| x 10, valid only when usable
};

// Marks each region usable or not for an image of width x height:
// 2D (spatial format 1), units cm (3) on both axes, finite non-zero deltas,
// and a box inside the image. A box whose far edge equals the image size (the
// Mindray off-by-one) is clamped and noted; a box that runs further past the
// image (a rescaled image whose regions were not updated) is rejected.
void ValidateRegions(std::vector<UltrasoundRegion>& regions, int width, int height);

class Calibration {
 public:
  static Calibration Uncalibrated(std::string why);
  static Calibration FromRegions(std::vector<UltrasoundRegion> regions, std::string detail);
  static Calibration Global(CalibrationSource source, PixelScale scale, double confidence,
                            std::string detail);

  CalibrationSource source() const { return source_; }
  bool calibrated() const { return source_ != CalibrationSource::kNone; }
  double confidence() const { return confidence_; }
  const std::string& detail() const { return detail_; }
  const std::vector<UltrasoundRegion>& regions() const { return regions_; }
  const std::optional<PixelScale>& global_scale() const { return global_scale_; }

  // The smallest usable region containing the pixel, or null.
  const UltrasoundRegion* RegionAt(cv::Point2d p) const;
  // Scale at a pixel: its region's for region calibration, the global one otherwise.
  std::optional<PixelScale> ScaleAt(cv::Point2d p) const;
  // Length of a segment in mm; empty when uncalibrated or when the ends lie in
  // different regions (a caliper cannot span two panes).
  std::optional<double> LengthMm(cv::Point2d a, cv::Point2d b) const;
  // Area in mm^2 of `area_px` pixels located around `where`.
  std::optional<double> AreaMm2(double area_px, cv::Point2d where) const;
  // A representative scale for the whole frame (first usable region), for
  // stages that need one number, such as a filter radius in pixels.
  std::optional<PixelScale> NominalScale() const;

 private:
  CalibrationSource source_ = CalibrationSource::kNone;
  std::vector<UltrasoundRegion> regions_;
  std::optional<PixelScale> global_scale_;
  double confidence_ = 0;
  std::string detail_;
};

}  // namespace antra
