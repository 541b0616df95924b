#include "phantom/scene.h"

#include <algorithm>
#include <cmath>

#include "phantom/noise.h"
#include "phantom/random.h"

namespace antra::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Margin between a follicle's lumen and the ovary surface (its wall and a
// little stroma), mm.
constexpr double kFollicleToSurfaceMm = 0.8;
// Septum between two flattened follicles, mm.
constexpr double kSeptumMm = 0.5;
// A flattened follicle keeps at least this share of its radius on each side.
constexpr double kMinKeptRadius = 0.5;

Vec3 RandomUnit(Rng& rng) {
  for (;;) {
    const Vec3 v{rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-1, 1)};
    const double n = v.Norm();
    if (n > 1e-3 && n <= 1.0) return v * (1.0 / n);
  }
}

Rotation RandomRotation(Rng& rng) {
  return Rotation::FromEuler(rng.Uniform(-kPi, kPi), rng.Uniform(-kPi / 2, kPi / 2), rng.Uniform(-kPi, kPi));
}

template <typename T>
T Pick(Difficulty d, T easy, T medium, T hard) {
  switch (d) {
    case Difficulty::kEasy: return easy;
    case Difficulty::kMedium: return medium;
    case Difficulty::kHard: return hard;
  }
  return medium;
}

// ---- Probe -----------------------------------------------------------------

ProbeGeometry DrawProbe(Rng& rng, const SceneOptions& o) {
  const Difficulty d = o.difficulty;
  const double radius = rng.Uniform(8, 12);
  const double sector = Pick(d, rng.Uniform(140, 160), rng.Uniform(130, 160), rng.Uniform(120, 160));
  const double depth = Pick(d, rng.Uniform(60, 75), rng.Uniform(55, 85), rng.Uniform(50, 90));
  // Wide sectors leave the screen at the sides, as on zoomed scanner screens.
  const double zoom = Pick(d, rng.Uniform(1.3, 1.6), rng.Uniform(1.3, 1.8), rng.Uniform(1.4, 2.0));
  return LayoutProbe(radius, depth, sector, depth / 2, o.width, o.height, zoom);
}

// True when an image-plane point is on screen and in the fan, with a margin.
bool OnScreenInFan(const ProbeGeometry& p, double X, double Y, double margin_mm) {
  if (!p.InFan(X, Y)) return false;
  const double r = std::hypot(X, Y);
  if (r < p.radius_mm + margin_mm || r > p.MaxRadius() - margin_mm) return false;
  if (std::abs(std::atan2(X, Y)) > p.HalfAngle() - margin_mm / r) return false;
  const cv::Point2d px = p.ToPixel(X, Y);
  const double m = margin_mm / p.mm_per_px;
  return px.x >= m && px.y >= m && px.x < p.width - m && px.y < p.height - m;
}

// ---- Ovary -----------------------------------------------------------------

OvaryShape DrawOvary(Rng& rng, const SceneOptions& o, const ProbeGeometry& probe) {
  const Difficulty d = o.difficulty;
  OvaryShape ov;
  const double length = Pick(d, rng.Uniform(26, 42), rng.Uniform(22, 45), rng.Uniform(20, 45));
  const double a = length / 2;
  ov.shape.semi_axes = {a, a * rng.Uniform(0.55, 0.8), a * rng.Uniform(0.6, 0.9)};
  // Long axis mostly in the image plane, as sonographers scan it.
  ov.shape.rotation = Rotation::FromEuler(rng.Uniform(-0.3, 0.3), rng.Uniform(-0.3, 0.3), rng.Uniform(-0.9, 0.9));
  ov.lump_amplitude = rng.Uniform(0.03, 0.08);
  ov.lump_seed = rng.Next();
  ov.stroma_echo = Pick(d, rng.Uniform(0.5, 0.62), rng.Uniform(0.55, 0.78), rng.Uniform(0.4, 0.85));
  ov.texture_contrast = Pick(d, rng.Uniform(0.25, 0.35), rng.Uniform(0.3, 0.45), rng.Uniform(0.35, 0.55));
  ov.texture_scale_mm = rng.Uniform(2.0, 4.0);
  ov.medulla_boost = rng.Uniform(0.05, 0.25);

  // Centre: below the face by enough to hold the ovary; hard cases sit near
  // the edge of the sector or deep, where the beam is widest.
  const double half = probe.HalfAngle();
  const double b_extent = ov.shape.semi_axes.y;
  const bool at_edge = d == Difficulty::kHard ? rng.Chance(0.4) : (d == Difficulty::kMedium && rng.Chance(0.15));
  for (int attempt = 0; attempt < 200; ++attempt) {
    const double depth_below_face = Pick(d, rng.Uniform(18, 38), rng.Uniform(16, 48), rng.Uniform(15, 60));
    const double r = probe.radius_mm + std::max(depth_below_face, b_extent + 4);
    if (r + b_extent > probe.MaxRadius() - 3) continue;
    const double theta = at_edge ? (rng.Chance(0.5) ? 1 : -1) * (half - rng.Uniform(0.12, 0.35))
                                 : rng.Uniform(-0.45, 0.45) * half;
    const double X = r * std::sin(theta), Y = r * std::cos(theta);
    if (!OnScreenInFan(probe, X, Y, 4)) continue;
    ov.shape.center = {X, Y, 0};
    return ov;
  }
  ov.shape.center = {0, probe.radius_mm + std::min(35.0, probe.depth_mm / 2), 0};
  return ov;
}

