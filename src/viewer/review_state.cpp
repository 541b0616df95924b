#include "viewer/review_state.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <opencv2/imgproc.hpp>

#include "pipeline/ovary.h"

namespace antra::viewer {

const char* ToString(Decision decision) {
  switch (decision) {
    case Decision::kPending: return "pending";
    case Decision::kAccepted: return "accepted";
    case Decision::kRejected: return "rejected";
  }
  return "pending";
}

const ReviewedFollicle* ReviewState::FindFollicle(int id) const {
  for (const auto& f : follicles) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

ReviewedFollicle* ReviewState::FindFollicle(int id) {
  return const_cast<ReviewedFollicle*>(static_cast<const ReviewState*>(this)->FindFollicle(id));
}

const ManualCaliper* ReviewState::FindCaliper(int id) const {
  for (const auto& c : calipers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

ReviewState ReviewFromAnalysis(const ImageAnalysis& analysis, const std::string& laterality) {
  ReviewState state;
  state.image_side = laterality;
  auto add = [&](int source_id, int frame, const FollicleMeasurement& m) {
    ReviewedFollicle f;
    f.id = state.next_id++;
    f.source_id = source_id;
    f.frame = frame;
    f.measurement = m;
    state.follicles.push_back(std::move(f));
  };
  if (!analysis.cine_follicles.empty()) {
    for (const auto& cine : analysis.cine_follicles) add(cine.id, cine.best_frame, cine.at_best_frame);
  } else {
    for (const auto& frame : analysis.frames) {
      for (const auto& follicle : frame.follicles) add(follicle.id, frame.index, follicle);
    }
  }
  return state;
}

void Remeasure(FollicleMeasurement& m, const Calibration& calibration) {
  m.long_mm = calibration.LengthMm(m.long_axis.a, m.long_axis.b);
  m.short_mm = calibration.LengthMm(m.short_axis.a, m.short_axis.b);
  m.mean_mm.reset();
  if (m.long_mm && m.short_mm) m.mean_mm = (*m.long_mm + *m.short_mm) / 2;
  m.area_mm2 = (m.long_mm && m.short_mm) ? calibration.AreaMm2(m.area_px, m.center_px) : std::nullopt;
  m.area_equivalent_diameter_mm.reset();
  if (m.area_mm2) m.area_equivalent_diameter_mm = 2 * std::sqrt(*m.area_mm2 / std::numbers::pi);
}

namespace {

cv::Point2d Midpoint(const Caliper& c) { return (c.a + c.b) * 0.5; }

// Outline, centre and area from the calipers, for follicles whose detected
// outline no longer matches what the reader measured.
void ReshapeFromCalipers(FollicleMeasurement& m) {
  m.contour_px = EllipseFromCalipers(m.long_axis, m.short_axis);
  m.center_px = (Midpoint(m.long_axis) + Midpoint(m.short_axis)) * 0.5;
  m.area_px = std::numbers::pi * m.long_axis.LengthPx() * m.short_axis.LengthPx() / 4;
}

}  // namespace

std::vector<cv::Point> EllipseFromCalipers(const Caliper& long_axis, const Caliper& short_axis) {
  const cv::Point2d center = (Midpoint(long_axis) + Midpoint(short_axis)) * 0.5;
  const double a = long_axis.LengthPx() / 2;
  const double b = short_axis.LengthPx() / 2;
  const double angle = std::atan2(long_axis.b.y - long_axis.a.y, long_axis.b.x - long_axis.a.x);
  constexpr int kPoints = 48;
  std::vector<cv::Point> points;
  points.reserve(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    const double t = 2 * std::numbers::pi * i / kPoints;
    const double x = a * std::cos(t), y = b * std::sin(t);
    points.emplace_back(static_cast<int>(std::lround(center.x + x * std::cos(angle) - y * std::sin(angle))),
                        static_cast<int>(std::lround(center.y + x * std::sin(angle) + y * std::cos(angle))));
  }
  return points;
}

FollicleMeasurement MeasurementFromCalipers(const Caliper& first, const Caliper& second,
                                            const Calibration& calibration) {
  FollicleMeasurement m;
  const bool first_longer = first.LengthPx() >= second.LengthPx();
  m.long_axis = first_longer ? first : second;
  m.short_axis = first_longer ? second : first;
  ReshapeFromCalipers(m);
  m.confidence = 1.0;
  m.origin = FollicleOrigin::kAdded;
  Remeasure(m, calibration);
  return m;
}

cv::Point2d HandlePosition(const ReviewState& state, const HandleRef& handle) {
  if (handle.kind == HandleRef::Kind::kCaliper) {
    const auto* c = state.FindCaliper(handle.id);
    if (!c) return {};
    return handle.point == 0 ? c->line.a : c->line.b;
  }
  const auto* f = state.FindFollicle(handle.id);
  if (!f) return {};
  const auto& m = f->measurement;
  switch (handle.point) {
    case 0: return m.long_axis.a;
    case 1: return m.long_axis.b;
    case 2: return m.short_axis.a;
    default: return m.short_axis.b;
  }
}

std::optional<HandleRef> HitTestHandle(const ReviewState& state, int frame, cv::Point2d p, double radius_px) {
  std::optional<HandleRef> best;
  double best_distance = radius_px;
  auto consider = [&](HandleRef ref, cv::Point2d at) {
    const double d = std::hypot(at.x - p.x, at.y - p.y);
    if (d <= best_distance) {
      best_distance = d;
      best = ref;
    }
  };
  for (const auto& c : state.calipers) {
    if (c.frame != frame) continue;
    consider({HandleRef::Kind::kCaliper, c.id, 0}, c.line.a);
    consider({HandleRef::Kind::kCaliper, c.id, 1}, c.line.b);
  }
  for (const auto& f : state.follicles) {
    if (f.frame != frame) continue;
    for (int i = 0; i < 4; ++i) {
      const HandleRef ref{HandleRef::Kind::kFollicle, f.id, i};
      consider(ref, HandlePosition(state, ref));
    }
  }
  return best;
}

std::optional<int> HitTestFollicle(const ReviewState& state, int frame, cv::Point2d p) {
  std::optional<int> best;
  double best_area = std::numeric_limits<double>::max();
  for (const auto& f : state.follicles) {
    if (f.frame != frame) continue;
    const auto& m = f.measurement;
    bool inside = false;
    if (m.contour_px.size() >= 3) {
      inside = cv::pointPolygonTest(m.contour_px, cv::Point2f(static_cast<float>(p.x), static_cast<float>(p.y)),
                                    false) >= 0;
    } else {
      inside = std::hypot(p.x - m.center_px.x, p.y - m.center_px.y) <= m.long_axis.LengthPx() / 2;
    }
    const double area = std::max(m.area_px, 1.0);
    if (inside && area < best_area) {
      best_area = area;
      best = f.id;
    }
  }
  return best;
}

ReviewState WithHandleMoved(const ReviewState& state, const HandleRef& handle, cv::Point2d to,
                            const Calibration& calibration) {
  ReviewState next = state;
  if (handle.kind == HandleRef::Kind::kCaliper) {
    for (auto& c : next.calipers) {
      if (c.id == handle.id) (handle.point == 0 ? c.line.a : c.line.b) = to;
    }
    return next;
  }
  auto* f = next.FindFollicle(handle.id);
  if (!f) return next;
  auto& m = f->measurement;
  cv::Point2d* points[] = {&m.long_axis.a, &m.long_axis.b, &m.short_axis.a, &m.short_axis.b};
  *points[std::clamp(handle.point, 0, 3)] = to;
  ReshapeFromCalipers(m);
  Remeasure(m, calibration);
  if (m.origin == FollicleOrigin::kAutomatic) m.origin = FollicleOrigin::kEdited;
  // Measuring it is a decision: the reader has looked at this follicle.
  if (f->decision == Decision::kPending) f->decision = Decision::kAccepted;
  return next;
}

ReviewState WithCaliperAdded(const ReviewState& state, int frame, const Caliper& line, int* new_id) {
  ReviewState next = state;
  ManualCaliper c;
  c.id = next.next_id++;
  c.frame = frame;
  c.line = line;
  next.calipers.push_back(c);
  if (new_id) *new_id = c.id;
  return next;
}

ReviewState WithFollicleAdded(const ReviewState& state, int frame, const Caliper& first, const Caliper& second,
                              const Calibration& calibration, int* new_id) {
  ReviewState next = state;
  ReviewedFollicle f;
  f.id = next.next_id++;
  f.frame = frame;
  f.measurement = MeasurementFromCalipers(first, second, calibration);
  f.decision = Decision::kAccepted;  // the reader measured it
  next.follicles.push_back(std::move(f));
  if (new_id) *new_id = next.follicles.back().id;
  return next;
}

ReviewState WithDecision(const ReviewState& state, int follicle_id, Decision decision) {
  ReviewState next = state;
  if (auto* f = next.FindFollicle(follicle_id)) f->decision = decision;
  return next;
}

ReviewState WithFollicleSide(const ReviewState& state, int follicle_id, const std::string& side) {
  ReviewState next = state;
  if (auto* f = next.FindFollicle(follicle_id)) f->side = side;
  return next;
}

ReviewState WithImageSide(const ReviewState& state, const std::string& side) {
  ReviewState next = state;
  next.image_side = side;
  return next;
}

ReviewState WithFollicleDeleted(const ReviewState& state, int follicle_id) {
  ReviewState next = state;
  std::erase_if(next.follicles, [&](const ReviewedFollicle& f) { return f.id == follicle_id; });
  return next;
}

ReviewState WithPendingOutsideRejected(const ReviewState& state, const cv::Rect& box, int* rejected) {
  // Inside as the pipeline's given ovary decides it for a single image.
  const pipeline::GivenOvary ovary = pipeline::GivenOvaryFromBox(box);
  ReviewState next = state;
  next.ovary_box_px = box;
  int count = 0;
  for (auto& f : next.follicles) {
    if (f.decision == Decision::kPending && !ovary.Contains(f.measurement.center_px)) {
      f.decision = Decision::kRejected;
      ++count;
    }
  }
  if (rejected) *rejected = count;
  return next;
}

ReviewState WithCaliperDeleted(const ReviewState& state, int caliper_id) {
  ReviewState next = state;
  std::erase_if(next.calipers, [&](const ManualCaliper& c) { return c.id == caliper_id; });
  return next;
}

std::string EffectiveSide(const ReviewState& state, const ReviewedFollicle& follicle) {
  return follicle.side.empty() ? state.image_side : follicle.side;
}

SizeCounts ReviewCounts::total() const {
  SizeCounts t;
  for (const SizeCounts* c : {&left, &right, &unassigned}) {
    t.under_2 += c->under_2;
    t.from_2_to_6 += c->from_2_to_6;
    t.from_6_to_10 += c->from_6_to_10;
    t.over_10 += c->over_10;
  }
  return t;
}

ReviewCounts CountReview(const ReviewState& state) {
  ReviewCounts counts;
  for (const auto& f : state.follicles) {
    if (f.decision == Decision::kRejected) {
      ++counts.rejected;
      continue;
    }
    if (f.decision == Decision::kPending) ++counts.pending;
    if (!f.measurement.mean_mm) {
      ++counts.without_mm;
      continue;
    }
    const std::string side = EffectiveSide(state, f);
    SizeCounts& bucket = side == "L" ? counts.left : side == "R" ? counts.right : counts.unassigned;
    bucket.Add(*f.measurement.mean_mm);
  }
  return counts;
}

}  // namespace antra::viewer
