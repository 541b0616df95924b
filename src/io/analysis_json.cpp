#include "io/analysis_json.h"

#include <algorithm>
#include <cstdint>

#include "io/image_info_json.h"

namespace antra {

namespace {

using nlohmann::json;

json Point(const cv::Point2d& p) { return json::array({p.x, p.y}); }
json Segment(const Caliper& c) { return json::array({Point(c.a), Point(c.b)}); }
json Optional(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

cv::Point2d ReadPoint(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }
Caliper ReadSegment(const json& j) { return {ReadPoint(j.at(0)), ReadPoint(j.at(1))}; }
std::optional<double> ReadOptional(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

json Contour(const std::vector<cv::Point>& contour) {
  json out = json::array();
  for (const auto& p : contour) out.push_back(json::array({p.x, p.y}));
  return out;
}

std::vector<cv::Point> ReadContour(const json& j) {
  std::vector<cv::Point> out;
  for (const auto& p : j) out.emplace_back(p.at(0).get<int>(), p.at(1).get<int>());
  return out;
}

FollicleOrigin ReadOrigin(const std::string& s) {
  if (s == "edited") return FollicleOrigin::kEdited;
  if (s == "added") return FollicleOrigin::kAdded;
  return FollicleOrigin::kAutomatic;
}

void ReadMeasurement(const json& j, FollicleMeasurement& f) {
  f.center_px = ReadPoint(j.at("center_px"));
  f.contour_px = ReadContour(j.value("contour_px", json::array()));
  if (j.contains("calipers_px")) {
    f.long_axis = ReadSegment(j.at("calipers_px").at("long"));
    f.short_axis = ReadSegment(j.at("calipers_px").at("short"));
  }
  f.area_px = j.value("area_px", 0.0);
  if (j.contains("diameters_mm") && !j.at("diameters_mm").is_null()) {
    f.long_mm = j.at("diameters_mm").at(0).get<double>();
    f.short_mm = j.at("diameters_mm").at(1).get<double>();
  }
  f.mean_mm = ReadOptional(j, "mean_diameter_mm");
  f.area_mm2 = ReadOptional(j, "area_mm2");
  f.area_equivalent_diameter_mm = ReadOptional(j, "area_equivalent_diameter_mm");
  f.confidence = j.value("confidence", 0.0);
  f.origin = ReadOrigin(j.value("origin", std::string("automatic")));
}

std::optional<SizeCounts> ReadCounts(const json& j) {
  if (j.is_null()) return std::nullopt;
  SizeCounts c;
  c.under_2 = j.value("under_2", 0);
  c.from_2_to_6 = j.at("2_to_under_6").get<int>();
  c.from_6_to_10 = j.at("6_to_10").get<int>();
  c.over_10 = j.at("over_10").get<int>();
  return c;
}

json Ovary(const OvaryMeasurement& o) {
  json j;
  j["center_px"] = Point(o.center_px);
  j["contour_px"] = Contour(o.contour_px);
  j["calipers_px"] = {{"long", Segment(o.long_axis)}, {"short", Segment(o.short_axis)}};
  j["diameters_mm"] = (o.long_mm && o.short_mm) ? json::array({*o.long_mm, *o.short_mm}) : json(nullptr);
  j["confidence"] = o.confidence;
  j["source"] = o.source;
  return j;
}

OvaryMeasurement ReadOvary(const json& j) {
  OvaryMeasurement o;
  o.center_px = ReadPoint(j.at("center_px"));
  o.contour_px = ReadContour(j.value("contour_px", json::array()));
  if (j.contains("calipers_px")) {
    o.long_axis = ReadSegment(j.at("calipers_px").at("long"));
    o.short_axis = ReadSegment(j.at("calipers_px").at("short"));
  }
  if (j.contains("diameters_mm") && !j.at("diameters_mm").is_null()) {
    o.long_mm = j.at("diameters_mm").at(0).get<double>();
    o.short_mm = j.at("diameters_mm").at(1).get<double>();
  }
  o.confidence = j.value("confidence", 0.0);
  o.source = j.value("source", std::string("estimated"));
  return o;
}

}  // namespace

json FollicleToJson(const FollicleMeasurement& f) {
  json j;
  j["center_px"] = Point(f.center_px);
  j["diameters_mm"] = (f.long_mm && f.short_mm) ? json::array({*f.long_mm, *f.short_mm}) : json(nullptr);
  j["mean_diameter_mm"] = Optional(f.mean_mm);
  j["bin"] = f.mean_mm ? json(ToString(BinOf(*f.mean_mm))) : json(nullptr);
  j["diameters_px"] = json::array({f.long_axis.LengthPx(), f.short_axis.LengthPx()});
  j["calipers_px"] = {{"long", Segment(f.long_axis)}, {"short", Segment(f.short_axis)}};
  j["area_px"] = f.area_px;
  j["area_mm2"] = Optional(f.area_mm2);
  j["area_equivalent_diameter_mm"] = Optional(f.area_equivalent_diameter_mm);
  j["confidence"] = f.confidence;
  j["origin"] = ToString(f.origin);
  j["contour_px"] = Contour(f.contour_px);
  return j;
}

Result<FollicleMeasurement> FollicleFromJson(const json& j) {
  try {
    FollicleMeasurement f;
    ReadMeasurement(j, f);
    return f;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("follicle JSON: ") + e.what());
  }
}

json CountsToJson(const std::optional<SizeCounts>& counts) {
  if (!counts) return nullptr;
  return {{"under_2", counts->under_2},
          {"2_to_under_6", counts->from_2_to_6},
          {"6_to_10", counts->from_6_to_10},
          {"over_10", counts->over_10},
          {"afc", counts->afc()}};
}

json AnalysisToJson(const ImageAnalysis& a) {
  json j;
  j["schema"] = a.schema;
  j["software"] = {{"name", "antra"}, {"version", a.software_version}};
  j["image"] = {{"path", a.path},
                {"sop_instance_uid", a.sop_instance_uid},
                {"study_instance_uid", a.study_instance_uid},
                {"series_instance_uid", a.series_instance_uid},
                {"width", a.width},
                {"height", a.height},
                {"frames", a.frame_count}};
  j["calibrated"] = a.calibration.calibrated();
  j["calibration"] = CalibrationToJson(a.calibration);
  j["counts"] = CountsToJson(a.counts);
  j["counts_source"] = a.counts_source;
  j["parameters_hash"] = a.parameters_hash;
  j["notes"] = a.notes;
  json frames = json::array();
  for (const auto& f : a.frames) {
    json jf;
    jf["index"] = f.index;
    json follicles = json::array();
    for (const auto& fol : f.follicles) {
      json jfol = FollicleToJson(fol);
      jfol["id"] = fol.id;
      follicles.push_back(std::move(jfol));
    }
    jf["follicles"] = std::move(follicles);
    jf["counts"] = CountsToJson(f.counts);
    jf["ovary"] = f.ovary ? Ovary(*f.ovary) : json(nullptr);
    jf["notes"] = f.notes;
    frames.push_back(std::move(jf));
  }
  j["frames"] = std::move(frames);
  json unique = json::array();
  for (const auto& c : a.cine_follicles) {
    json jc = FollicleToJson(c.at_best_frame);
    jc["id"] = c.id;
    jc["best_frame"] = c.best_frame;
    json appearances = json::array();
    for (const auto& ap : c.appearances) {
      appearances.push_back({{"index", ap.frame}, {"center_px", Point(ap.center_px)}, {"follicle_id", ap.follicle_id}});
    }
    jc["frames"] = std::move(appearances);
    unique.push_back(std::move(jc));
  }
  j["follicles"] = std::move(unique);
  return j;
}

Result<Calibration> CalibrationFromJson(const json& j, int width, int height) {
  try {
    const std::string source = j.at("source").get<std::string>();
    const std::string detail = j.value("detail", std::string());
    std::vector<UltrasoundRegion> regions;
    for (const auto& jr : j.value("regions", json::array())) {
      UltrasoundRegion r;
      r.index = jr.at("index").get<int>();
      r.spatial_format = jr.at("spatial_format").get<int>();
      r.data_type = jr.at("data_type").get<int>();
      const auto& box = jr.at("box_as_written");
      r.min_x0 = box.at(0).get<int>();
      r.min_y0 = box.at(1).get<int>();
      r.max_x1 = box.at(2).get<int>();
      r.max_y1 = box.at(3).get<int>();
      r.units_x = jr.at("units").at(0).get<int>();
      r.units_y = jr.at("units").at(1).get<int>();
      r.physical_delta_x = jr.at("physical_delta_cm").at(0).get<double>();
      r.physical_delta_y = jr.at("physical_delta_cm").at(1).get<double>();
      if (jr.contains("reference_pixel")) {
        r.reference_pixel_x0 = jr.at("reference_pixel").at(0).get<int>();
        r.reference_pixel_y0 = jr.at("reference_pixel").at(1).get<int>();
      }
      regions.push_back(r);
    }
    ValidateRegions(regions, width, height);
    if (source == "ultrasound-regions" || source == "none") {
      if (source == "none" && regions.empty()) return Calibration::Uncalibrated(detail);
      auto c = Calibration::FromRegions(std::move(regions), detail);
      if (source == "none" && c.calibrated()) return Calibration::Uncalibrated(detail);
      return c;
    }
    const auto& s = j.at("mm_per_pixel");
    const PixelScale scale{s.at("x").get<double>(), s.at("y").get<double>()};
    CalibrationSource src = CalibrationSource::kUser;
    if (source == "pixel-spacing") src = CalibrationSource::kPixelSpacing;
    else if (source == "ruler") src = CalibrationSource::kRuler;
    else if (source != "user") return MakeError(ErrorCode::kCorrupt, "unknown calibration source '" + source + "'");
    return Calibration::Global(src, scale, j.value("confidence", 1.0), detail);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("calibration: ") + e.what());
  }
}

Result<ImageAnalysis> AnalysisFromJson(const json& j) {
  try {
    ImageAnalysis a;
    a.schema = j.at("schema").get<std::string>();
    if (a.schema.rfind("antra-analysis/", 0) != 0) {
      return MakeError(ErrorCode::kCorrupt, "not an Antra analysis (schema '" + a.schema + "')");
    }
    a.software_version = j.at("software").value("version", std::string());
    const auto& image = j.at("image");
    a.path = image.value("path", std::string());
    a.sop_instance_uid = image.value("sop_instance_uid", std::string());
    a.study_instance_uid = image.value("study_instance_uid", std::string());
    a.series_instance_uid = image.value("series_instance_uid", std::string());
    a.width = image.at("width").get<int>();
    a.height = image.at("height").get<int>();
    a.frame_count = image.at("frames").get<int>();
    auto calibration = CalibrationFromJson(j.at("calibration"), a.width, a.height);
    if (!calibration) return calibration.error();
    a.calibration = std::move(calibration).value();
    a.counts = ReadCounts(j.value("counts", json(nullptr)));
    a.counts_source = j.value("counts_source", std::string());
    a.parameters_hash = j.value("parameters_hash", std::string());
    a.notes = j.value("notes", std::vector<std::string>());
    for (const auto& jf : j.at("frames")) {
      FrameAnalysis f;
      f.index = jf.at("index").get<int>();
      for (const auto& jfol : jf.at("follicles")) {
        Follicle fol;
        ReadMeasurement(jfol, fol);
        fol.id = jfol.value("id", 0);
        f.follicles.push_back(std::move(fol));
      }
      f.counts = ReadCounts(jf.value("counts", json(nullptr)));
      if (jf.contains("ovary") && !jf.at("ovary").is_null()) f.ovary = ReadOvary(jf.at("ovary"));
      f.notes = jf.value("notes", std::vector<std::string>());
      a.frames.push_back(std::move(f));
    }
    for (const auto& jc : j.value("follicles", json::array())) {
      CineFollicle c;
      c.id = jc.at("id").get<int>();
      c.best_frame = jc.at("best_frame").get<int>();
      ReadMeasurement(jc, c.at_best_frame);
      for (const auto& ap : jc.at("frames")) {
        c.appearances.push_back({ap.at("index").get<int>(), ReadPoint(ap.at("center_px")), ap.value("follicle_id", 0)});
      }
      a.cine_follicles.push_back(std::move(c));
    }
    return a;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("analysis JSON: ") + e.what());
  }
}