// ---- Follicles ---------------------------------------------------------------

double DrawMeanDiameter(Rng& rng, Difficulty d, bool& dominant_taken) {
  const double u = rng.Uniform();
  const double tiny = Pick(d, 0.0, 0.06, 0.1);         // 1.2-2 mm: visible, never counted
  const double small = Pick(d, 0.05, 0.15, 0.3);       // 2-3.2 mm: hard to see
  const double large = Pick(d, 0.1, 0.12, 0.1);        // 10-16 mm
  const double dominant = Pick(d, 0.05, 0.06, 0.05);   // 16-25 mm, at most one
  double x = u;
  if ((x -= tiny) < 0) return rng.Uniform(1.2, 2.0);
  if ((x -= small) < 0) return rng.Uniform(2.0, 3.2);
  if ((x -= large) < 0) return rng.Uniform(10, 16);
  if ((x -= dominant) < 0 && !dominant_taken) {
    dominant_taken = true;
    return rng.Uniform(16, 25);
  }
  // The bulk: 3 to 10 mm, more small than large, as antral follicles are.
  return 3.0 + 7.0 * std::pow(rng.Uniform(), 1.4);
}

bool FollicleFitsOvary(const Ellipsoid& f, const OvaryShape& ovary) {
  // Test the follicle surface, pushed out by the margin, at 26 directions.
  for (int ix = -1; ix <= 1; ++ix) {
    for (int iy = -1; iy <= 1; ++iy) {
      for (int iz = -1; iz <= 1; ++iz) {
        if (ix == 0 && iy == 0 && iz == 0) continue;
        const Vec3 dir = Vec3{double(ix), double(iy), double(iz)}.Normalized();
        const double ext = f.ExtentAlong(dir) + kFollicleToSurfaceMm;
        if (!ovary.Contains(f.center + dir * ext)) return false;
      }
    }
  }
  return true;
}

// Can `f` sit beside the already placed follicles, flattened where it overlaps?
bool FollicleFitsNeighbours(const Ellipsoid& f, const std::vector<FollicleShape>& placed) {
  int septa = 0;
  for (const auto& other : placed) {
    const Vec3 delta = other.shape.center - f.center;
    const double dist = delta.Norm();
    if (dist < 1e-6) return false;
    const Vec3 n = delta * (1.0 / dist);
    const double ri = f.ExtentAlong(n), rj = other.shape.ExtentAlong(n * -1.0);
    if (dist >= ri + rj + kSeptumMm) continue;
    const double m = (dist * dist + ri * ri - rj * rj) / (2 * dist);  // radical plane
    if (m - kSeptumMm / 2 < kMinKeptRadius * ri) return false;
    if (dist - m - kSeptumMm / 2 < kMinKeptRadius * rj) return false;
    if (++septa > 4) return false;
  }
  return true;
}

