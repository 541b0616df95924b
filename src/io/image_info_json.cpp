#include "io/image_info_json.h"

#include <cmath>

namespace antra {

namespace {

// 0.0262288 cm x 10 is 0.26228799999999997 in binary; print 0.262288. Nine
// significant digits keep every value a DICOM DS/FD field can carry here.
double Significant(double value, int digits = 9) {
  if (value == 0 || !std::isfinite(value)) return value;
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::abs(value)))));
  return std::round(value * scale) / scale;
}

nlohmann::json Scale(const PixelScale& s) { return {{"x", Significant(s.mm_per_px_x)}, {"y", Significant(s.mm_per_px_y)}}; }

}  // namespace

nlohmann::json CalibrationToJson(const Calibration& c) {
  nlohmann::json j;
  j["calibrated"] = c.calibrated();
  j["source"] = ToString(c.source());
  j["detail"] = c.detail();
  if (c.calibrated()) j["confidence"] = c.confidence();
  if (const auto& g = c.global_scale()) {
    j["mm_per_pixel"] = Scale(*g);
  }
  auto regions = nlohmann::json::array();
  for (const auto& r : c.regions()) {
    nlohmann::json jr = {
        {"index", r.index},
        {"spatial_format", r.spatial_format},
        {"data_type", r.data_type},
        {"box_as_written", {r.min_x0, r.min_y0, r.max_x1, r.max_y1}},
        {"units", {r.units_x, r.units_y}},
        {"physical_delta_cm", {r.physical_delta_x, r.physical_delta_y}},
        {"usable", r.usable},
    };
    if (r.usable) {
      jr["mm_per_pixel"] = Scale(r.scale());
      jr["box"] = {r.box.x, r.box.y, r.box.x + r.box.width - 1, r.box.y + r.box.height - 1};
    }
    if (r.reference_pixel_x0) jr["reference_pixel"] = {*r.reference_pixel_x0, r.reference_pixel_y0.value_or(0)};
    if (!r.note.empty()) jr["note"] = r.note;
    regions.push_back(jr);
  }
  j["regions"] = regions;
  return j;
}

nlohmann::json ImageInfoToJson(const ImageInfo& info) {
  nlohmann::json j;
  j["path"] = info.path.string();
  j["kind"] = info.kind == SourceKind::kDicom ? "dicom" : "plain-image";
  j["width"] = info.width;
  j["height"] = info.height;
  j["frames"] = info.frame_count;
  j["sop_class_uid"] = info.sop_class_uid;
  j["sop_instance_uid"] = info.sop_instance_uid;
  j["study_instance_uid"] = info.study_instance_uid;
  j["series_instance_uid"] = info.series_instance_uid;
  j["study_date"] = info.study_date;
  j["study_time"] = info.study_time;
  j["modality"] = info.modality;
  j["series_description"] = info.series_description;
  j["laterality"] = info.laterality;
  j["manufacturer"] = info.manufacturer;
  j["model"] = info.model;
  j["transfer_syntax"] = {{"uid", info.transfer_syntax_uid}, {"name", info.transfer_syntax_name}};
  j["photometric_interpretation"] = info.photometric;
  j["samples_per_pixel"] = info.samples_per_pixel;
  j["bits_allocated"] = info.bits_allocated;
  j["bits_stored"] = info.bits_stored;
  j["planar_configuration"] = info.planar_configuration;
  j["frame_time_ms"] = info.frame_time_ms ? nlohmann::json(*info.frame_time_ms) : nlohmann::json(nullptr);
  j["burned_in_annotation"] = info.burned_in_annotation;
  j["recovered_from_parse_error"] = info.recovered_from_parse_error;
  j["warnings"] = info.warnings;
  j["calibration"] = CalibrationToJson(info.calibration);
  return j;
}

}  // namespace antra
