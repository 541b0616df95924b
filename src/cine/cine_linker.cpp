#include "cine/cine_linker.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>
#include <stdexcept>

#include "core/assignment.h"

namespace antra {

namespace {

// Pieces of one over-segmented section lie within this many of a piece's
// radii of it (two halves of a disc sit 1.1 radii apart).
constexpr double kPieceReach = 1.5;

double RadiusOfArea(double area) { return std::sqrt(std::max(area, 0.0) / std::numbers::pi); }

// Smaller over larger (0 when both are 0).
double RadiusRatio(double a, double b) { return std::min(a, b) / std::max({a, b, 1e-9}); }

double RadiusPx(const FollicleMeasurement& m) {
  if (m.area_px > 0) return std::sqrt(m.area_px / std::numbers::pi);
  return 0.25 * (m.long_axis.LengthPx() + m.short_axis.LengthPx());
}

// Largest cross-section: the observation whose area, smoothed with its
// neighbours in the track, is largest (median of three inside the track, the
// smaller of the pair at its ends). Smoothing keeps one noisy over-segmented
// frame from deciding a follicle's size; the size reported is that frame's own.
std::vector<double> SmoothedAreas(const std::vector<double>& areas) {
  const size_t n = areas.size();
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    double smoothed = areas[i];
    if (n >= 2 && (i == 0 || i + 1 == n)) {
      smoothed = std::min(areas[i], areas[i == 0 ? 1 : n - 2]);
    } else if (n >= 3) {
      double v[3] = {areas[i - 1], areas[i], areas[i + 1]};
      std::sort(v, v + 3);
      smoothed = v[1];
    }
    out[i] = smoothed;
  }
  return out;
}

size_t BestObservation(const std::vector<double>& areas) {
  const std::vector<double> smoothed = SmoothedAreas(areas);
  size_t best = 0;
  double best_value = -1;
  for (size_t i = 0; i < areas.size(); ++i) {
    if (smoothed[i] > best_value || (smoothed[i] == best_value && areas[i] > areas[best])) {
      best_value = smoothed[i];
      best = i;
    }
  }
  return best;
}

double MaxRadius(const std::vector<CineLinker::Observation>& observations) {
  double r = 0;
  for (const auto& o : observations) r = std::max(r, o.radius_px);
  return r;
}

}  // namespace

Status CineLinkOptions::Check() const {
  auto bad = [](const std::string& m) { return Status(MakeError(ErrorCode::kInvalidArgument, "cine: " + m)); };
  if (max_gap_frames < 0 || max_gap_frames > 20) return bad("max_gap_frames must be 0..20");
  if (!(gate_min_mm > 0) || !(gate_radius_fraction > 0) || !(gate_min_px_uncalibrated > 0)) {
    return bad("gates must be positive");
  }
  if (size_weight < 0) return bad("size_weight must not be negative");
  if (!(min_link_size_ratio >= 0 && min_link_size_ratio < 1)) return bad("min_link_size_ratio must be in [0, 1)");
  if (min_frames < 1) return bad("min_frames must be at least 1");
  if (fragment_merge_fraction < 0 || fragment_merge_fraction > 1) return bad("fragment_merge_fraction must be 0..1");
  if (min_track_confidence < 0 || min_track_confidence > 1) return bad("min_track_confidence must be 0..1");
  if (!(min_sweep_step_mm >= 0 && min_sweep_step_mm <= 10)) return bad("min_sweep_step_mm must be 0..10");
  if (!(max_elongation > 0)) return bad("max_elongation must be positive");
  if (flat_min_frames < 3) return bad("flat_min_frames must be at least 3");
  if (!(flat_min_diameter_mm >= 0)) return bad("flat_min_diameter_mm must not be negative");
  if (!(flat_min_expected_drop > 0 && flat_min_expected_drop <= 1)) return bad("flat_min_expected_drop must be in (0, 1]");
  if (!(flat_drop_tolerance > 0 && flat_drop_tolerance <= 1)) return bad("flat_drop_tolerance must be in (0, 1]");
  if (!(dip_split_ratio >= 0 && dip_split_ratio < 1)) return bad("dip_split_ratio must be in [0, 1)");
  if (dip_min_side_frames < 1) return bad("dip_min_side_frames must be at least 1");
  if (!(max_drift_mm_per_frame > 0) || !(max_drift_px_per_frame > 0)) return bad("drift limits must be positive");
  return motion.Check();
}