std::vector<FollicleShape> DrawFollicles(Rng& rng, const SceneOptions& o, const OvaryShape& ovary) {
  const Difficulty d = o.difficulty;
  const int count = o.follicle_count ? *o.follicle_count
                                     : Pick(d, rng.Int(3, 12), rng.Int(rng.Chance(0.08) ? 0 : 2, 16),
                                            rng.Int(rng.Chance(0.08) ? 0 : 1, 20));
  const double cluster = Pick(d, 0.35, 0.5, 0.6);
  bool dominant_taken = false;
  std::vector<double> sizes;
  for (int i = 0; i < count; ++i) sizes.push_back(DrawMeanDiameter(rng, d, dominant_taken));
  // Largest first: they need the room.
  std::sort(sizes.rbegin(), sizes.rend());

  std::vector<FollicleShape> placed;
  int next_id = 1;
  for (double size : sizes) {
    const double r = size / 2;
    for (int attempt = 0; attempt < 300; ++attempt) {
      Ellipsoid f;
      f.semi_axes = {r * rng.Uniform(0.9, 1.15), r * rng.Uniform(0.75, 1.0), r * rng.Uniform(0.8, 1.1)};
      f.rotation = RandomRotation(rng);
      if (!placed.empty() && rng.Chance(cluster)) {
        // Pressed against a neighbour: start from its centre, move out just
        // less than the two radii so that they flatten each other.
        const auto& nb = placed[static_cast<size_t>(rng.Int(0, static_cast<int>(placed.size()) - 1))];
        Vec3 dir = RandomUnit(rng);
        if (!o.cine) dir.z *= 0.3;  // stay near the plane of a still
        dir = dir.Normalized();
        const double reach = (nb.shape.ExtentAlong(dir) + f.ExtentAlong(dir * -1.0) + kSeptumMm) * rng.Uniform(0.8, 0.97);
        f.center = nb.shape.center + dir * reach;
      } else {
        // Anywhere in the ovary (uniform in its body ball).
        Vec3 b;
        do b = {rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-1, 1)}; while (b.Norm() > 1);
        const auto& s = ovary.shape.semi_axes;
        f.center = ovary.shape.center + ovary.shape.rotation.ToWorld({b.x * s.x * 0.9, b.y * s.y * 0.9, b.z * s.z * 0.9});
      }
      if (!o.cine) {
        // A still shows the follicles the plane cuts, mostly near their middle.
        const double spread = rng.Chance(0.8) ? 0.35 : 0.75;
        f.center.z = ovary.shape.center.z + rng.Uniform(-spread, spread) * r;
      }
      if (!FollicleFitsOvary(f, ovary) || !FollicleFitsNeighbours(f, placed)) continue;
      FollicleShape fs;
      fs.id = next_id++;
      fs.shape = f;
      fs.wall_mm = rng.Uniform(0.3, 0.6);
      placed.push_back(fs);
      break;
    }
  }
  FlattenTouchingFollicles(placed, kSeptumMm);
  return placed;
}

// ---- Look-alikes -------------------------------------------------------------

// Is a point far enough from the ovary (and its follicles)?
bool ClearOfOvary(const Scene& s, const Vec3& p, double clearance) {
  return !s.has_ovary || !s.ovary.Contains(p, clearance);
}

// A random point in the visible fan, in the plane z ~ 0.
Vec3 RandomFanPoint(Rng& rng, const ProbeGeometry& probe, double margin) {
  for (int i = 0; i < 1000; ++i) {
    const double r = rng.Uniform(probe.radius_mm + margin, probe.MaxRadius() - margin);
    const double t = rng.Uniform(-probe.HalfAngle(), probe.HalfAngle());
    const double X = r * std::sin(t), Y = r * std::cos(t);
    if (OnScreenInFan(probe, X, Y, margin)) return {X, Y, 0};
  }
  return {0, probe.radius_mm + probe.depth_mm / 2, 0};
}

std::optional<Vessel> DrawVessel(Rng& rng, const Scene& s) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    Vessel v;
    v.radius_mm = rng.Uniform(2.0, 4.5);
    v.wall_mm = rng.Uniform(0.4, 0.8);
    const Vec3 anchor = RandomFanPoint(rng, s.probe, v.radius_mm + 2);
    Vec3 dir;
    if (rng.Chance(0.6)) {
      // Along the plane: a long dark band.
      const double phi = rng.Uniform(-0.7, 0.7) + (rng.Chance(0.5) ? 0 : kPi);
      dir = Vec3{std::cos(phi), std::sin(phi), rng.Uniform(-0.12, 0.12)}.Normalized();
    } else {
      // Across the plane: a dark oval with a bright wall, the classic look-alike.
      dir = Vec3{rng.Uniform(-0.6, 0.6), rng.Uniform(-0.6, 0.6), 1.0}.Normalized();
    }
    const double half_len = rng.Uniform(25, 45);
    const Vec3 bend = RandomUnit(rng) * rng.Uniform(3, 12);
    const int n = 24;
    bool clear = true;
    for (int k = 0; k <= n; ++k) {
      const double t = -1.0 + 2.0 * k / n;
      const Vec3 p = anchor + dir * (t * half_len) + bend * (1 - t * t);
      if (!ClearOfOvary(s, p, v.radius_mm + v.wall_mm + 1.5)) { clear = false; break; }
      v.path.push_back(p);
    }
    if (clear) return v;
  }
  return std::nullopt;
}

