#include "phantom/physics.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "phantom/noise.h"
#include "phantom/random.h"

namespace antra::phantom {

namespace {

// Echo amplitudes and attenuation coefficients (dB per cm per MHz, one way).
constexpr float kBloodEcho = 0.03f;
constexpr float kUrineEcho = 0.0f;
constexpr float kGasEcho = 6.0f;          // a strong specular reflector
constexpr float kBowelWallEcho = 1.8f;
constexpr float kVesselWallEcho = 1.5f;
constexpr float kBladderWallEcho = 1.6f;
constexpr double kBladderWallMm = 1.2;
constexpr float kBloodAttenuation = 0.15f;
constexpr float kGasAttenuation = 400.0f; // about 25 dB per mm at 6 MHz: nothing passes
// Refraction at the edge of a round fluid structure casts a thin shadow
// below where the beam grazes it; extra attenuation (one way) there.
constexpr double kEdgeShadowDb = 0.8;
// Reverberation amplitude just behind a gas interface (fades over ~7 mm).
constexpr double kGasReverb = 0.45;
// Amplitude dB to natural log: 10^(dB/20) = exp(dB * ln(10) / 20).
constexpr double kDbToNeper = 0.11512925464970229;
constexpr double kNeperToDb = 1.0 / kDbToNeper;

// Texture fields evaluated on a coarse grid and interpolated: tissue texture
// varies over millimetres, the grid samples every few tenths.
constexpr int kTextureDecimation = 4;

struct FollicleSection {
  int id = 0;
  Lumen2D lumen;
  cv::Rect2d bounds;  // lumen plus wall
  double wall_mm = 0;
};

struct TubeSection {
  const Vessel* vessel = nullptr;
  cv::Rect2d bounds;
};

struct BowelSection {
  const BowelLoop* loop = nullptr;
  cv::Rect2d bounds;
};

struct Sections {
  std::vector<FollicleSection> follicles;
  std::optional<cv::Rect2d> ovary_bounds;
  std::optional<Ellipse2D> bladder;
  std::vector<TubeSection> vessels;
  std::vector<BowelSection> bowel;
};

bool InRect(const cv::Rect2d& r, double x, double y) {
  return x >= r.x && y >= r.y && x <= r.x + r.width && y <= r.y + r.height;
}

cv::Rect2d Expand(const cv::Rect2d& r, double m) { return {r.x - m, r.y - m, r.width + 2 * m, r.height + 2 * m}; }

// Bounds, in plane coordinates, of the points within `radius` of a polyline.
std::optional<cv::Rect2d> PolylineBounds(const std::vector<Vec3>& path, double radius, const PlanePose& pose) {
  const Vec3 n = pose.Normal();
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  bool any = false;
  for (size_t k = 0; k + 1 < path.size(); ++k) {
    const Vec3 a = path[k], b = path[k + 1];
    const int steps = std::max(1, static_cast<int>((b - a).Norm() / 0.25));
    for (int s = 0; s <= steps; ++s) {
      const Vec3 p = a + (b - a) * (static_cast<double>(s) / steps);
      const Vec3 rel = p - pose.origin;
      const double dn = rel.Dot(n);
      if (std::abs(dn) >= radius) continue;
      const double reach = std::sqrt(radius * radius - dn * dn) + 0.3;
      const double X = rel.Dot(pose.u), Y = rel.Dot(pose.v);
      x0 = std::min(x0, X - reach);
      x1 = std::max(x1, X + reach);
      y0 = std::min(y0, Y - reach);
      y1 = std::max(y1, Y + reach);
      any = true;
    }
  }
  if (!any) return std::nullopt;
  return cv::Rect2d(x0, y0, x1 - x0, y1 - y0);
}

Sections CutSections(const Scene& scene, const PlanePose& pose) {
  Sections s;
  if (scene.has_ovary) {
    const auto& ov = scene.ovary;
    Ellipsoid grown = ov.shape;
    const double g = ov.lump_amplitude * std::max({grown.semi_axes.x, grown.semi_axes.y, grown.semi_axes.z}) + 0.5;
    grown.semi_axes = grown.semi_axes + Vec3{g, g, g};
    if (auto e = grown.Section(pose)) s.ovary_bounds = e->Bounds();
    for (const auto& f : scene.follicles) {
      auto e = f.shape.Section(pose);
      if (!e) continue;
      FollicleSection fs;
      fs.id = f.id;
      fs.wall_mm = f.wall_mm;
      fs.lumen.ellipse = *e;
      bool empty = false;
      for (const auto& h : f.septa) {
        const PlaneCut cut = SectionOf(h, pose);
        if (cut.kind == PlaneCut::kNever) empty = true;
        if (cut.kind == PlaneCut::kHalfPlane) fs.lumen.cuts.push_back(cut.half_plane);
      }
      if (empty) continue;
      fs.bounds = Expand(e->Bounds(), f.wall_mm + 0.2);
      s.follicles.push_back(std::move(fs));
    }
  }
  if (scene.bladder) {
    Ellipsoid grown = *scene.bladder;
    grown.semi_axes = grown.semi_axes + Vec3{kBladderWallMm, kBladderWallMm, kBladderWallMm};
    s.bladder = grown.Section(pose);
  }
  for (const auto& v : scene.vessels) {
    if (auto b = PolylineBounds(v.path, v.radius_mm + v.wall_mm, pose)) s.vessels.push_back({&v, *b});
  }
  for (const auto& b : scene.bowel) {
    if (auto r = PolylineBounds({b.a, b.b}, b.radius_mm + b.wall_mm, pose)) s.bowel.push_back({&b, *r});
  }
  return s;
}

double DistanceToPolyline(const Vec3& p, const std::vector<Vec3>& path) {
  double best = 1e18;
  for (size_t k = 0; k + 1 < path.size(); ++k) best = std::min(best, DistanceToSegment(p, path[k], path[k + 1]));
  return best;
}

// Signed distance (mm, positive outside) from a point to a lumen, with the
// outward normal of the nearest boundary piece.
double LumenDistance(const Lumen2D& lumen, double x, double y, cv::Point2d& normal) {
  const auto& e = lumen.ellipse;
  const double dx = x - e.center.x, dy = y - e.center.y;
  const double v = std::max(e.Value(x, y), 1e-12);
  const double radial = std::hypot(dx, dy);
  double dist = radial * (1.0 - 1.0 / std::sqrt(v));
  normal = {e.a11 * dx + e.a12 * dy, e.a12 * dx + e.a22 * dy};
  for (const auto& c : lumen.cuts) {
    const double d = c.SignedDistance(x, y);
    if (d > dist) {
      dist = d;
      normal = {c.a, c.b};
    }
  }
  const double n = std::hypot(normal.x, normal.y);
  if (n > 0) normal /= n;
  return dist;
}

// ---- Tissue at one sample ---------------------------------------------------------

struct TissueConstants {
  float tissue_attenuation = 0;  // dB/(cm MHz), one way
  float fluid_attenuation = 0;
  double edge_shadow = 0;        // extra attenuation where a beam grazes a wall, dB/(cm MHz) over 1 mm
};

// What one sample of the polar grid shows.
struct TissueSample {
  float echo = 0;           // amplitude relative to unit background
  float attenuation = 0;    // one way, dB/(cm MHz)
  std::uint16_t label = kLabelBackground;
};

// Where a sample lies: image-plane and world millimetres, its beam's direction
// and its grid indices.
struct SamplePoint {
  double X = 0, Y = 0;
  Vec3 P;
  double beam_sin = 0, beam_cos = 0;
  int i = 0, j = 0;
};

// ---- Filters -------------------------------------------------------------------

// Young & van Vliet recursive Gaussian on interleaved complex samples: the
// cost does not grow with sigma, which near the apex is dozens of beams.
struct RecursiveCoefficients {
  double B = 1, b1 = 0, b2 = 0, b3 = 0;
  bool identity = true;
};

RecursiveCoefficients CoefficientsFor(double sigma) {
  RecursiveCoefficients c;
  if (sigma < 0.5) return c;
  const double q = sigma >= 2.5 ? 0.98711 * sigma - 0.96330 : 3.97156 - 4.14554 * std::sqrt(1 - 0.26891 * sigma);
  const double b0 = 1.57825 + 2.44413 * q + 1.4281 * q * q + 0.422205 * q * q * q;
  c.b1 = (2.44413 * q + 2.85619 * q * q + 1.26661 * q * q * q) / b0;
  c.b2 = -(1.4281 * q * q + 1.26661 * q * q * q) / b0;
  c.b3 = (0.422205 * q * q * q) / b0;
  c.B = 1.0 - (c.b1 + c.b2 + c.b3);
  c.identity = false;
  return c;
}

// Filters `n` samples of `channels` interleaved channels in place.
void RecursiveGaussian(float* data, int n, int channels, const RecursiveCoefficients& c, std::vector<double>& work) {
  if (c.identity || n < 4) return;
  work.resize(static_cast<size_t>(n));
  for (int ch = 0; ch < channels; ++ch) {
    auto x = [&](int i) -> float& { return data[static_cast<size_t>(i) * channels + ch]; };
    double w1 = x(0), w2 = x(0), w3 = x(0);
    for (int i = 0; i < n; ++i) {
      const double w = c.B * x(i) + c.b1 * w1 + c.b2 * w2 + c.b3 * w3;
      work[static_cast<size_t>(i)] = w;
      w3 = w2;
      w2 = w1;
      w1 = w;
    }
    double y1 = work[static_cast<size_t>(n - 1)], y2 = y1, y3 = y1;
    for (int i = n - 1; i >= 0; --i) {
      const double y = c.B * work[static_cast<size_t>(i)] + c.b1 * y1 + c.b2 * y2 + c.b3 * y3;
      x(i) = static_cast<float>(y);
      y3 = y2;
      y2 = y1;
      y1 = y;
    }
  }
}

// Sum of squares of the filter's impulse response: white noise through the
// filter keeps this share of its power.
double RecursiveEnergy(const RecursiveCoefficients& c, double sigma) {
  if (c.identity) return 1.0;
  const int half = static_cast<int>(std::ceil(8 * sigma)) + 8;
  std::vector<float> impulse(static_cast<size_t>(2 * half + 1), 0.0f);
  impulse[static_cast<size_t>(half)] = 1.0f;
  std::vector<double> work;
  RecursiveGaussian(impulse.data(), static_cast<int>(impulse.size()), 1, c, work);
  double e = 0;
  for (float v : impulse) e += static_cast<double>(v) * v;
  return e;
}

// Bilinear lookup of a coarse field at full-grid sample (i, j).
float Bilinear(const cv::Mat& coarse, int i, int j) {
  const int ci = i / kTextureDecimation, cj = j / kTextureDecimation;
  const float fi = static_cast<float>(i % kTextureDecimation) / kTextureDecimation;
  const float fj = static_cast<float>(j % kTextureDecimation) / kTextureDecimation;
  const float* r0 = coarse.ptr<float>(ci);
  const float* r1 = coarse.ptr<float>(ci + 1);
  const float top = r0[cj] + (r0[cj + 1] - r0[cj]) * fj;
  const float bottom = r1[cj] + (r1[cj + 1] - r1[cj]) * fj;
  return top + (bottom - top) * fi;
}

// A uniform number in [0, 1) fixed to a 0.3 mm cell of the tissue.
double PointHash(const Vec3& p, std::uint64_t seed) {
  const auto cell = [](double v) { return static_cast<std::int64_t>(std::floor(v / 0.3)); };
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(cell(p.x)) * 0x9E3779B97F4A7C15ull);
  h ^= static_cast<std::uint64_t>(cell(p.y)) * 0xC2B2AE3D27D4EB4Full;
  h ^= static_cast<std::uint64_t>(cell(p.z)) * 0x165667B19E3779F9ull;
  h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

// Fascia: bright where the undulating sheet passes, fading along its length.
template <typename Fields>
void ApplySheets(const std::vector<Sheet>& sheets, const Fields& f, const SamplePoint& s, double texture, TissueSample& t) {
  for (size_t k = 0; k < sheets.size(); ++k) {
    const Sheet& sh = sheets[k];
    double d = sh.normal.Dot(s.P) - sh.offset;
    if (std::abs(d) > sh.undulation_mm + sh.thickness_mm) continue;
    d += Bilinear(f.shift[k], s.i, s.j);
    if (std::abs(d) >= 0.5 * sh.thickness_mm) continue;
    // Fascia come and go along their length (angle, partial volume) and are
    // brightest in the middle of the sheet.
    const double presence = Bilinear(f.presence[k], s.i, s.j);
    const double profile = 1.0 - std::abs(d) / (0.5 * sh.thickness_mm);
    const double bright = sh.echo * std::clamp(1.8 * presence - 0.4, 0.0, 1.0) * (0.4 + 0.6 * profile) * std::exp(0.5 * texture);
    if (bright > t.echo) {
      t.echo = static_cast<float>(bright);
      t.label = kLabelFascia;
    }
  }
}

void ApplyBladder(const Scene& sc, const Sections& sections, const SamplePoint& s, const TissueConstants& k, TissueSample& t) {
  if (!sections.bladder || !InRect(sections.bladder->Bounds(), s.X, s.Y) || !sections.bladder->Contains(s.X, s.Y)) return;
  if (sc.bladder->Contains(s.P)) {
    t.echo = kUrineEcho;
    t.attenuation = k.fluid_attenuation;
    t.label = kLabelBladder;
  } else {  // inside the grown ellipsoid only: the wall
    t.echo = kBladderWallEcho;
    t.label = kLabelFascia;
  }
}

void ApplyVessels(const Sections& sections, const SamplePoint& s, TissueSample& t) {
  for (const auto& vs : sections.vessels) {
    if (!InRect(vs.bounds, s.X, s.Y)) continue;
    const double d = DistanceToPolyline(s.P, vs.vessel->path);
    if (d < vs.vessel->radius_mm) {
      t.echo = kBloodEcho;
      t.attenuation = kBloodAttenuation;
      t.label = kLabelVessel;
    } else if (d < vs.vessel->radius_mm + vs.vessel->wall_mm) {
      t.echo = kVesselWallEcho;
      t.label = kLabelVesselWall;
    }
  }
}

void ApplyBowel(const Sections& sections, const SamplePoint& s, const TissueConstants& k, TissueSample& t) {
  for (const auto& bs : sections.bowel) {
    if (!InRect(bs.bounds, s.X, s.Y)) continue;
    const double d = DistanceToSegment(s.P, bs.loop->a, bs.loop->b);
    if (d < bs.loop->radius_mm) {
      t.echo = bs.loop->gas ? kGasEcho : 0.02f;
      t.attenuation = bs.loop->gas ? kGasAttenuation : k.fluid_attenuation;
      t.label = bs.loop->gas ? kLabelBowelGas : kLabelBowelFluid;
    } else if (d < bs.loop->radius_mm + bs.loop->wall_mm) {
      // Gut signature: bright mucosa, darker muscle layer.
      const double depth_in_wall = d - bs.loop->radius_mm;
      t.echo = static_cast<float>(depth_in_wall < 0.45 * bs.loop->wall_mm ? kBowelWallEcho : 0.7 * kBowelWallEcho);
      t.label = kLabelBowelWall;
    }
  }
}

// Ovarian stroma (textured, brighter medulla, faint capsule) and the
// follicles in it: anechoic lumen, specular wall.
void ApplyOvary(const Scene& sc, const Sections& sections, const SamplePoint& s, float texture, const TissueConstants& k,
                TissueSample& t) {
  if (!sections.ovary_bounds || !InRect(*sections.ovary_bounds, s.X, s.Y) || !sc.ovary.Contains(s.P)) return;
  constexpr double kCapsuleMm = 0.6;
  const auto& ov = sc.ovary;
  const Vec3 b = ov.shape.rotation.ToBody(s.P - ov.shape.center);
  const double rho2 = (b.x * b.x) / (ov.shape.semi_axes.x * ov.shape.semi_axes.x) +
                      (b.y * b.y) / (ov.shape.semi_axes.y * ov.shape.semi_axes.y) +
                      (b.z * b.z) / (ov.shape.semi_axes.z * ov.shape.semi_axes.z);
  t.echo = static_cast<float>(ov.stroma_echo * std::exp(texture) * (1.0 + ov.medulla_boost * std::max(0.0, 1.0 - rho2)));
  if (rho2 > 0.8 && !ov.Contains(s.P, -kCapsuleMm)) t.echo = static_cast<float>(t.echo * sc.tissue.capsule_echo);
  t.attenuation = k.tissue_attenuation;
  t.label = kLabelStroma;
  for (const auto& fs : sections.follicles) {
    if (!InRect(fs.bounds, s.X, s.Y)) continue;
    cv::Point2d normal;
    const double dist = LumenDistance(fs.lumen, s.X, s.Y, normal);
    if (dist <= 0 && fs.lumen.Contains(s.X, s.Y)) {
      t.echo = static_cast<float>(sc.tissue.follicle_fluid_echo);
      t.attenuation = k.fluid_attenuation;
      t.label = static_cast<std::uint16_t>(kLabelFollicleBase + fs.id);
      return;
    }
    if (dist > 0 && dist < fs.wall_mm) {
      // Specular wall: brightest where the beam meets it head-on; where the
      // beam grazes it, refraction casts a thin edge shadow.
      const double incidence = std::abs(normal.x * s.beam_sin + normal.y * s.beam_cos);
      const double wall = ov.stroma_echo * sc.tissue.wall_echo * (0.45 + 0.8 * incidence);
      if (wall > t.echo) t.echo = static_cast<float>(wall);
      t.attenuation = static_cast<float>(k.tissue_attenuation + k.edge_shadow * std::pow(1.0 - incidence, 8) / fs.wall_mm);
      t.label = kLabelFollicleWall;
    }
  }
}

// Strong point reflectors (fibrous strands, small vessel walls), fixed to the
// tissue so that a sweep shows the same ones.
void ApplyPointReflectors(const Scene& sc, const SamplePoint& s, TissueSample& t) {
  if (t.label != kLabelBackground && t.label != kLabelStroma && t.label != kLabelFascia) return;
  const double q = PointHash(s.P, sc.tissue.texture_seed);
  if (q < sc.tissue.bright_scatterers) t.echo = static_cast<float>(t.echo * (2.5 + 400.0 * q));
}

double InterpolateTgc(const std::vector<double>& points, double fraction) {
  if (points.empty()) return 0;
  const double x = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(points.size() - 1);
  const auto i = std::min(static_cast<size_t>(x), points.size() - 1);
  const auto j = std::min(i + 1, points.size() - 1);
  return points[i] + (points[j] - points[i]) * (x - static_cast<double>(i));
}

}  // namespace

FrameRenderer::FrameRenderer(const Scene& scene, std::uint64_t seed) : scene_(scene), seed_(seed) {
  const ProbeGeometry& p = scene.probe;
  // Sampling: finer than the pulse along the beam and than a pixel across it.
  dr_ = std::clamp(p.mm_per_px * 0.5, 0.05, 0.12);
  samples_ = static_cast<int>(std::ceil(p.depth_mm / dr_)) + 1;
  r0_ = p.radius_mm;
  dtheta_ = 0.9 * p.mm_per_px / p.MaxRadius();
  beams_ = static_cast<int>(std::ceil(2 * p.HalfAngle() / dtheta_)) + 1;
  theta0_ = -p.HalfAngle();
  dtheta_ = 2 * p.HalfAngle() / (beams_ - 1);
  sin_.resize(static_cast<size_t>(beams_));
  cos_.resize(static_cast<size_t>(beams_));
  for (int j = 0; j < beams_; ++j) {
    sin_[static_cast<size_t>(j)] = std::sin(theta0_ + j * dtheta_);
    cos_[static_cast<size_t>(j)] = std::cos(theta0_ + j * dtheta_);
  }

  map_x_.create(p.height, p.width, CV_32F);
  map_y_.create(p.height, p.width, CV_32F);
  fan_mask_ = cv::Mat::zeros(p.height, p.width, CV_8U);
  for (int y = 0; y < p.height; ++y) {
    auto* mx = map_x_.ptr<float>(y);
    auto* my = map_y_.ptr<float>(y);
    auto* fm = fan_mask_.ptr<std::uint8_t>(y);
    for (int x = 0; x < p.width; ++x) {
      const cv::Point2d mm = p.ToMm(x, y);
      const double r = std::hypot(mm.x, mm.y);
      const double t = std::atan2(mm.x, mm.y);
      mx[x] = static_cast<float>((t - theta0_) / dtheta_);
      my[x] = static_cast<float>((r - r0_) / dr_);
      fm[x] = p.InFan(mm.x, mm.y) ? 255 : 0;
      if (mm.y < 0) mx[x] = my[x] = -10;  // above the apex: nothing
    }
  }
}

template <typename F>
cv::Mat FrameRenderer::CoarseField(const PlanePose& pose, F&& value) const {
  const int rows = samples_ / kTextureDecimation + 2, cols = beams_ / kTextureDecimation + 2;
  cv::Mat coarse(rows, cols, CV_32F);
  for (int i = 0; i < rows; ++i) {
    const double r = r0_ + i * kTextureDecimation * dr_;
    for (int j = 0; j < cols; ++j) {
      const double th = theta0_ + j * kTextureDecimation * dtheta_;
      coarse.at<float>(i, j) = static_cast<float>(value(pose.At(r * std::sin(th), r * std::cos(th))));
    }
  }
  return coarse;
}

cv::Mat FrameRenderer::Upsample(const cv::Mat& coarse) const {
  cv::Mat full;
  // Coarse sample (i, j) sits at full sample (4i, 4j).
  cv::Mat m = (cv::Mat_<double>(2, 3) << 1.0 / kTextureDecimation, 0, 0, 0, 1.0 / kTextureDecimation, 0);
  cv::warpAffine(coarse, full, m, cv::Size(beams_, samples_), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_REPLICATE);
  return full;
}

cv::Mat FrameRenderer::TextureField(const PlanePose& pose, int which) const {
  const ValueNoise3D noise(DeriveSeed(scene_.tissue.texture_seed, "texture", static_cast<std::uint64_t>(which)));
  const auto& t = scene_.tissue;
  const auto& ov = scene_.ovary;
  return Upsample(CoarseField(pose, [&](const Vec3& P) {
    if (which == 1) return ov.texture_contrast * 2.0 * noise.Fbm(P.x, P.y, P.z, ov.texture_scale_mm, 3);
    return t.region_contrast * 2.0 * noise.Fbm(P.x - 311, P.y + 71, P.z - 5, t.region_scale_mm, 2) +
           t.background_contrast * 2.0 * noise.Fbm(P.x, P.y, P.z, t.background_scale_mm, 3) +
           t.fine_contrast * 2.0 * noise.Fbm(P.x + 101, P.y - 57, P.z + 13, 1.6, 2);
  }));
}

FrameRenderer::Tissue FrameRenderer::SampleTissue(const PlanePose& pose) const {
  const Scene& sc = scene_;
  const Sections sections = CutSections(sc, pose);
  const cv::Mat bg_texture = TextureField(pose, 0);
  const cv::Mat ov_texture = sc.has_ovary && sections.ovary_bounds ? TextureField(pose, 1) : cv::Mat();
  const SheetFields sheets = SheetFieldsFor(pose);
  const TissueConstants k{static_cast<float>(sc.imaging.tissue_attenuation_db_cm_mhz),
                          static_cast<float>(sc.imaging.fluid_attenuation_db_cm_mhz),
                          kEdgeShadowDb / sc.imaging.frequency_mhz * 10.0};

  Tissue t;
  t.echo.create(samples_, beams_, CV_32F);
  t.attenuation.create(samples_, beams_, CV_32F);
  t.labels.create(samples_, beams_, CV_16U);
  for (int i = 0; i < samples_; ++i) {
    const double r = r0_ + i * dr_;
    auto* echo = t.echo.ptr<float>(i);
    auto* att = t.attenuation.ptr<float>(i);
    auto* lab = t.labels.ptr<std::uint16_t>(i);
    const float* bgt = bg_texture.ptr<float>(i);
    const float* ovt = ov_texture.empty() ? nullptr : ov_texture.ptr<float>(i);
    // The ring-down of the probe face: bright, fading within millimetres.
    const double near_field = 1.0 + sc.imaging.near_field_reverb * std::exp(-(r - r0_) / 0.8) +
                              0.35 * sc.imaging.near_field_reverb * std::exp(-(r - r0_) / 4.0);
    for (int j = 0; j < beams_; ++j) {
      SamplePoint s;
      s.i = i;
      s.j = j;
      s.beam_sin = sin_[static_cast<size_t>(j)];
      s.beam_cos = cos_[static_cast<size_t>(j)];
      s.X = r * s.beam_sin;
      s.Y = r * s.beam_cos;
      s.P = pose.origin + pose.u * s.X + pose.v * s.Y;
      TissueSample ts;
      ts.echo = static_cast<float>(sc.tissue.background_echo * std::exp(bgt[j]));
      ts.attenuation = k.tissue_attenuation;
      // Later structures overwrite earlier ones where they overlap.
      ApplySheets(sc.sheets, sheets, s, bgt[j], ts);
      ApplyBladder(sc, sections, s, k, ts);
      ApplyVessels(sections, s, ts);
      ApplyBowel(sections, s, k, ts);
      ApplyOvary(sc, sections, s, ovt ? ovt[j] : 0.0f, k, ts);
      ApplyPointReflectors(sc, s, ts);
      echo[j] = static_cast<float>(ts.echo * near_field);
      att[j] = ts.attenuation;
      lab[j] = ts.label;
    }
  }
  return t;
}

FrameRenderer::SheetFields FrameRenderer::SheetFieldsFor(const PlanePose& pose) const {
  // Fascia undulation and presence vary over millimetres: coarse fields.
  const ValueNoise3D sheet_noise(DeriveSeed(scene_.tissue.texture_seed, "sheets"));
  SheetFields f;
  for (const auto& sh : scene_.sheets) {
    // Only cells near the sheet need the noise (a coarse cell spans < 2 mm).
    const double reach = sh.undulation_mm + sh.thickness_mm + 2.0;
    auto near = [&](const Vec3& P) { return std::abs(sh.normal.Dot(P) - sh.offset) <= reach; };
    f.shift.push_back(CoarseField(pose, [&](const Vec3& P) {
      return near(P) ? sh.undulation_mm * sheet_noise.At(P.x, P.y, P.z, sh.undulation_scale_mm) : 0.0;
    }));
    f.presence.push_back(CoarseField(pose, [&](const Vec3& P) {
      return near(P) ? 0.5 + 0.5 * sheet_noise.At(P.x + 53, P.y - 17, P.z + 29, 6.0) : 0.0;
    }));
  }
  return f;
}

RenderedFrame FrameRenderer::Render(const PlanePose& pose) {
  const Tissue tissue = SampleTissue(pose);
  std::vector<double> tgc_db;
  cv::Mat shadow_polar;
  cv::Mat amplitude = GainedAmplitude(tissue, tgc_db, shadow_polar);
  AddClutter(amplitude);
  const auto frame = static_cast<std::uint64_t>(frame_counter_++);
  cv::Mat field = Scatterers(amplitude, DeriveSeed(seed_, "speckle", frame));
  cv::Mat envelope = Envelope(field, tgc_db, DeriveSeed(seed_, "receiver-noise", frame + 1));
  ReduceSpeckle(envelope);
  return ScanConvert(LogCompress(envelope), tissue.labels, shadow_polar);
}

cv::Mat FrameRenderer::GainedAmplitude(const Tissue& tissue, std::vector<double>& tgc_db, cv::Mat& shadow_polar) const {
  // Two-way attenuation down each beam against the nominal tissue value that
  // TGC compensates; the remainder (+ slider error + gain) scales the echoes.
  const ImagingParams& im = scene_.imaging;
  const double db_per_sample = im.frequency_mhz * dr_ / 10.0;  // (dB/cm/MHz) -> dB per sample
  cv::Mat amplitude(samples_, beams_, CV_32F);
  shadow_polar.create(samples_, beams_, CV_8U);
  std::vector<double> accumulated(static_cast<size_t>(beams_), 0.0);
  std::vector<int> gas_at(static_cast<size_t>(beams_), -1);  // first gas sample per beam
  tgc_db.assign(static_cast<size_t>(samples_), 0.0);
  for (int i = 0; i < samples_; ++i) {
    const double depth = i * dr_;
    const double nominal = 2.0 * im.tissue_attenuation_db_cm_mhz * im.frequency_mhz * depth / 10.0;
    tgc_db[static_cast<size_t>(i)] = nominal + InterpolateTgc(im.tgc_error_db, depth / scene_.probe.depth_mm) + im.gain_db +
                                     im.tgc_slope_db_per_cm * depth / 10.0;
    const float* echo = tissue.echo.ptr<float>(i);
    const float* att = tissue.attenuation.ptr<float>(i);
    const auto* labels = tissue.labels.ptr<std::uint16_t>(i);
    auto* amp = amplitude.ptr<float>(i);
    auto* sh = shadow_polar.ptr<std::uint8_t>(i);
    for (int j = 0; j < beams_; ++j) {
      auto& acc = accumulated[static_cast<size_t>(j)];
      const double loss = acc - nominal;  // beyond what TGC expects
      amp[j] = static_cast<float>(echo[j] * std::exp(kDbToNeper * (tgc_db[static_cast<size_t>(i)] - nominal - loss)));
      auto& gas = gas_at[static_cast<size_t>(j)];
      if (gas < 0 && labels[j] == kLabelBowelGas) gas = i;
      if (gas >= 0 && i > gas) {
        // "Dirty" shadow: reverberation between probe and gas fills it with
        // fading bands of echoes.
        const double since = (i - gas) * dr_;
        amp[j] += static_cast<float>(kGasReverb * std::exp(-since / 7.0) * (0.6 + 0.4 * std::cos(since * 2.4)));
      }
      sh[j] = loss > kShadowDb ? 255 : 0;
      acc += 2.0 * att[j] * db_per_sample;
    }
  }
  return amplitude;
}

void FrameRenderer::AddClutter(cv::Mat& amplitude) const {
  // Side lobes and reverberation add a haze proportional to the echoes
  // around a point; it fills small dark structures.
  const ImagingParams& im = scene_.imaging;
  cv::Mat power;
  cv::multiply(amplitude, amplitude, power);
  if (im.clutter > 0) {
    const double mid_r = r0_ + 0.5 * scene_.probe.depth_mm;
    // The haze is smooth: blur a quarter-size copy and scale it back up.
    cv::Mat small, haze;
    cv::resize(power, small, cv::Size(), 0.25, 0.25, cv::INTER_AREA);
    const double sy = im.clutter_blur_mm / dr_ / 4, sx = im.clutter_blur_mm / (mid_r * dtheta_) / 4;
    cv::GaussianBlur(small, small, cv::Size(0, 0), sx, sy, cv::BORDER_REFLECT);
    cv::resize(small, haze, power.size(), 0, 0, cv::INTER_LINEAR);
    cv::scaleAdd(haze, im.clutter, power, power);
  }
  cv::sqrt(power, amplitude);
}

cv::Mat FrameRenderer::Scatterers(const cv::Mat& amplitude, std::uint64_t seed) {
  // Complex Gaussian scatterers, partly kept from the previous frame.
  Rng rng(seed);
  cv::Mat field(samples_, beams_, CV_32FC2);
  const bool correlate = !previous_noise_.empty() && previous_noise_.size() == field.size();
  const float keep = static_cast<float>(scene_.imaging.elevation_correlation);
  const float fresh = std::sqrt(1.0f - keep * keep);
  const float half = static_cast<float>(std::sqrt(0.5));
  for (int i = 0; i < samples_; ++i) {
    auto* f = field.ptr<cv::Vec2f>(i);
    const cv::Vec2f* prev = correlate ? previous_noise_.ptr<cv::Vec2f>(i) : nullptr;
    for (int j = 0; j < beams_; ++j) {
      cv::Vec2f n(static_cast<float>(rng.Normal()) * half, static_cast<float>(rng.Normal()) * half);
      if (prev) n = prev[j] * keep + n * fresh;
      f[j] = n;
    }
  }
  previous_noise_ = field.clone();
  for (int i = 0; i < samples_; ++i) {
    auto* f = field.ptr<cv::Vec2f>(i);
    const float* amp = amplitude.ptr<float>(i);
    for (int j = 0; j < beams_; ++j) f[j] *= amp[j];
  }
  return field;
}

cv::Mat FrameRenderer::Envelope(cv::Mat& field, const std::vector<double>& tgc_db, std::uint64_t noise_seed) const {
  const ImagingParams& im = scene_.imaging;
  // Point-spread function. Along the beam: the pulse envelope.
  const double sigma_axial = im.axial_sigma_mm / dr_;
  const int k_axial = 2 * static_cast<int>(std::ceil(4 * sigma_axial)) + 1;
  cv::Mat axial_kernel = cv::getGaussianKernel(k_axial, sigma_axial, CV_32F);
  const double axial_energy = axial_kernel.dot(axial_kernel);
  cv::Mat one = cv::Mat::ones(1, 1, CV_32F);
  cv::sepFilter2D(field, field, CV_32F, one, axial_kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  // Across the beams: a Gaussian beam, narrowest at the focus. Then receiver
  // noise (amplified by TGC like the echoes) and the envelope.
  std::vector<double> work;
  const double noise_amp = std::pow(10.0, im.noise_db / 20.0);
  Rng noise_rng(noise_seed);
  cv::Mat envelope(samples_, beams_, CV_32F);
  for (int i = 0; i < samples_; ++i) {
    const double r = r0_ + i * dr_;
    const double z = (i * dr_ - scene_.probe.focus_mm) / im.depth_of_field_mm;
    const double sigma_mm = im.lateral_sigma_focus_mm * std::sqrt(1 + z * z);
    const double sigma_beams = sigma_mm / (r * dtheta_);
    const auto coeffs = CoefficientsFor(sigma_beams);
    auto* f = field.ptr<cv::Vec2f>(i);
    RecursiveGaussian(reinterpret_cast<float*>(f), beams_, 2, coeffs, work);
    // Keep speckle brightness independent of the PSF size; the focus is a
    // little brighter, as on real scanners.
    const double focal_gain = std::sqrt(im.lateral_sigma_focus_mm / sigma_mm);
    const double norm = focal_gain / std::sqrt(axial_energy * RecursiveEnergy(coeffs, sigma_beams));
    const double noise = noise_amp * std::pow(10.0, tgc_db[static_cast<size_t>(i)] / 20.0) * std::sqrt(0.5);
    auto* env = envelope.ptr<float>(i);
    for (int j = 0; j < beams_; ++j) {
      const double re = f[j][0] * norm + noise * noise_rng.Normal();
      const double imv = f[j][1] * norm + noise * noise_rng.Normal();
      env[j] = static_cast<float>(std::sqrt(re * re + imv * imv));
    }
  }
  return envelope;
}

void FrameRenderer::ReduceSpeckle(cv::Mat& envelope) const {
  const ImagingParams& im = scene_.imaging;
  const double mid_r = r0_ + 0.5 * scene_.probe.depth_mm;
  if (im.smoothing_mm > 0) {
    cv::GaussianBlur(envelope, envelope, cv::Size(0, 0), std::max(0.3, im.smoothing_mm / (mid_r * dtheta_)),
                     std::max(0.3, im.smoothing_mm / dr_), cv::BORDER_REFLECT);
  }
  if (im.speckle_reduction > 0) {
    // As scanners do it: pull each sample towards the mean of about a
    // millimetre around it (box filter: constant cost).
    const int ky = 2 * std::max(1, static_cast<int>(0.6 / dr_)) + 1;
    const int kx = 2 * std::max(1, static_cast<int>(0.6 / (mid_r * dtheta_))) + 1;
    cv::Mat local;
    cv::blur(envelope, local, cv::Size(kx, ky), cv::Point(-1, -1), cv::BORDER_REFLECT);
    cv::addWeighted(envelope, 1.0 - im.speckle_reduction, local, im.speckle_reduction, 0.0, envelope);
  }
}

cv::Mat FrameRenderer::LogCompress(const cv::Mat& envelope) const {
  // Log compression to the dynamic range, then the scanner's grey map.
  const ImagingParams& im = scene_.imaging;
  cv::Mat polar(samples_, beams_, CV_8U);
  const double bottom = im.headroom_db - im.dynamic_range_db;
  std::vector<std::uint8_t> lut(4096);
  for (size_t k = 0; k < lut.size(); ++k) {
    const double v = static_cast<double>(k) / (lut.size() - 1);
    lut[k] = static_cast<std::uint8_t>(std::lround(255.0 * std::pow(v, im.gamma)));
  }
  for (int i = 0; i < samples_; ++i) {
    const float* env = envelope.ptr<float>(i);
    auto* out = polar.ptr<std::uint8_t>(i);
    for (int j = 0; j < beams_; ++j) {
      const double db = kNeperToDb * std::log(std::max(1e-12f, env[j]));
      const double v = std::clamp((db - bottom) / im.dynamic_range_db, 0.0, 1.0);
      out[j] = lut[static_cast<size_t>(v * (lut.size() - 1))];
    }
  }
  return polar;
}

RenderedFrame FrameRenderer::ScanConvert(const cv::Mat& polar, const cv::Mat& labels, const cv::Mat& shadow_polar) const {
  RenderedFrame frame;
  cv::remap(polar, frame.gray, map_x_, map_y_, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::remap(labels, frame.labels, map_x_, map_y_, cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::remap(shadow_polar, frame.shadow, map_x_, map_y_, cv::INTER_NEAREST, cv::BORDER_CONSTANT, cv::Scalar(0));
  frame.fan = fan_mask_.clone();
  frame.gray.setTo(0, fan_mask_ == 0);
  frame.labels.setTo(0, fan_mask_ == 0);
  frame.shadow.setTo(0, fan_mask_ == 0);
  return frame;
}

}  // namespace antra::phantom