CineLinker::CineLinker(CineLinkOptions options, const Calibration& calibration)
    : options_(options), calibration_(calibration) {
  if (Status s = options_.Check(); !s) throw std::invalid_argument(s.error().message);
  if (const auto scale = calibration_.NominalScale()) {
    px_per_mm_ = 2.0 / (scale->mm_per_px_x + scale->mm_per_px_y);
  }
  if (options_.estimate_motion) motion_.emplace(options_.motion);
}

double CineLinker::GatePx(double radius_px, int gap) const {
  const double floor_px = px_per_mm_ > 0 ? options_.gate_min_mm * px_per_mm_ : options_.gate_min_px_uncalibrated;
  // A follicle missed for a frame may have moved further.
  return std::max(floor_px, options_.gate_radius_fraction * radius_px) * (1.0 + 0.5 * (gap - 1));
}

std::vector<std::pair<int, int>> CineLinker::Match(std::vector<Observation>& detections, const std::vector<size_t>& open,
                                                   int frame_index, cv::Point2d drift, double* total_cost) const {
  for (auto& d : detections) d.world = d.center_px - drift;
  // For the size gate: each detection's radius together with the pieces of
  // its frame around it, in case the follicle was outlined in pieces.
  std::vector<double> group_radius(detections.size());
  for (size_t j = 0; j < detections.size(); ++j) {
    double area = 0;
    for (const auto& other : detections) {
      if (cv::norm(other.world - detections[j].world) <= kPieceReach * detections[j].radius_px) area += other.area_px;
    }
    group_radius[j] = RadiusOfArea(area);
  }
  std::vector<std::vector<double>> cost(open.size(), std::vector<double>(detections.size()));
  for (size_t i = 0; i < open.size(); ++i) {
    const Track& track = tracks_[open[i]];
    const Observation& last = track.observations.back();
    const int gap = frame_index - last.frame;
    std::optional<double> last_group_radius;  // computed when first needed
    for (size_t j = 0; j < detections.size(); ++j) {
      const Observation& d = detections[j];
      const double distance = cv::norm(d.world - last.world);
      const double gate = GatePx(std::max(last.radius_px, d.radius_px), gap);
      const double size_ratio = RadiusRatio(last.radius_px, d.radius_px);
      bool sizes_fit = size_ratio >= options_.min_link_size_ratio;
      if (!sizes_fit && distance <= gate) {
        if (!last_group_radius) {
          last_group_radius =
              RadiusOfArea(last.area_px + FragmentAreaNear(track, last, kPieceReach * last.radius_px));
        }
        sizes_fit = std::max({RadiusRatio(*last_group_radius, d.radius_px),
                              RadiusRatio(last.radius_px, group_radius[j]),
                              RadiusRatio(*last_group_radius, group_radius[j])}) >= options_.min_link_size_ratio;
      }
      cost[i][j] = distance > gate || !sizes_fit ? std::numeric_limits<double>::infinity()
                                                 : distance / gate + options_.size_weight * (1.0 - size_ratio);
    }
  }
  auto pairs = SolveAssignment(cost, 1.0 + options_.size_weight);
  if (total_cost) {
    *total_cost = 0;
    for (auto [i, j] : pairs) *total_cost += cost[i][j];
  }
  return pairs;
}

cv::Point2d CineLinker::ChooseDrift(std::vector<Observation>& detections, const std::vector<size_t>& open,
                                    int frame_index, const std::optional<cv::Point2d>& image_shift) const {
  // Image-based drift is only a hint: appearing and vanishing follicles can
  // fool phase correlation. Keep it only if it links detections at least as
  // well as no motion, then correct it by the median residual of the links.
  std::vector<cv::Point2d> candidates{cumulative_drift_};
  if (image_shift) {
    const double limit = px_per_mm_ > 0 ? options_.max_drift_mm_per_frame * px_per_mm_ : options_.max_drift_px_per_frame;
    if (cv::norm(*image_shift) <= limit) candidates.push_back(cumulative_drift_ + *image_shift);
  }
  cv::Point2d best = candidates.front();
  size_t best_matches = 0;
  double best_cost = std::numeric_limits<double>::infinity();
  for (const auto& candidate : candidates) {
    double cost = 0;
    const auto pairs = Match(detections, open, frame_index, candidate, &cost);
    if (pairs.size() > best_matches || (pairs.size() == best_matches && cost < best_cost)) {
      best = candidate;
      best_matches = pairs.size();
      best_cost = cost;
    }
  }
  const auto pairs = Match(detections, open, frame_index, best, nullptr);
  if (pairs.size() >= 3) {
    std::vector<double> dx, dy;
    for (auto [i, j] : pairs) {
      const cv::Point2d r = detections[j].world - tracks_[open[i]].observations.back().world;
      dx.push_back(r.x);
      dy.push_back(r.y);
    }
    std::nth_element(dx.begin(), dx.begin() + dx.size() / 2, dx.end());
    std::nth_element(dy.begin(), dy.begin() + dy.size() / 2, dy.end());
    best += cv::Point2d(dx[dx.size() / 2], dy[dy.size() / 2]);
  }
  return best;
}