std::optional<BowelLoop> DrawBowel(Rng& rng, const Scene& s, bool gas, bool allow_over_ovary) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    BowelLoop b;
    b.gas = gas;
    b.radius_mm = rng.Uniform(5, 11);
    b.wall_mm = rng.Uniform(1.2, 2.5);
    const Vec3 c = RandomFanPoint(rng, s.probe, 3);
    // Gas right under the probe would blank the screen; a sonographer moves.
    const double below_face = std::hypot(c.x, c.y) - s.probe.radius_mm;
    if (gas && below_face < b.radius_mm + b.wall_mm + 12) continue;
    const Vec3 dir = RandomUnit(rng);
    const double half = rng.Uniform(4, 18);
    b.a = c - dir * half;
    b.b = c + dir * half;
    const double outer = b.radius_mm + b.wall_mm + 2;
    bool clear = true;
    for (int k = 0; k <= 10 && clear; ++k) clear = ClearOfOvary(s, b.a + (b.b - b.a) * (k / 10.0), outer);
    if (!clear) continue;
    if (gas && s.has_ovary && !allow_over_ovary) {
      // Keep the shadow off the ovary: the loop must not lie between it and the probe.
      const Vec3 oc = s.ovary.shape.center;
      const double t_ov = std::atan2(oc.x, oc.y);
      const double t_b = std::atan2(c.x, c.y);
      const double r_b = std::hypot(c.x, c.y);
      const double span = (s.ovary.shape.semi_axes.x + outer) / std::hypot(oc.x, oc.y);
      if (r_b < std::hypot(oc.x, oc.y) && std::abs(t_b - t_ov) < span + outer / r_b) continue;
    }
    return b;
  }
  return std::nullopt;
}

std::optional<Ellipsoid> DrawBladder(Rng& rng, const Scene& s) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    Ellipsoid e;
    e.semi_axes = {rng.Uniform(35, 55), rng.Uniform(22, 35), rng.Uniform(30, 45)};
    e.rotation = Rotation::FromEuler(0, 0, rng.Uniform(-0.5, 0.5));
    const double side = rng.Chance(0.5) ? 1 : -1;
    e.center = {side * rng.Uniform(35, 65), s.probe.radius_mm + rng.Uniform(-20, 5), rng.Uniform(-5, 5)};
    // Its near wall must come into view but stay clear of the ovary.
    bool clear = true;
    if (s.has_ovary) {
      for (int k = 0; k < 64 && clear; ++k) {
        const double a = 2 * kPi * k / 64;
        const Vec3 dir{std::cos(a), std::sin(a), 0};
        const Vec3 p = e.center + dir * (e.ExtentAlong(dir) + 2);
        clear = ClearOfOvary(s, p, 2);
      }
    }
    if (clear) return e;
  }
  return std::nullopt;
}

std::vector<Sheet> DrawSheets(Rng& rng, const Scene& s) {
  std::vector<Sheet> sheets;
  const int n = rng.Int(3, 8);
  for (int i = 0; i < n; ++i) {
    Sheet sh;
    const double tilt = rng.Uniform(-0.7, 0.7);
    sh.normal = Vec3{std::sin(tilt), std::cos(tilt), rng.Uniform(-0.1, 0.1)}.Normalized();
    const Vec3 through = RandomFanPoint(rng, s.probe, 2);
    sh.offset = sh.normal.Dot(through);
    sh.thickness_mm = rng.Uniform(0.8, 2.6);
    sh.undulation_mm = rng.Uniform(3, 9);
    sh.undulation_scale_mm = rng.Uniform(8, 25);
    sh.echo = rng.Uniform(2.0, 5.0);
    sheets.push_back(sh);
  }
  return sheets;
}

// ---- Scanner settings ------------------------------------------------------------