json ImageBoxToJson(const cv::Rect& box) { return {box.x, box.y, box.width, box.height}; }

bool ImageBoxFits(std::int64_t x, std::int64_t y, std::int64_t w, std::int64_t h, int width, int height) {
  // Compared without sums: a hostile file must not overflow them.
  return x >= 0 && y >= 0 && w > 0 && h > 0 && x < width && y < height && w <= width - x && h <= height - y;
}

Result<cv::Rect> ImageBoxFromJson(const json& j, int width, int height) {
  if (!j.is_array() || j.size() != 4 || !std::all_of(j.begin(), j.end(), [](const json& v) { return v.is_number_integer(); })) {
    return MakeError(ErrorCode::kCorrupt, "box is not [x, y, width, height] in whole pixels");
  }
  const std::int64_t x = j[0].get<std::int64_t>(), y = j[1].get<std::int64_t>();
  const std::int64_t w = j[2].get<std::int64_t>(), h = j[3].get<std::int64_t>();
  if (!ImageBoxFits(x, y, w, h, width, height)) {
    return MakeError(ErrorCode::kCorrupt, "box is empty or outside the image");
  }
  return cv::Rect(static_cast<int>(x), static_cast<int>(y), static_cast<int>(w), static_cast<int>(h));
}

}  // namespace antra