Status CineLinker::AddFrame(const FrameAnalysis& frame, const cv::Mat& luma) {
  if (frame.index <= last_index_) {
    return MakeError(ErrorCode::kInvalidArgument, "cine frames must be added in increasing order (" +
                                                      std::to_string(frame.index) + " after " +
                                                      std::to_string(last_index_) + ")");
  }
  // Drift is estimated between consecutive frames given (a skipped frame index
  // just compares with the previous frame given).
  std::optional<cv::Point2d> image_shift;
  if (motion_) image_shift = motion_->Next(luma);
  last_index_ = frame.index;

  std::vector<Observation> detections;
  for (const auto& f : frame.follicles) {
    Observation o;
    o.frame = frame.index;
    o.center_px = f.center_px;
    o.radius_px = RadiusPx(f);
    o.area_px = f.area_px > 0 ? f.area_px : std::numbers::pi * o.radius_px * o.radius_px;
    o.confidence = f.confidence;
    o.follicle_id = f.id;
    detections.push_back(o);
  }
  std::vector<size_t> open;
  for (size_t t = 0; t < tracks_.size(); ++t) {
    if (!tracks_[t].closed) open.push_back(t);
  }
  cumulative_drift_ = ChooseDrift(detections, open, frame.index, image_shift);
  drift_.emplace_back(frame.index, cumulative_drift_);

  std::vector<bool> taken(detections.size(), false);
  for (const auto& [i, j] : Match(detections, open, frame.index, cumulative_drift_, nullptr)) {
    Track& track = tracks_[open[i]];
    track.observations.push_back(detections[j]);
    track.measurements.push_back(frame.follicles[j]);
    taken[j] = true;
  }
  for (size_t j = 0; j < detections.size(); ++j) {
    if (taken[j]) continue;
    Track track;
    track.observations.push_back(detections[j]);
    track.measurements.push_back(frame.follicles[j]);
    tracks_.push_back(std::move(track));
  }
  CloseTracks([&](const Track& track) { return frame.index - track.last_frame() > options_.max_gap_frames; });
  return Status::Ok();
}

void CineLinker::CloseTrack(Track& track) {
  std::vector<double> areas;
  for (const auto& o : track.observations) areas.push_back(o.area_px);
  const size_t best = BestObservation(areas);
  track.best = track.measurements[best];
  track.best_frame = track.observations[best].frame;
  track.best_score = areas[best];
  track.measurements.clear();  // full measurements are only kept while in view
  track.measurements.shrink_to_fit();
  track.closed = true;
}

double CineLinker::FragmentAreaNear(const Track& track, const Observation& at, double near_px) const {
  double area = 0;
  for (const auto& other : tracks_) {
    if (&other == &track || other.observations.empty()) continue;
    if (other.observations.front().frame > at.frame || other.last_frame() < at.frame) continue;
    for (const auto& o : other.observations) {
      if (o.frame == at.frame && cv::norm(o.world - at.world) < near_px) area += o.area_px;
    }
  }
  return area;
}

std::optional<size_t> CineLinker::DipSplitPoint(const Track& track) const {
  const auto& obs = track.observations;
  const size_t side = static_cast<size_t>(options_.dip_min_side_frames);
  if (options_.dip_split_ratio <= 0 || obs.size() < 2 * side + 1) return std::nullopt;
  auto diameter = [](double area) { return 2 * std::sqrt(std::max(area, 0.0) / std::numbers::pi); };
  auto peak_diameter = [&](size_t begin, size_t end) {
    std::vector<double> areas;
    for (size_t i = begin; i < end; ++i) areas.push_back(obs[i].area_px);
    const auto smoothed = SmoothedAreas(areas);
    return diameter(*std::max_element(smoothed.begin(), smoothed.end()));
  };
  std::optional<size_t> split;
  double deepest = options_.dip_split_ratio;
  for (size_t j = side; j + side < obs.size(); ++j) {
    const double peaks = std::min(peak_diameter(0, j), peak_diameter(j + 1, obs.size()));
    if (!(peaks > 0)) continue;
    double dip_area = obs[j].area_px;
    if (diameter(dip_area) / peaks > deepest) continue;
    // An over-segmented frame (the follicle outlined as two pieces, each its
    // own detection) also dips; its pieces together are the section.
    const double near_px =
        options_.fragment_merge_fraction * std::max(obs[j - 1].radius_px, obs[j + 1].radius_px);
    dip_area += FragmentAreaNear(track, obs[j], near_px);
    const double ratio = diameter(dip_area) / peaks;
    if (ratio <= deepest) {
      deepest = ratio;
      split = j;
    }
  }
  return split;
}

