#include "eval/score.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "eval/hungarian.h"

namespace antra::eval {

namespace {

std::optional<double> Ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}

bool InAfcRange(double mean_mm) { return mean_mm >= kAfcMinMm && mean_mm <= kAfcMaxMm; }

double DistanceMm(const cv::Point2d& a, const cv::Point2d& b, const TruthCase& t) {
  return std::hypot((a.x - b.x) * t.mm_per_px_x, (a.y - b.y) * t.mm_per_px_y);
}

bool InPolygon(const std::vector<cv::Point2d>& polygon, const cv::Point2d& p) {
  if (polygon.size() < 3) return false;
  bool inside = false;
  for (size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    const auto& a = polygon[i];
    const auto& b = polygon[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

bool InBox(const nlohmann::json& box, const cv::Point2d& p, double margin) {
  if (!box.is_array() || box.size() != 4) return false;
  const double x = box[0].get<double>(), y = box[1].get<double>(), w = box[2].get<double>(), h = box[3].get<double>();
  return p.x >= x - margin && p.y >= y - margin && p.x <= x + w + margin && p.y <= y + h + margin;
}

double DistanceToSegmentPx(const cv::Point2d& p, const cv::Point2d& a, const cv::Point2d& b) {
  const cv::Point2d ab = b - a;
  const double len2 = ab.dot(ab);
  const double t = len2 > 0 ? std::clamp((p - a).dot(ab) / len2, 0.0, 1.0) : 0.0;
  const cv::Point2d q = a + ab * t;
  return std::hypot(p.x - q.x, p.y - q.y);
}

cv::Point2d JsonPoint(const nlohmann::json& j) { return {j.at(0).get<double>(), j.at(1).get<double>()}; }

// Where a false positive fell, from the truth's scene description.
std::string Attribute(const TruthCase& t, const TruthFrame& frame, const cv::Point2d& p) {
  const auto& scene = t.scene;
  if (scene.contains("lookalikes")) {
    for (const auto& l : scene.at("lookalikes")) {
      if (l.value("frame", -1) == frame.index && InBox(l.value("box_px", nlohmann::json()), p, 2.0)) {
        return "lookalike:" + l.value("kind", std::string("unknown"));
      }
    }
  }
  if (scene.contains("overlays")) {
    for (const auto& o : scene.at("overlays")) {
      const std::string kind = o.value("kind", std::string());
      if ((kind == "text" || kind == "grey-bar") && InBox(o.value("box_px", nlohmann::json()), p, 3.0)) return "overlay:" + kind;
      if (kind == "depth-ruler" && std::abs(p.x - o.value("x_px", -1000.0)) < 8) return "overlay:depth-ruler";
      if (kind == "calipers") {
        for (const auto& pair : o.value("pairs", nlohmann::json::array())) {
          const cv::Point2d a = JsonPoint(pair.at("a_px")), b = JsonPoint(pair.at("b_px"));
          if (DistanceToSegmentPx(p, a, b) < 4.0) return "overlay:calipers";
        }
      }
    }
  }
  if (frame.ovary && InPolygon(frame.ovary->contour_px, p)) return "ovary";
  return "background";
}

struct FrameMatch {
  std::vector<int> truth_to_detection;
};

double Tolerance(double true_mean_mm, const ScoreOptions& o) {
  return std::max(o.min_tolerance_mm, o.tolerance_fraction_of_mean * true_mean_mm);
}

// Matches one frame's detections to its true cross-sections.
FrameMatch MatchFrame(const TruthFrame& truth_frame, const std::vector<Follicle>& detections, const TruthCase& t,
                      const ScoreOptions& o) {
  const size_t n = truth_frame.follicles.size();
  std::vector<std::vector<double>> cost(n, std::vector<double>(detections.size()));
  std::vector<double> limit(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& tc = truth_frame.follicles[i];
    limit[i] = Tolerance(tc.mean_mm, o);
    for (size_t j = 0; j < detections.size(); ++j) cost[i][j] = DistanceMm(tc.center_px, detections[j].center_px, t);
  }
  return {MatchWithinLimits(cost, limit)};
}

void ScoreFrames(const TruthCase& t, const ImageAnalysis* results, const ScoreOptions& o, CaseScore& score) {
  std::map<int, const FrameAnalysis*> by_index;
  if (results) {
    for (const auto& f : results->frames) by_index[f.index] = &f;
  }
  static const std::vector<Follicle> kNone;
  Tally& tally = score.tally;
  for (const auto& tf : t.frames) {
    ++tally.frames;
    const auto it = by_index.find(tf.index);
    const std::vector<Follicle>& listed = it == by_index.end() ? kNone : it->second->follicles;
    std::vector<Follicle> capped;
    if (listed.size() > static_cast<size_t>(o.max_detections_per_frame)) {
      score.warnings.push_back("frame " + std::to_string(tf.index) + " lists " + std::to_string(listed.size()) +
                               " follicles; only the first " + std::to_string(o.max_detections_per_frame) + " are scored");
      capped.assign(listed.begin(), listed.begin() + o.max_detections_per_frame);
    }
    const std::vector<Follicle>& detections = capped.empty() ? listed : capped;
    const FrameMatch match = MatchFrame(tf, detections, t, o);
    std::vector<bool> detection_matched(detections.size(), false);
    for (size_t i = 0; i < tf.follicles.size(); ++i) {
      const auto& tc = tf.follicles[i];
      const int j = match.truth_to_detection[i];
      if (j >= 0) detection_matched[static_cast<size_t>(j)] = true;
      const bool required = tc.visible_fraction >= o.min_visible_fraction && tc.mean_mm >= kAfcMinMm;
      if (!required) continue;
      ++tally.true_2plus;
      const bool in_afc = InAfcRange(tc.mean_mm);
      if (in_afc) ++tally.true_2to10;
      if (j < 0) {
        score.misses.push_back({tf.index, tc.follicle_id, tc.center_px, tc.mean_mm});
        continue;
      }
      ++tally.found_2plus;
      if (in_afc) ++tally.found_2to10;
      const auto& d = detections[static_cast<size_t>(j)];
      if (d.mean_mm) {
        const double err = *d.mean_mm - tc.mean_mm;
        ++tally.size_pairs;
        tally.abs_error_sum += std::abs(err);
        tally.error_sum += err;
        score.sized_matches.push_back({tf.index, tc.follicle_id, tc.center_px, tc.mean_mm, *d.mean_mm});
      } else {
        ++tally.unsized_matches;
      }
    }
    tally.detections += static_cast<int>(detections.size());
    if (tf.ovary) ++tally.frames_with_ovary;
    for (size_t j = 0; j < detections.size(); ++j) {
      const cv::Point2d& c = detections[j].center_px;
      if (!tf.ovary || !InPolygon(tf.ovary->contour_px, c)) ++tally.detections_outside_ovary;
      if (detection_matched[j]) {
        ++tally.matched_detections;
        continue;
      }
      const std::string where = Attribute(t, tf, c);
      if (where == "ovary") ++tally.fp_in_ovary;
      else if (where.rfind("lookalike:", 0) == 0) ++tally.fp_on_lookalike;
      else if (where.rfind("overlay:", 0) == 0) ++tally.fp_on_overlay;
      else ++tally.fp_elsewhere;
      score.false_positives.push_back({tf.index, c, detections[j].mean_mm, where});
    }
  }
}

// Detected AFC from mean diameters; empty when any counted follicle lacks a size.
std::optional<int> DetectedAfc(const TruthCase& t, const ImageAnalysis& r) {
  int afc = 0;
  if (t.kind == "cine") {
    for (const auto& c : r.cine_follicles) {
      if (!c.at_best_frame.mean_mm) return std::nullopt;
      if (InAfcRange(*c.at_best_frame.mean_mm)) ++afc;
    }
    return afc;
  }
  const int first = t.frames.empty() ? 0 : t.frames.front().index;
  for (const auto& f : r.frames) {
    if (f.index != first) continue;
    for (const auto& d : f.follicles) {
      if (!d.mean_mm) return std::nullopt;
      if (InAfcRange(*d.mean_mm)) ++afc;
    }
  }
  return afc;
}

void ScoreAfc(const TruthCase& t, const ImageAnalysis* results, CaseScore& score) {
  score.true_afc = t.counts.afc();
  score.detected_afc = results ? DetectedAfc(t, *results) : std::optional<int>(0);
  Tally& tally = score.tally;
  if (!score.detected_afc) {
    ++tally.afc_unknown;
    return;
  }
  const int err = *score.detected_afc - score.true_afc;
  ++tally.afc_cases;
  tally.afc_abs_error_sum += std::abs(err);
  tally.afc_error_sum += err;
  if (err == 0) ++tally.afc_exact;
  tally.afc_max_abs_error = std::max(tally.afc_max_abs_error, std::abs(err));
}

void ScoreUnique(const TruthCase& t, const ImageAnalysis* results, const ScoreOptions& o, CaseScore& score) {
  Tally& tally = score.tally;
  ++tally.sweeps;
  // Where each true unique follicle may be matched: its listed cross-sections,
  // the visible ones when it has any.
  std::map<std::pair<int, int>, const TruthCrossSection*> section;  // (id, frame)
  for (const auto& f : t.frames) {
    for (const auto& c : f.follicles) section[{c.follicle_id, f.index}] = &c;
  }
  static const std::vector<CineFollicle> kNone;
  const auto& all_detected = results ? results->cine_follicles : kNone;
  std::vector<CineFollicle> capped;
  if (all_detected.size() > static_cast<size_t>(o.max_detections_per_frame)) {
    score.warnings.push_back("results list " + std::to_string(all_detected.size()) + " unique follicles; only the first " +
                             std::to_string(o.max_detections_per_frame) + " are scored");
    capped.assign(all_detected.begin(), all_detected.begin() + o.max_detections_per_frame);
  }
  const auto& detected = capped.empty() ? all_detected : capped;
  const size_t n = t.unique_follicles.size();
  std::vector<std::vector<double>> cost(n, std::vector<double>(detected.size(), 2.0));
  for (size_t i = 0; i < n; ++i) {
    const auto& u = t.unique_follicles[i];
    for (size_t j = 0; j < detected.size(); ++j) {
      for (const auto& ap : detected[j].appearances) {
        const auto it = section.find({u.id, ap.frame});
        if (it == section.end()) continue;
        const TruthCrossSection& c = *it->second;
        if (u.visible && c.visible_fraction < o.min_visible_fraction) continue;
        const double normalised = DistanceMm(c.center_px, ap.center_px, t) / Tolerance(c.mean_mm, o);
        cost[i][j] = std::min(cost[i][j], normalised);
      }
    }
  }
  const auto match = MatchWithinLimits(cost, std::vector<double>(n, 1.0));
  std::vector<bool> detected_matched(detected.size(), false);
  int true_counted = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto& u = t.unique_follicles[i];
    if (match[i] >= 0) detected_matched[static_cast<size_t>(match[i])] = true;
    const bool required = u.visible && u.mean_mm >= kAfcMinMm;
    if (!required) continue;
    ++true_counted;
    ++tally.unique_true;
    if (match[i] < 0) {
      score.unique_missed.push_back(u.id);
      continue;
    }
    ++tally.unique_found;
    const auto& d = detected[static_cast<size_t>(match[i])];
    if (d.at_best_frame.mean_mm) {
      ++tally.unique_size_pairs;
      tally.unique_abs_error_sum += std::abs(*d.at_best_frame.mean_mm - u.mean_mm);
    }
  }
  tally.unique_detected += static_cast<int>(detected.size());
  int detected_counted = 0;
  for (size_t j = 0; j < detected.size(); ++j) {
    if (detected_matched[j]) ++tally.unique_detected_matched;
    const auto& m = detected[j].at_best_frame.mean_mm;
    if (!m || *m >= kAfcMinMm) ++detected_counted;
  }
  tally.unique_count_abs_error_sum += std::abs(detected_counted - true_counted);
}

}  // namespace

Status ScoreOptions::Check() const {
  if (!(min_visible_fraction >= 0 && min_visible_fraction <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "minimum visible fraction must be in [0, 1]");
  }
  if (max_detections_per_frame < 1) return MakeError(ErrorCode::kInvalidArgument, "detection cap must be positive");
  if (!(min_tolerance_mm > 0) || !(tolerance_fraction_of_mean >= 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "match tolerances must be positive");
  }
  return Status::Ok();
}

void Tally::Add(const Tally& o) {
  cases += o.cases;
  missing_results += o.missing_results;
  frames += o.frames;
  true_2plus += o.true_2plus;
  found_2plus += o.found_2plus;
  true_2to10 += o.true_2to10;
  found_2to10 += o.found_2to10;
  detections += o.detections;
  matched_detections += o.matched_detections;
  size_pairs += o.size_pairs;
  abs_error_sum += o.abs_error_sum;
  error_sum += o.error_sum;
  unsized_matches += o.unsized_matches;
  afc_cases += o.afc_cases;
  afc_abs_error_sum += o.afc_abs_error_sum;
  afc_error_sum += o.afc_error_sum;
  afc_exact += o.afc_exact;
  afc_max_abs_error = std::max(afc_max_abs_error, o.afc_max_abs_error);
  afc_unknown += o.afc_unknown;
  sweeps += o.sweeps;
  unique_true += o.unique_true;
  unique_found += o.unique_found;
  unique_detected += o.unique_detected;
  unique_detected_matched += o.unique_detected_matched;
  unique_size_pairs += o.unique_size_pairs;
  unique_abs_error_sum += o.unique_abs_error_sum;
  unique_count_abs_error_sum += o.unique_count_abs_error_sum;
  detections_outside_ovary += o.detections_outside_ovary;
  frames_with_ovary += o.frames_with_ovary;
  fp_in_ovary += o.fp_in_ovary;
  fp_on_lookalike += o.fp_on_lookalike;
  fp_on_overlay += o.fp_on_overlay;
  fp_elsewhere += o.fp_elsewhere;
}

std::optional<double> Tally::RecallAtLeast2() const { return Ratio(found_2plus, true_2plus); }
std::optional<double> Tally::Recall2To10() const { return Ratio(found_2to10, true_2to10); }
std::optional<double> Tally::Precision() const { return Ratio(matched_detections, detections); }
std::optional<double> Tally::FalsePositivesPerFrame() const { return Ratio(detections - matched_detections, frames); }
std::optional<double> Tally::MeanAbsoluteError() const { return Ratio(abs_error_sum, size_pairs); }
std::optional<double> Tally::Bias() const { return Ratio(error_sum, size_pairs); }
std::optional<double> Tally::MeanAbsoluteAfcError() const { return Ratio(afc_abs_error_sum, afc_cases); }
std::optional<double> Tally::MeanAfcError() const { return Ratio(afc_error_sum, afc_cases); }
std::optional<double> Tally::UniqueRecall() const { return Ratio(unique_found, unique_true); }
std::optional<double> Tally::UniquePrecision() const { return Ratio(unique_detected_matched, unique_detected); }
std::optional<double> Tally::UniqueMeanAbsoluteError() const { return Ratio(unique_abs_error_sum, unique_size_pairs); }
std::optional<double> Tally::UniqueCountError() const { return Ratio(unique_count_abs_error_sum, sweeps); }
std::optional<double> Tally::OutsideOvaryShare() const { return Ratio(detections_outside_ovary, detections); }

CaseScore ScoreCase(const TruthCase& truth, const ImageAnalysis* results, const ScoreOptions& options) {
  CaseScore score;
  score.stem = truth.stem;
  score.kind = truth.kind;
  score.difficulty = truth.difficulty;
  score.results_found = results != nullptr;
  score.tally.cases = 1;
  if (!results) score.tally.missing_results = 1;
  if (results) {
    if (results->width != truth.width || results->height != truth.height) {
      score.warnings.push_back("results describe a " + std::to_string(results->width) + "x" +
                               std::to_string(results->height) + " image, the truth " + std::to_string(truth.width) +
                               "x" + std::to_string(truth.height));
    }
    if (truth.kind == "cine" && results->cine_follicles.empty() && truth.counts.afc() > 0) {
      score.warnings.push_back("cine results list no unique follicles");
    }
  }
  ScoreFrames(truth, results, options, score);
  ScoreAfc(truth, results, score);
  if (truth.kind == "cine") ScoreUnique(truth, results, options, score);
  return score;
}

std::string GroupOf(const CaseScore& c) {
  return c.kind + "/" + (c.difficulty.empty() ? std::string("unknown") : c.difficulty);
}

}  // namespace antra::eval
