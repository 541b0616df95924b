#include "phantom/truth_builder.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <opencv2/imgproc.hpp>

namespace antra::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kOutlinePoints = 720;   // measuring outline
constexpr int kContourPoints = 72;    // outline written to the truth file

cv::Point2d ToPx(const ProbeGeometry& p, const cv::Point2d& mm) { return p.ToPixel(mm.x, mm.y); }

std::vector<cv::Point2d> ToPx(const ProbeGeometry& p, const std::vector<cv::Point2d>& mm) {
  std::vector<cv::Point2d> out;
  out.reserve(mm.size());
  for (const auto& q : mm) out.push_back(ToPx(p, q));
  return out;
}

// Share of a lumen (pixel outline, area in pixels) on screen, in the fan and
// out of shadow.
double VisibleFraction(const std::vector<cv::Point2d>& outline_px, double area_px, const RenderedFrame& r) {
  if (area_px <= 0) return 0;
  constexpr int kShift = 4;  // sub-pixel vertices
  std::vector<cv::Point> pts;
  cv::Rect2d box = cv::boundingRect(std::vector<cv::Point2f>(outline_px.begin(), outline_px.end()));
  for (const auto& p : outline_px) pts.emplace_back(cvRound(p.x * (1 << kShift)), cvRound(p.y * (1 << kShift)));
  const cv::Rect screen(0, 0, r.fan.cols, r.fan.rows);
  const cv::Rect roi = cv::Rect(cvFloor(box.x) - 1, cvFloor(box.y) - 1, cvCeil(box.width) + 3, cvCeil(box.height) + 3) & screen;
  if (roi.empty()) return 0;
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_8U);
  std::vector<cv::Point> shifted;
  for (const auto& p : pts) shifted.emplace_back(p.x - (roi.x << kShift), p.y - (roi.y << kShift));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{shifted}, cv::Scalar(255), cv::LINE_8, kShift);
  const int inside = cv::countNonZero(mask);
  cv::Mat ok = mask & r.fan(roi) & ~r.shadow(roi);
  // Relative to the drawn area where the lumen is fully on screen (pixel
  // rounding), to the exact area where the screen cuts it.
  const double drawn_total = inside + 0.0;
  const bool fully_on_screen = box.x >= 0 && box.y >= 0 && box.x + box.width < r.fan.cols && box.y + box.height < r.fan.rows;
  const double total = fully_on_screen && drawn_total > 0 ? drawn_total : area_px;
  return std::clamp(cv::countNonZero(ok) / total, 0.0, 1.0);
}

std::optional<eval::TruthOvarySection> OvarySection(const Scene& scene, const PlanePose& pose) {
  if (!scene.has_ovary) return std::nullopt;
  const auto base = scene.ovary.shape.Section(pose);
  if (!base) return std::nullopt;
  // The lumpy surface is star-shaped about the section's centre: find its
  // radius along rays by bisection.
  std::vector<cv::Point2d> outline;
  const double reach = (1.0 + scene.ovary.lump_amplitude + 0.05) * base->semi_major + 1.0;
  for (int k = 0; k < 180; ++k) {
    const double a = 2 * kPi * k / 180;
    const cv::Point2d dir(std::cos(a), std::sin(a));
    double lo = 0, hi = reach;
    if (!scene.ovary.Contains(pose.At(base->center.x, base->center.y))) return std::nullopt;
    for (int it = 0; it < 40; ++it) {
      const double mid = 0.5 * (lo + hi);
      const cv::Point2d q = base->center + dir * mid;
      if (scene.ovary.Contains(pose.At(q.x, q.y))) lo = mid; else hi = mid;
    }
    outline.push_back(base->center + dir * lo);
  }
  const LumenMeasurement m = MeasureConvexPolygon(outline);
  if (m.Mean() < 3.0) return std::nullopt;  // a grazing cap, not an ovary in view
  eval::TruthOvarySection o;
  o.center_px = ToPx(scene.probe, m.centroid);
  o.long_mm = m.long_length;
  o.short_mm = m.short_length;
  std::vector<cv::Point2d> coarse;
  for (size_t k = 0; k < outline.size(); k += 3) coarse.push_back(outline[k]);
  o.contour_px = ToPx(scene.probe, coarse);
  return o;
}

nlohmann::json Vec(const Vec3& v) { return nlohmann::json::array({v.x, v.y, v.z}); }