template <typename Pred>
void CineLinker::CloseTracks(Pred should_close) {
  std::vector<Track> extra_pieces;
  for (auto& track : tracks_) {
    if (track.closed || !should_close(track)) continue;
    // Split at dips until none is left; the dip section goes with the
    // neighbour closer to it in size (the end of one follicle or the start of
    // the next).
    std::vector<Track> pending{std::move(track)};
    track.observations.clear();  // moved out: not a neighbour of its own pieces
    std::vector<Track> pieces;
    while (!pending.empty()) {
      Track piece = std::move(pending.back());
      pending.pop_back();
      const auto at = DipSplitPoint(piece);
      if (!at) {
        pieces.push_back(std::move(piece));
        continue;
      }
      const auto& obs = piece.observations;
      const double dip = obs[*at].area_px;
      const bool dip_goes_left = std::abs(obs[*at - 1].area_px - dip) <= std::abs(obs[*at + 1].area_px - dip);
      const size_t cut = dip_goes_left ? *at + 1 : *at;
      Track left, right;
      left.observations.assign(obs.begin(), obs.begin() + static_cast<long>(cut));
      right.observations.assign(obs.begin() + static_cast<long>(cut), obs.end());
      left.measurements.assign(piece.measurements.begin(), piece.measurements.begin() + static_cast<long>(cut));
      right.measurements.assign(piece.measurements.begin() + static_cast<long>(cut), piece.measurements.end());
      pending.push_back(std::move(left));
      pending.push_back(std::move(right));
    }
    std::sort(pieces.begin(), pieces.end(),
              [](const Track& a, const Track& b) { return a.observations.front().frame < b.observations.front().frame; });
    for (auto& piece : pieces) CloseTrack(piece);
    track = std::move(pieces.front());
    for (size_t i = 1; i < pieces.size(); ++i) extra_pieces.push_back(std::move(pieces[i]));
  }
  for (auto& piece : extra_pieces) tracks_.push_back(std::move(piece));
}

void CineLinker::MergeFragments() {
  // Two tracks seen in the same frames, always closer than a fraction of the
  // follicle's radius, are pieces of one over-segmented follicle.
  for (size_t a = 0; a < tracks_.size(); ++a) {
    for (size_t b = a + 1; b < tracks_.size(); ++b) {
      Track& ta = tracks_[a];
      Track& tb = tracks_[b];
      if (ta.observations.empty() || tb.observations.empty()) continue;
      // Pieces of one follicle lie inside its full cross-section; two touching
      // follicles' centres are further apart than the larger one's radius.
      const double limit = options_.fragment_merge_fraction * std::max(MaxRadius(ta.observations), MaxRadius(tb.observations));
      int shared = 0;
      bool all_close = true;
      for (const auto& oa : ta.observations) {
        for (const auto& ob : tb.observations) {
          if (oa.frame != ob.frame) continue;
          ++shared;
          if (cv::norm(oa.world - ob.world) > limit) all_close = false;
        }
      }
      if (shared == 0 || !all_close) continue;
      // Keep the larger cross-section as the follicle's measurement.
      if (tb.best_score > ta.best_score) {
        ta.best = tb.best;
        ta.best_frame = tb.best_frame;
        ta.best_score = tb.best_score;
      }
      for (const auto& ob : tb.observations) {
        const bool duplicate_frame = std::any_of(ta.observations.begin(), ta.observations.end(),
                                                 [&](const Observation& oa) { return oa.frame == ob.frame; });
        if (!duplicate_frame) ta.observations.push_back(ob);
      }
      std::sort(ta.observations.begin(), ta.observations.end(),
                [](const Observation& x, const Observation& y) { return x.frame < y.frame; });
      tb.observations.clear();
    }
  }
  tracks_.erase(std::remove_if(tracks_.begin(), tracks_.end(), [](const Track& t) { return t.observations.empty(); }),
                tracks_.end());
}