ImagingParams DrawImaging(Rng& rng, const Scene& s) {
  const Difficulty d = s.options.difficulty;
  ImagingParams im;
  im.frequency_mhz = Pick(d, rng.Uniform(7, 8), rng.Uniform(6, 7.5), rng.Uniform(5, 6.5));
  // Speckle grain as on 5-9 MHz endocavity probes: about 0.5 mm along the
  // beam and 1 mm across it at the focus, coarser away from it.
  im.axial_sigma_mm = Pick(d, rng.Uniform(0.16, 0.2), rng.Uniform(0.18, 0.24), rng.Uniform(0.22, 0.28));
  im.lateral_sigma_focus_mm = Pick(d, rng.Uniform(0.33, 0.42), rng.Uniform(0.38, 0.48), rng.Uniform(0.42, 0.55));
  im.depth_of_field_mm = Pick(d, rng.Uniform(22, 30), rng.Uniform(16, 24), rng.Uniform(12, 18));
  im.clutter = Pick(d, rng.Uniform(0.02, 0.04), rng.Uniform(0.03, 0.06), rng.Uniform(0.08, 0.16));
  im.clutter_blur_mm = Pick(d, 2.0, 2.5, 3.0);
  im.noise_db = Pick(d, rng.Uniform(-74, -70), rng.Uniform(-70, -64), rng.Uniform(-64, -56));
  // Grey map: stroma mid-dark grey, fascia and bowel walls near white, as
  // gynaecology presets show them.
  im.dynamic_range_db = Pick(d, rng.Uniform(50, 58), rng.Uniform(50, 60), rng.Uniform(48, 64));
  im.headroom_db = Pick(d, rng.Uniform(25, 29), rng.Uniform(24, 30), rng.Uniform(23, 32));
  im.gain_db = Pick(d, rng.Uniform(-1, 1), rng.Uniform(-3, 3), rng.Uniform(-5, 3));
  im.tgc_slope_db_per_cm = Pick(d, rng.Uniform(-1.0, 0.2), rng.Uniform(-1.5, 0.3), rng.Uniform(-2.5, 0.5));
  const double tgc_sd = Pick(d, 1.0, 2.5, 4.0);
  for (int k = 0; k < 8; ++k) im.tgc_error_db.push_back(rng.Normal(0, tgc_sd));
  im.gamma = Pick(d, rng.Uniform(1.25, 1.45), rng.Uniform(1.2, 1.5), rng.Uniform(1.1, 1.6));
  im.smoothing_mm = Pick(d, rng.Uniform(0.12, 0.18), rng.Uniform(0.06, 0.14), rng.Uniform(0.02, 0.06));
  im.speckle_reduction = Pick(d, rng.Uniform(0.4, 0.55), rng.Uniform(0.3, 0.45), rng.Uniform(0.2, 0.35));
  im.elevation_correlation = rng.Uniform(0.3, 0.6);
  im.near_field_reverb = rng.Uniform(0.5, 1.2);
  return im;
}

}  // namespace

const char* ToString(Difficulty d) {
  switch (d) {
    case Difficulty::kEasy: return "easy";
    case Difficulty::kMedium: return "medium";
    case Difficulty::kHard: return "hard";
  }
  return "medium";
}

std::optional<Difficulty> ParseDifficulty(const std::string& s) {
  if (s == "easy") return Difficulty::kEasy;
  if (s == "medium") return Difficulty::kMedium;
  if (s == "hard") return Difficulty::kHard;
  return std::nullopt;
}

Status SceneOptions::Check() const {
  if (width < 256 || height < 192 || width > 4096 || height > 4096) {
    return MakeError(ErrorCode::kInvalidArgument, "image size must be between 256x192 and 4096x4096");
  }
  if (follicle_count && (*follicle_count < 0 || *follicle_count > 40)) {
    return MakeError(ErrorCode::kInvalidArgument, "follicle count must be 0 to 40");
  }
  return Status::Ok();
}

double OvaryShape::LumpAt(const Vec3& body_direction) const {
  const ValueNoise3D noise(lump_seed);
  return lump_amplitude * noise.Fbm(body_direction.x, body_direction.y, body_direction.z, 0.8, 2);
}

