#include "viewer/review_json.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "core/text_file.h"
#include "core/version.h"
#include "io/analysis_json.h"

namespace antra::viewer {
namespace {

using nlohmann::json;

json Point(cv::Point2d p) { return json::array({p.x, p.y}); }
cv::Point2d ReadPoint(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

Decision ReadDecision(const std::string& s) {
  if (s == "accepted") return Decision::kAccepted;
  if (s == "rejected") return Decision::kRejected;
  return Decision::kPending;
}

std::string ReadSide(const json& j, const char* key) {
  const std::string side = j.value(key, std::string());
  return (side == "L" || side == "R") ? side : std::string();
}

}  // namespace

json CaliperToJson(const ManualCaliper& c, const Calibration& calibration) {
  const auto mm = calibration.LengthMm(c.line.a, c.line.b);
  return {{"id", c.id},
          {"frame_index", c.frame},
          {"a_px", Point(c.line.a)},
          {"b_px", Point(c.line.b)},
          {"length_px", c.line.LengthPx()},
          {"length_mm", mm ? json(*mm) : json(nullptr)}};
}

json ReviewCountsToJson(const ReviewCounts& counts, bool calibrated) {
  if (!calibrated) return nullptr;
  return {{"left", CountsToJson(counts.left)},
          {"right", CountsToJson(counts.right)},
          {"unassigned", CountsToJson(counts.unassigned)},
          {"total", CountsToJson(counts.total())},
          {"pending", counts.pending},
          {"rejected", counts.rejected},
          {"without_mm", counts.without_mm}};
}

json ReviewToJson(const ImageInfo& image, const Calibration& calibration, const ReviewState& state,
                  const std::vector<EditRecord>& edits) {
  json j;
  j["schema"] = kReviewSchema;
  j["software"] = {{"name", "antra-view"}, {"version", kVersion}};
  // The file name only: folder paths often carry patient names.
  j["image"] = {{"file", image.path.filename().string()},
                {"sop_instance_uid", image.sop_instance_uid},
                {"width", image.width},
                {"height", image.height},
                {"frames", image.frame_count}};
  j["calibrated"] = calibration.calibrated();
  j["calibration_source"] = ToString(calibration.source());
  j["image_side"] = state.image_side;
  j["next_id"] = state.next_id;
  if (state.ovary_box_px) {
    const cv::Rect& box = *state.ovary_box_px;
    j["ovary_box_px"] = ImageBoxToJson(box);
  }
  json calipers = json::array();
  for (const auto& c : state.calipers) calipers.push_back(CaliperToJson(c, calibration));
  j["calipers"] = std::move(calipers);
  json follicles = json::array();
  for (const auto& f : state.follicles) {
    json jf = FollicleToJson(f.measurement);
    jf["id"] = f.id;
    jf["source_id"] = f.source_id;
    jf["frame_index"] = f.frame;
    jf["decision"] = ToString(f.decision);
    jf["side"] = f.side;
    jf["counted_side"] = EffectiveSide(state, f);
    follicles.push_back(std::move(jf));
  }
  j["follicles"] = std::move(follicles);
  j["counts"] = ReviewCountsToJson(CountReview(state), calibration.calibrated());
  json log = json::array();
  for (const auto& e : edits) log.push_back({{"time", e.time_utc}, {"action", e.action}, {"description", e.description}});
  j["edits"] = std::move(log);
  return j;
}

Result<LoadedReview> ReviewFromJson(const json& j, const ImageInfo& image, const Calibration& calibration) {
  try {
    const std::string schema = j.at("schema").get<std::string>();
    if (schema != kReviewSchema) return MakeError(ErrorCode::kCorrupt, "not an Antra review (schema '" + schema + "')");
    const auto& jimage = j.at("image");
    const std::string uid = jimage.value("sop_instance_uid", std::string());
    if (!uid.empty() && !image.sop_instance_uid.empty() && uid != image.sop_instance_uid) {
      return MakeError(ErrorCode::kInvalidArgument, "the review is of another image (SOP Instance UID differs)");
    }
    if (jimage.at("width").get<int>() != image.width || jimage.at("height").get<int>() != image.height) {
      return MakeError(ErrorCode::kInvalidArgument, "the review is of an image of another size");
    }
    LoadedReview loaded;
    ReviewState& state = loaded.state;
    state.image_side = ReadSide(j, "image_side");
    if (const auto box = j.find("ovary_box_px"); box != j.end() && !box->is_null()) {
      auto read = ImageBoxFromJson(*box, image.width, image.height);
      if (!read) return MakeError(read.error().code, "ovary_box_px: " + read.error().message);
      state.ovary_box_px = *read;
    }
    int max_id = 0;
    for (const auto& jc : j.at("calipers")) {
      ManualCaliper c;
      c.id = jc.at("id").get<int>();
      c.frame = jc.at("frame_index").get<int>();
      c.line = {ReadPoint(jc.at("a_px")), ReadPoint(jc.at("b_px"))};
      max_id = std::max(max_id, c.id);
      state.calipers.push_back(c);
    }
    for (const auto& jf : j.at("follicles")) {
      auto m = FollicleFromJson(jf);
      if (!m) return m.error();
      ReviewedFollicle f;
      f.id = jf.at("id").get<int>();
      f.source_id = jf.value("source_id", -1);
      f.frame = jf.at("frame_index").get<int>();
      f.measurement = std::move(m).value();
      Remeasure(f.measurement, calibration);
      f.decision = ReadDecision(jf.value("decision", std::string("pending")));
      f.side = ReadSide(jf, "side");
      max_id = std::max(max_id, f.id);
      state.follicles.push_back(std::move(f));
    }
    state.next_id = std::max(j.value("next_id", 1), max_id + 1);
    for (const auto& je : j.value("edits", json::array())) {
      loaded.edits.push_back({je.value("time", std::string()), je.value("action", std::string()),
                              je.value("description", std::string())});
    }
    return loaded;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kCorrupt, std::string("review JSON: ") + e.what());
  }
}

std::filesystem::path DefaultReviewPath(const ImageInfo& image, const std::filesystem::path& review_dir) {
  if (review_dir.empty()) return image.path.string() + ".review.json";
  const std::string name = image.sop_instance_uid.empty() ? image.path.filename().string() : image.sop_instance_uid;
  return review_dir / (name + ".review.json");
}

Status SaveReview(const std::filesystem::path& path, const ImageInfo& image, const Calibration& calibration,
                  const ReviewState& state, const std::vector<EditRecord>& edits) {
  return WriteFileAtomically(path, ReviewToJson(image, calibration, state, edits).dump(2) + "\n");
}

Result<LoadedReview> LoadReview(const std::filesystem::path& path, const ImageInfo& image,
                                const Calibration& calibration) {
  const auto text = ReadTextFile(path);
  if (!text) return MakeError(text.error().code, "cannot read the review: " + text.error().message);
  const auto parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kCorrupt, "review file is not valid JSON");
  return ReviewFromJson(parsed, image, calibration);
}

}  // namespace antra::viewer