nlohmann::json EllipsoidJson(const Ellipsoid& e) {
  return {{"center_mm", Vec(e.center)},
          {"semi_axes_mm", Vec(e.semi_axes)},
          {"axes", nlohmann::json::array({Vec(e.rotation.axis[0]), Vec(e.rotation.axis[1]), Vec(e.rotation.axis[2])})}};
}

}  // namespace

eval::TruthFrame MeasureFrame(const Scene& scene, const PlanePose& pose, int index, const RenderedFrame& rendered) {
  eval::TruthFrame frame;
  frame.index = index;
  const ProbeGeometry& probe = scene.probe;
  const double px_area = probe.mm_per_px * probe.mm_per_px;
  if (scene.has_ovary) {
    for (const auto& f : scene.follicles) {
      const auto ellipse = f.shape.Section(pose);
      if (!ellipse) continue;
      Lumen2D lumen;
      lumen.ellipse = *ellipse;
      bool empty = false;
      std::vector<int> touching;
      for (size_t k = 0; k < f.septa.size(); ++k) {
        const PlaneCut cut = SectionOf(f.septa[k], pose);
        if (cut.kind == PlaneCut::kNever) empty = true;
        if (cut.kind != PlaneCut::kHalfPlane) continue;
        // Only septa that actually cut this section flatten it here.
        const double reach = ellipse->semi_major;
        if (cut.half_plane.SignedDistance(ellipse->center.x, ellipse->center.y) > -reach) touching.push_back(f.touching[k]);
        lumen.cuts.push_back(cut.half_plane);
      }
      if (empty) continue;
      const auto outline = lumen.Polygon(kOutlinePoints);
      if (outline.size() < 3) continue;
      const LumenMeasurement m = MeasureConvexPolygon(outline);
      if (m.Mean() < kMinListedMeanMm) continue;
      eval::TruthCrossSection c;
      c.follicle_id = f.id;
      c.center_px = ToPx(probe, m.centroid);
      c.long_mm = m.long_length;
      c.short_mm = m.short_length;
      c.mean_mm = m.Mean();
      c.area_mm2 = m.area;
      c.long_axis_px = {ToPx(probe, m.long_a), ToPx(probe, m.long_b)};
      c.short_axis_px = {ToPx(probe, m.short_a), ToPx(probe, m.short_b)};
      c.touching = touching;
      const auto outline_px = ToPx(probe, outline);
      c.visible_fraction = VisibleFraction(outline_px, m.area / px_area, rendered);
      c.contour_px = ToPx(probe, lumen.Polygon(kContourPoints));
      if (c.contour_px.size() < 3) c.contour_px = outline_px;
      frame.follicles.push_back(std::move(c));
    }
  }
  frame.ovary = OvarySection(scene, pose);
  frame.counts = CountFrame(frame);
  return frame;
}

SizeCounts CountFrame(const eval::TruthFrame& frame, double min_visible_fraction) {
  SizeCounts counts;
  for (const auto& c : frame.follicles) {
    if (c.visible_fraction >= min_visible_fraction) counts.Add(c.mean_mm);
  }
  return counts;
}

std::vector<eval::TruthUniqueFollicle> UniqueFollicles(const std::vector<eval::TruthFrame>& frames,
                                                       double min_visible_fraction) {
  std::map<int, eval::TruthUniqueFollicle> by_id;
  for (const auto& f : frames) {
    for (const auto& c : f.follicles) {
      auto& u = by_id[c.follicle_id];
      u.id = c.follicle_id;
      u.frames.push_back({f.index, c.center_px});
      if (c.visible_fraction >= min_visible_fraction && (!u.visible || c.mean_mm > u.mean_mm)) {
        u.visible = true;
        u.best_frame = f.index;
        u.long_mm = c.long_mm;
        u.short_mm = c.short_mm;
        u.mean_mm = c.mean_mm;
      }
    }
  }
  std::vector<eval::TruthUniqueFollicle> out;
  for (auto& [id, u] : by_id) out.push_back(std::move(u));
  return out;
}

SizeCounts CountUnique(const std::vector<eval::TruthUniqueFollicle>& unique) {
  SizeCounts counts;
  for (const auto& u : unique) {
    if (u.visible) counts.Add(u.mean_mm);
  }
  return counts;
}