bool OvaryShape::Contains(const Vec3& p, double grow_mm) const {
  const Vec3 b = shape.rotation.ToBody(p - shape.center);
  const Vec3& s = shape.semi_axes;
  const Vec3 scaled{b.x / (s.x + grow_mm), b.y / (s.y + grow_mm), b.z / (s.z + grow_mm)};
  const double rho = scaled.Norm();
  if (rho < 0.8) return true;  // deeper than any bump reaches
  if (rho > 1.0 + lump_amplitude + 1e-9) return false;
  return rho <= 1.0 + LumpAt(scaled * (1.0 / rho));
}

void FlattenTouchingFollicles(std::vector<FollicleShape>& follicles, double septum_mm) {
  for (auto& f : follicles) {
    f.septa.clear();
    f.touching.clear();
  }
  for (size_t i = 0; i < follicles.size(); ++i) {
    for (size_t j = i + 1; j < follicles.size(); ++j) {
      auto& fi = follicles[i];
      auto& fj = follicles[j];
      const Vec3 delta = fj.shape.center - fi.shape.center;
      const double dist = delta.Norm();
      if (dist < 1e-9) continue;
      const Vec3 n = delta * (1.0 / dist);
      const double ri = fi.shape.ExtentAlong(n), rj = fj.shape.ExtentAlong(n * -1.0);
      if (dist >= ri + rj + septum_mm) continue;
      // The septum's mid-plane is the radical plane of the two (as if they
      // were spheres of their extents along the line between them).
      const double m = (dist * dist + ri * ri - rj * rj) / (2 * dist);
      const double plane = n.Dot(fi.shape.center) + m;
      fi.septa.push_back({n, plane - septum_mm / 2});
      fi.touching.push_back(fj.id);
      fj.septa.push_back({n * -1.0, -(plane + septum_mm / 2)});
      fj.touching.push_back(fi.id);
    }
  }
}

Scene GenerateScene(const SceneOptions& o) {
  Scene s;
  s.options = o;
  Rng rng(DeriveSeed(o.seed, "scene"));
  s.probe = DrawProbe(rng, o);
  s.has_ovary = o.ovary_visible;
  s.ovary = DrawOvary(rng, o, s.probe);
  // Focus at the ovary, give or take the sonographer's care.
  const double ovary_depth = std::hypot(s.ovary.shape.center.x, s.ovary.shape.center.y) - s.probe.radius_mm;
  const double focus_error = Pick(o.difficulty, rng.Uniform(-3, 3), rng.Uniform(-10, 10), rng.Uniform(-20, 20));
  s.probe.focus_mm = std::clamp(ovary_depth + focus_error, 10.0, s.probe.depth_mm - 5);
  if (!s.has_ovary) {
    // The probe points past the ovary: keep the geometry, move it out of the sector.
    s.ovary.shape.center.z += 80;
  } else {
    s.follicles = DrawFollicles(rng, o, s.ovary);
  }

  const Difficulty d = o.difficulty;
  const int vessels = rng.Chance(Pick(d, 0.3, 0.6, 0.9)) ? (d == Difficulty::kHard && rng.Chance(0.4) ? 2 : 1) : 0;
  for (int i = 0; i < vessels; ++i) {
    if (auto v = DrawVessel(rng, s)) s.vessels.push_back(*v);
  }
  if (rng.Chance(Pick(d, 0.15, 0.4, 0.7))) {
    if (auto b = DrawBowel(rng, s, true, d == Difficulty::kHard && rng.Chance(0.3))) s.bowel.push_back(*b);
  }
  if (rng.Chance(Pick(d, 0.0, 0.2, 0.5))) {
    if (auto b = DrawBowel(rng, s, false, false)) s.bowel.push_back(*b);
  }
  if (rng.Chance(Pick(d, 0.1, 0.3, 0.5))) s.bladder = DrawBladder(rng, s);
  s.sheets = DrawSheets(rng, s);

  s.tissue.texture_seed = rng.Next();
  s.tissue.region_contrast = rng.Uniform(0.35, 0.7);
  s.tissue.region_scale_mm = rng.Uniform(15, 30);
  s.tissue.bright_scatterers = rng.Uniform(0.002, 0.006);
  s.tissue.capsule_echo = Pick(d, rng.Uniform(1.4, 2.2), rng.Uniform(1.2, 1.9), rng.Uniform(0.9, 1.4));
  s.tissue.background_contrast = rng.Uniform(0.35, 0.55);
  s.tissue.background_scale_mm = rng.Uniform(6, 12);
  s.tissue.fine_contrast = rng.Uniform(0.15, 0.3);
  s.tissue.follicle_fluid_echo = Pick(d, 0.0, rng.Uniform(0.0, 0.03), rng.Uniform(0.03, 0.08));
  s.tissue.wall_echo = rng.Uniform(1.2, 1.7);
  s.imaging = DrawImaging(rng, s);

  s.overlay.calipers = s.has_ovary && !s.follicles.empty() && rng.Chance(Pick(d, 0.25, 0.35, 0.5));
  s.overlay.ovary_caliper = s.has_ovary && rng.Chance(0.25);
  s.overlay.text_variant = rng.Int(0, 2);
  return s;
}

