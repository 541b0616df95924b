#include "eval/truth_json.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/text_file.h"
#include "io/analysis_json.h"

namespace antra::eval {

namespace {

using nlohmann::json;

// Sub-pixel and sub-micrometre digits are noise; rounding keeps files small
// and diffs readable.
double Round(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

json Point(const cv::Point2d& p) { return json::array({Round(p.x, 2), Round(p.y, 2)}); }
json Segment(const Caliper& c) { return json::array({Point(c.a), Point(c.b)}); }

json Polygon(const std::vector<cv::Point2d>& points) {
  json out = json::array();
  for (const auto& p : points) out.push_back(Point(p));
  return out;
}

cv::Point2d ReadPoint(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }
Caliper ReadSegment(const json& j) { return {ReadPoint(j.at(0)), ReadPoint(j.at(1))}; }

std::vector<cv::Point2d> ReadPolygon(const json& j) {
  std::vector<cv::Point2d> out;
  for (const auto& p : j) out.push_back(ReadPoint(p));
  return out;
}

SizeCounts ReadCounts(const json& j) {
  SizeCounts c;
  c.under_2 = j.value("under_2", 0);
  c.from_2_to_6 = j.at("2_to_under_6").get<int>();
  c.from_6_to_10 = j.at("6_to_10").get<int>();
  c.over_10 = j.at("over_10").get<int>();
  return c;
}

json CrossSectionToJson(const TruthCrossSection& f) {
  json j;
  j["id"] = f.follicle_id;
  j["center_px"] = Point(f.center_px);
  j["diameters_mm"] = json::array({Round(f.long_mm, 3), Round(f.short_mm, 3)});
  j["mean_diameter_mm"] = Round(f.mean_mm, 3);
  j["bin"] = ToString(BinOf(f.mean_mm));
  j["area_mm2"] = Round(f.area_mm2, 3);
  j["calipers_px"] = {{"long", Segment(f.long_axis_px)}, {"short", Segment(f.short_axis_px)}};
  j["visible_fraction"] = Round(f.visible_fraction, 3);
  j["touching"] = f.touching;
  j["contour_px"] = Polygon(f.contour_px);
  return j;
}

TruthCrossSection CrossSectionFromJson(const json& j) {
  TruthCrossSection f;
  f.follicle_id = j.at("id").get<int>();
  f.center_px = ReadPoint(j.at("center_px"));
  f.long_mm = j.at("diameters_mm").at(0).get<double>();
  f.short_mm = j.at("diameters_mm").at(1).get<double>();
  f.mean_mm = j.at("mean_diameter_mm").get<double>();
  f.area_mm2 = j.value("area_mm2", 0.0);
  if (j.contains("calipers_px")) {
    f.long_axis_px = ReadSegment(j.at("calipers_px").at("long"));
    f.short_axis_px = ReadSegment(j.at("calipers_px").at("short"));
  }
  f.visible_fraction = j.value("visible_fraction", 1.0);
  f.touching = j.value("touching", std::vector<int>());
  f.contour_px = ReadPolygon(j.value("contour_px", json::array()));
  return f;
}

json OvaryToJson(const TruthOvarySection& o) {
  return {{"center_px", Point(o.center_px)},
          {"diameters_mm", json::array({Round(o.long_mm, 3), Round(o.short_mm, 3)})},
          {"contour_px", Polygon(o.contour_px)}};
}

TruthOvarySection OvaryFromJson(const json& j) {
  TruthOvarySection o;
  o.center_px = ReadPoint(j.at("center_px"));
  o.long_mm = j.at("diameters_mm").at(0).get<double>();
  o.short_mm = j.at("diameters_mm").at(1).get<double>();
  o.contour_px = ReadPolygon(j.value("contour_px", json::array()));
  return o;
}

json UniqueToJson(const TruthUniqueFollicle& u) {
  json frames = json::array();
  for (const auto& a : u.frames) frames.push_back({{"index", a.frame}, {"center_px", Point(a.center_px)}});
  json j;
  j["id"] = u.id;
  j["visible"] = u.visible;
  j["best_frame"] = u.best_frame;
  j["diameters_mm"] = u.visible ? json::array({Round(u.long_mm, 3), Round(u.short_mm, 3)}) : json(nullptr);
  j["mean_diameter_mm"] = u.visible ? json(Round(u.mean_mm, 3)) : json(nullptr);
  j["bin"] = u.visible ? json(ToString(BinOf(u.mean_mm))) : json(nullptr);
  j["frames"] = std::move(frames);
  return j;
}

TruthUniqueFollicle UniqueFromJson(const json& j) {
  TruthUniqueFollicle u;
  u.id = j.at("id").get<int>();
  u.visible = j.value("visible", true);
  u.best_frame = j.value("best_frame", -1);
  if (u.visible) {
    u.long_mm = j.at("diameters_mm").at(0).get<double>();
    u.short_mm = j.at("diameters_mm").at(1).get<double>();
    u.mean_mm = j.at("mean_diameter_mm").get<double>();
  }
  for (const auto& a : j.at("frames")) u.frames.push_back({a.at("index").get<int>(), ReadPoint(a.at("center_px"))});
  return u;
}

}  // namespace

json TruthToJson(const TruthCase& t) {
  json j;
  j["schema"] = t.schema;
  j["generator"] = {{"name", "antra-phantom"}, {"version", t.generator_version}};
  j["case"] = {{"stem", t.stem},
               {"image_file", t.image_file},
               {"kind", t.kind},
               {"difficulty", t.difficulty},
               {"seed", t.seed}};
  j["image"] = {{"width", t.width}, {"height", t.height}, {"frames", t.frame_count}};
  j["calibration"] = {{"mm_per_pixel", {{"x", t.mm_per_px_x}, {"y", t.mm_per_px_y}}}};
  j["counts"] = CountsToJson(t.counts);
  json frames = json::array();
  for (const auto& f : t.frames) {
    json jf;
    jf["index"] = f.index;
    jf["counts"] = CountsToJson(f.counts);
    jf["ovary"] = f.ovary ? OvaryToJson(*f.ovary) : json(nullptr);
    json follicles = json::array();
    for (const auto& c : f.follicles) follicles.push_back(CrossSectionToJson(c));
    jf["follicles"] = std::move(follicles);
    frames.push_back(std::move(jf));
  }
  j["frames"] = std::move(frames);
  json unique = json::array();
  for (const auto& u : t.unique_follicles) unique.push_back(UniqueToJson(u));
  j["follicles"] = std::move(unique);
  j["scene"] = t.scene;
  return j;
}

Result<TruthCase> TruthFromJson(const json& j) {
  try {
    TruthCase t;
    t.schema = j.at("schema").get<std::string>();
    if (t.schema.rfind("antra-phantom-truth/", 0) != 0) {
      return MakeError(ErrorCode::kCorrupt, "not a phantom truth file (schema '" + t.schema + "')");
    }
    if (t.schema != kTruthSchema) {
      return MakeError(ErrorCode::kUnsupported, "truth schema '" + t.schema + "' is newer than this scorer");
    }
    t.generator_version = j.at("generator").value("version", std::string());
    const auto& c = j.at("case");
    t.stem = c.at("stem").get<std::string>();
    t.image_file = c.value("image_file", std::string());
    t.kind = c.value("kind", std::string("still"));
    t.difficulty = c.value("difficulty", std::string());
    t.seed = c.value("seed", std::uint64_t{0});
    const auto& image = j.at("image");
    t.width = image.at("width").get<int>();
    t.height = image.at("height").get<int>();
    t.frame_count = image.at("frames").get<int>();
    const auto& scale = j.at("calibration").at("mm_per_pixel");
    t.mm_per_px_x = scale.at("x").get<double>();
    t.mm_per_px_y = scale.at("y").get<double>();
    if (!(t.mm_per_px_x > 0) || !(t.mm_per_px_y > 0) || !std::isfinite(t.mm_per_px_x) ||
        !std::isfinite(t.mm_per_px_y)) {
      return MakeError(ErrorCode::kCorrupt, "truth mm_per_pixel must be positive");
    }
    t.counts = ReadCounts(j.at("counts"));
    for (const auto& jf : j.at("frames")) {
      TruthFrame f;
      f.index = jf.at("index").get<int>();
      f.counts = ReadCounts(jf.at("counts"));
      if (jf.contains("ovary") && !jf.at("ovary").is_null()) f.ovary = OvaryFromJson(jf.at("ovary"));
      for (const auto& jc : jf.at("follicles")) f.follicles.push_back(CrossSectionFromJson(jc));
      t.frames.push_back(std::move(f));
    }
    for (const auto& ju : j.value("follicles", json::array())) t.unique_follicles.push_back(UniqueFromJson(ju));
    t.scene = j.value("scene", json::object());
    return t;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("truth JSON: ") + e.what());
  }
}

Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& path, const InputLimits& limits) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return MakeError(ErrorCode::kNotFound, "no such file");
  if (!std::filesystem::is_regular_file(path, ec)) return MakeError(ErrorCode::kNotARegularFile, "not a regular file");
  auto bytes = ReadTextFile(path, limits);
  if (!bytes) return bytes.error();
  if (bytes->empty()) return MakeError(ErrorCode::kEmptyFile, "empty file");
  auto parsed = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kCorrupt, "not valid JSON");
  return parsed;
}

Result<TruthCase> ReadTruthFile(const std::filesystem::path& path, const InputLimits& limits) {
  auto json = ReadJsonFile(path, limits);
  if (!json) return json.error();
  return TruthFromJson(*json);
}

}  // namespace antra::eval