nlohmann::json LookalikesInFrame(const RenderedFrame& rendered, int index) {
  struct Kind {
    const char* name;
    std::vector<std::uint16_t> labels;
  };
  const Kind kinds[] = {{"vessel", {kLabelVessel}},
                        {"bowel-gas", {kLabelBowelGas}},
                        {"bowel-fluid", {kLabelBowelFluid}},
                        {"bladder", {kLabelBladder}}};
  nlohmann::json out = nlohmann::json::array();
  for (const auto& kind : kinds) {
    cv::Mat mask = cv::Mat::zeros(rendered.labels.size(), CV_8U);
    for (auto l : kind.labels) mask |= (rendered.labels == l);
    if (cv::countNonZero(mask) == 0) continue;
    cv::Mat cc, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, cc, stats, centroids, 8, CV_32S);
    for (int k = 1; k < n; ++k) {
      const int area = stats.at<int>(k, cv::CC_STAT_AREA);
      if (area < 12) continue;
      out.push_back({{"kind", kind.name},
                     {"frame", index},
                     {"box_px", {stats.at<int>(k, cv::CC_STAT_LEFT), stats.at<int>(k, cv::CC_STAT_TOP),
                                 stats.at<int>(k, cv::CC_STAT_WIDTH), stats.at<int>(k, cv::CC_STAT_HEIGHT)}},
                     {"center_px", {std::round(centroids.at<double>(k, 0) * 10) / 10, std::round(centroids.at<double>(k, 1) * 10) / 10}},
                     {"area_px", area}});
    }
  }
  return out;
}

nlohmann::json SceneToJson(const Scene& s) {
  using nlohmann::json;
  const auto& p = s.probe;
  const cv::Rect box = p.FanBox();
  json j;
  j["probe"] = {{"kind", "curved endocavity"},
                {"radius_mm", p.radius_mm},
                {"depth_mm", p.depth_mm},
                {"sector_deg", p.sector_deg},
                {"focus_depth_mm", p.focus_mm},
                {"apex_px", {p.apex_px.x, p.apex_px.y}},
                {"fan_box_px", {box.x, box.y, box.x + box.width - 1, box.y + box.height - 1}}};
  if (s.has_ovary) {
    j["ovary"] = EllipsoidJson(s.ovary.shape);
    j["ovary"]["lump_amplitude"] = s.ovary.lump_amplitude;
    j["ovary"]["stroma_echo"] = s.ovary.stroma_echo;
  } else {
    j["ovary"] = nullptr;
  }
  json follicles = json::array();
  for (const auto& f : s.follicles) {
    json jf = EllipsoidJson(f.shape);
    jf["id"] = f.id;
    jf["touching"] = f.touching;
    jf["wall_mm"] = f.wall_mm;
    follicles.push_back(jf);
  }
  j["follicles_3d"] = follicles;
  json lookalikes = json::array();
  for (const auto& v : s.vessels) {
    json path = json::array();
    for (const auto& q : v.path) path.push_back(Vec(q));
    lookalikes.push_back({{"kind", "vessel"}, {"radius_mm", v.radius_mm}, {"path_mm", path}});
  }
  for (const auto& b : s.bowel) {
    lookalikes.push_back({{"kind", b.gas ? "bowel-gas" : "bowel-fluid"},
                          {"radius_mm", b.radius_mm},
                          {"wall_mm", b.wall_mm},
                          {"axis_mm", {Vec(b.a), Vec(b.b)}}});
  }
  if (s.bladder) {
    json b = EllipsoidJson(*s.bladder);
    b["kind"] = "bladder";
    lookalikes.push_back(b);
  }
  j["lookalikes_3d"] = lookalikes;
  const auto& im = s.imaging;
  j["imaging"] = {{"frequency_mhz", im.frequency_mhz},
                  {"axial_sigma_mm", im.axial_sigma_mm},
                  {"lateral_sigma_focus_mm", im.lateral_sigma_focus_mm},
                  {"depth_of_field_mm", im.depth_of_field_mm},
                  {"clutter", im.clutter},
                  {"noise_db", im.noise_db},
                  {"dynamic_range_db", im.dynamic_range_db},
                  {"headroom_db", im.headroom_db},
                  {"gain_db", im.gain_db},
                  {"tgc_error_db", im.tgc_error_db},
                  {"gamma", im.gamma},
                  {"smoothing_mm", im.smoothing_mm},
                  {"follicle_fluid_echo", s.tissue.follicle_fluid_echo}};
  return j;
}

}  // namespace antra::phantom