void EvolveFollicles(Scene& scene, std::uint64_t seed, double recruit_bias) {
  if (!scene.has_ovary) return;
  Rng rng(DeriveSeed(seed, "evolve"));
  std::vector<FollicleShape> kept;
  int next_id = 1;
  for (const auto& f : scene.follicles) next_id = std::max(next_id, f.id + 1);
  for (const auto& f : scene.follicles) {
    if (rng.Chance(0.15)) continue;  // atresia
    FollicleShape g = f;
    // Most antral follicles change little in two weeks; a few grow fast.
    const double factor = rng.Chance(0.15) ? rng.Uniform(1.2, 1.7) : std::exp(rng.Normal(0, 0.15));
    const Vec3 old_axes = g.shape.semi_axes;
    g.shape.semi_axes = old_axes * factor;
    if (!FollicleFitsOvary(g.shape, scene.ovary) || !FollicleFitsNeighbours(g.shape, kept)) {
      g.shape.semi_axes = old_axes;  // no room to grow
      if (!FollicleFitsNeighbours(g.shape, kept)) continue;
    }
    kept.push_back(g);
  }
  const int recruits = std::max(0, static_cast<int>(std::lround(rng.Uniform(0, 3) + recruit_bias)));
  for (int k = 0; k < recruits; ++k) {
    const double r = rng.Uniform(1.0, 2.2);
    for (int attempt = 0; attempt < 200; ++attempt) {
      Ellipsoid e;
      e.semi_axes = {r * rng.Uniform(0.9, 1.1), r * rng.Uniform(0.8, 1.0), r * rng.Uniform(0.85, 1.05)};
      e.rotation = RandomRotation(rng);
      Vec3 b;
      do b = {rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-1, 1)}; while (b.Norm() > 1);
      const auto& s = scene.ovary.shape.semi_axes;
      e.center = scene.ovary.shape.center + scene.ovary.shape.rotation.ToWorld({b.x * s.x * 0.85, b.y * s.y * 0.85, b.z * s.z * 0.85});
      if (!FollicleFitsOvary(e, scene.ovary) || !FollicleFitsNeighbours(e, kept)) continue;
      FollicleShape fs;
      fs.id = next_id++;
      fs.shape = e;
      fs.wall_mm = rng.Uniform(0.3, 0.5);
      kept.push_back(fs);
      break;
    }
  }
  FlattenTouchingFollicles(kept, kSeptumMm);
  scene.follicles = std::move(kept);
}

std::vector<PlanePose> SweepPoses(const Scene& scene, int frames, double step_mm, std::uint64_t seed) {
  Rng rng(DeriveSeed(seed, "sweep"));
  std::vector<PlanePose> poses;
  const double z_center = scene.ovary.shape.center.z + rng.Uniform(-1, 1);
  double dx = 0, dy = 0, tilt_x = 0, tilt_y = 0, spin = 0;
  for (int k = 0; k < frames; ++k) {
    // The hand: a random walk in position and angle about the probe tip.
    dx += rng.Normal(0, 0.15);
    dy += rng.Normal(0, 0.1);
    tilt_x += rng.Normal(0, 0.25 * kDeg);
    tilt_y += rng.Normal(0, 0.25 * kDeg);
    spin += rng.Normal(0, 0.2 * kDeg);
    const Rotation rot = Rotation::FromEuler(tilt_x, tilt_y, spin);
    PlanePose p;
    p.u = rot.ToWorld({1, 0, 0});
    p.v = rot.ToWorld({0, 1, 0});
    p.origin = {dx, dy, z_center + (k - 0.5 * (frames - 1)) * step_mm};
    poses.push_back(p);
  }
  return poses;
}

}  // namespace antra::phantom