// A short track lying over a longer track's follicle in neighbouring frames is
// a piece or a merge of that follicle (two touching follicles seen as one blob
// for a frame), not a follicle of its own.
bool CineLinker::OverlapsLongerTrack(const Track& short_track) const {
  for (const auto& other : tracks_) {
    if (&other == &short_track || other.observations.size() <= short_track.observations.size()) continue;
    for (const auto& s : short_track.observations) {
      for (const auto& o : other.observations) {
        if (std::abs(o.frame - s.frame) > options_.max_gap_frames + 1) continue;
        // The other follicle's centre lies inside the short detection grown by
        // half the other's radius: a merged blob covers both neighbours'
        // centres, a separate small follicle touching a big one does not.
        if (cv::norm(o.world - s.world) < s.radius_px + 0.5 * o.radius_px) return true;
      }
    }
  }
  return false;
}

// The largest (smoothed) section is within half a frame of the follicle's
// widest plane or, when the sweep starts or ends inside the follicle, the
// nearest to it; either way, a section `reach` frames further along the sweep
// is at least (reach - 0.5) x min_sweep_step_mm further from the widest plane,
// so its area can be at most 1 - (z / h)^2 of the largest, h <= max_elongation
// x the largest section's radius. A track whose every section keeps far more
// than that is not an ellipsoid passing through the plane.
bool CineLinker::HasFlatProfile(const Track& track) const {
  if (px_per_mm_ <= 0 || options_.min_sweep_step_mm <= 0) return false;
  const auto& obs = track.observations;
  if (static_cast<int>(obs.size()) < options_.flat_min_frames) return false;
  std::vector<double> areas;
  for (const auto& o : obs) areas.push_back(o.area_px);
  const std::vector<double> smoothed = SmoothedAreas(areas);
  const size_t best = static_cast<size_t>(std::max_element(smoothed.begin(), smoothed.end()) - smoothed.begin());
  const double largest = smoothed[best];
  if (!(largest > 0)) return false;
  const double radius_mm = std::sqrt(largest / std::numbers::pi) / px_per_mm_;
  if (2 * radius_mm < options_.flat_min_diameter_mm) return false;
  const int reach = std::max(obs[best].frame - obs.front().frame, obs.back().frame - obs[best].frame);
  const double z_mm = (reach - 0.5) * options_.min_sweep_step_mm;
  const double h_mm = options_.max_elongation * radius_mm;
  const double demanded_drop = std::min(1.0, (z_mm / h_mm) * (z_mm / h_mm));
  if (reach < 1 || demanded_drop < options_.flat_min_expected_drop) return false;
  const double smallest = *std::min_element(smoothed.begin(), smoothed.end());
  return smallest / largest > 1 - options_.flat_drop_tolerance * demanded_drop;
}

std::vector<CineFollicle> CineLinker::Finish() {
  CloseTracks([](const Track&) { return true; });
  MergeFragments();
  std::vector<const Track*> kept;
  for (const auto& track : tracks_) {
    // Evidence accumulates over frames: the chance that at least one section is real.
    double none_real = 1;
    for (const auto& o : track.observations) none_real *= 1 - std::clamp(o.confidence, 0.0, 1.0);
    if (1 - none_real < options_.min_track_confidence) continue;
    if (HasFlatProfile(track)) continue;
    const bool long_enough = static_cast<int>(track.observations.size()) >= options_.min_frames;
    const bool confident_single = track.best.confidence >= options_.single_frame_min_confidence;
    if (long_enough || (confident_single && !OverlapsLongerTrack(track))) kept.push_back(&track);
  }
  std::sort(kept.begin(), kept.end(), [](const Track* x, const Track* y) {
    const auto& a = x->observations.front();
    const auto& b = y->observations.front();
    if (a.frame != b.frame) return a.frame < b.frame;
    return a.center_px.x < b.center_px.x;
  });
  std::vector<CineFollicle> out;
  for (const Track* track : kept) {
    CineFollicle f;
    f.id = static_cast<int>(out.size()) + 1;
    f.best_frame = track->best_frame;
    f.at_best_frame = track->best;
    for (const auto& o : track->observations) f.appearances.push_back({o.frame, o.center_px, o.follicle_id});
    out.push_back(std::move(f));
  }
  tracks_.clear();
  return out;
}

std::optional<SizeCounts> CountUniqueFollicles(const std::vector<CineFollicle>& follicles, bool calibrated) {
  if (!calibrated) return std::nullopt;
  SizeCounts counts;
  for (const auto& f : follicles) {
    if (f.at_best_frame.mean_mm) counts.Add(*f.at_best_frame.mean_mm);
  }
  return counts;
}

}  // namespace antra
