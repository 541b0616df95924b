#pragma once
// A phantom scene: the 3D anatomy (ovary, follicles, look-alikes, fascia) in
// world millimetres, the probe, and how the scanner is set (imaging and
// screen parameters). World coordinates are the image plane of an unmoved
// probe: X lateral, Y depth from the sector apex, Z elevation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "phantom/geometry.h"
#include "phantom/probe.h"

namespace antra::phantom {

enum class Difficulty { kEasy, kMedium, kHard };
const char* ToString(Difficulty d);
std::optional<Difficulty> ParseDifficulty(const std::string& s);

struct FollicleShape {
  int id = 0;
  Ellipsoid shape;                 // before flattening
  std::vector<HalfSpace> septa;    // flattening where it presses on neighbours
  std::vector<int> touching;       // the neighbours' ids, same order as septa
  double wall_mm = 0.4;            // bright granulosa/theca rim outside the lumen
  bool Contains(const Vec3& p) const {
    if (!shape.Contains(p)) return false;
    for (const auto& h : septa) if (!h.Contains(p)) return false;
    return true;
  }
};

struct OvaryShape {
  Ellipsoid shape;
  double lump_amplitude = 0.06;    // relative bumps of the surface
  std::uint64_t lump_seed = 0;
  double stroma_echo = 0.75;       // amplitude relative to background tissue
  double texture_contrast = 0.35;
  double texture_scale_mm = 3.0;
  double medulla_boost = 0.15;     // brighter, more vascular centre
  // Inside the lumpy surface (with the surface moved out by `grow_mm`).
  bool Contains(const Vec3& p, double grow_mm = 0) const;
  double LumpAt(const Vec3& body_direction) const;
};

// A blood vessel: dark lumen, thin bright wall, along a polyline.
struct Vessel {
  std::vector<Vec3> path;
  double radius_mm = 3;
  double wall_mm = 0.6;
};

// A bowel loop: a capsule with a thick echogenic wall holding gas (bright
// interface, acoustic shadow behind) or fluid (a dark round look-alike).
struct BowelLoop {
  Vec3 a, b;
  double radius_mm = 8;
  double wall_mm = 2;
  bool gas = true;
};

// Fascia, ligaments: thin bright undulating sheets in the pelvic background.
struct Sheet {
  Vec3 normal{0, 1, 0};
  double offset = 0;
  double thickness_mm = 0.8;
  double undulation_mm = 3;
  double undulation_scale_mm = 15;
  double echo = 2.2;
};

struct TissueParams {
  double background_echo = 1.0;
  double region_contrast = 0.7;       // large zones: fat brighter, muscle and bowel darker
  double region_scale_mm = 22;
  double background_contrast = 0.45;  // coarse texture
  double background_scale_mm = 9;
  double fine_contrast = 0.25;        // small bright and dark patches
  double follicle_fluid_echo = 0.0;   // residual echoes in the fluid
  double wall_echo = 1.4;             // follicle wall relative to stroma
  double bright_scatterers = 0.004;   // share of tissue samples with a strong point reflector
  double capsule_echo = 1.3;          // ovarian capsule (tunica albuginea) relative to stroma
  std::uint64_t texture_seed = 0;
};

struct ImagingParams {
  double frequency_mhz = 7.5;
  double axial_sigma_mm = 0.17;       // pulse envelope
  double lateral_sigma_focus_mm = 0.35;
  double depth_of_field_mm = 22;      // Rayleigh range of the beam around the focus
  double tissue_attenuation_db_cm_mhz = 0.4;
  double fluid_attenuation_db_cm_mhz = 0.005;
  double clutter = 0.02;              // side lobes and reverberation filling dark areas
  double clutter_blur_mm = 2.5;
  double noise_db = -68;              // receiver noise, relative to unit echo
  double dynamic_range_db = 55;
  double headroom_db = 18;            // white this far above the unit echo
  double gain_db = 0;
  std::vector<double> tgc_error_db;   // slider errors at evenly spaced depths
  double tgc_slope_db_per_cm = 0;     // under- (negative) or over-compensation with depth
  double gamma = 1.25;                // grey map
  double smoothing_mm = 0.15;         // scanner smoothing of the envelope
  double speckle_reduction = 0.3;     // share of the envelope replaced by its local mean (SRI-like)
  double elevation_correlation = 0.5; // speckle kept from one cine frame to the next
  double near_field_reverb = 0.8;     // bright band under the probe face
};

struct OverlayParams {
  bool text = true;
  bool ruler = true;
  bool grey_bar = true;
  bool calipers = false;       // a follicle measured with crosses, dotted lines and a read-out
  bool ovary_caliper = false;  // the ovary's length measured too
  int text_variant = 0;
};

struct SceneOptions {
  Difficulty difficulty = Difficulty::kMedium;
  std::uint64_t seed = 1;
  int width = 800, height = 600;
  bool cine = false;                   // spread follicles through the whole ovary
  std::optional<int> follicle_count;   // override the difficulty's range
  bool ovary_visible = true;           // false: the probe misses the ovary
  Status Check() const;
};

struct Scene {
  SceneOptions options;
  ProbeGeometry probe;
  bool has_ovary = true;
  OvaryShape ovary;
  std::vector<FollicleShape> follicles;
  std::vector<Vessel> vessels;
  std::vector<BowelLoop> bowel;
  std::optional<Ellipsoid> bladder;
  std::vector<Sheet> sheets;
  TissueParams tissue;
  ImagingParams imaging;
  OverlayParams overlay;
};

// Draws a random scene for the options' difficulty and seed.
Scene GenerateScene(const SceneOptions& options);

// Recomputes septa and touching lists from the follicle ellipsoids (after
// follicles were added, moved or resized). Septum thickness `septum_mm`.
void FlattenTouchingFollicles(std::vector<FollicleShape>& follicles, double septum_mm = 0.5);

// Two weeks later: follicles grow or shrink, some become atretic (vanish),
// small new ones are recruited; septa are recomputed. `recruit_bias` shifts
// how many appear (a treatment effect, for study mode). Deterministic in seed.
void EvolveFollicles(Scene& scene, std::uint64_t seed, double recruit_bias = 0.0);

// Plane poses of a cine sweep: `frames` planes `step_mm` apart in elevation,
// centred on the ovary, with the hand's small drift and tilt.
std::vector<PlanePose> SweepPoses(const Scene& scene, int frames, double step_mm, std::uint64_t seed);

}  // namespace antra::phantom
