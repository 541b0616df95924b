#pragma once
// Smooth 3D value noise for tissue texture. It is defined everywhere in the
// scene (millimetres), so the texture of a cine sweep stays attached to the
// tissue as the plane moves through it.

#include <cmath>
#include <cstdint>

namespace antra::phantom {

class ValueNoise3D {
 public:
  explicit ValueNoise3D(std::uint64_t seed) : seed_(seed) {}

  // Noise in [-1, 1] with features about `scale_mm` across.
  double At(double x, double y, double z, double scale_mm) const {
    return Lattice(x / scale_mm, y / scale_mm, z / scale_mm);
  }

  // Fractal sum of `octaves` layers, each half the size and half the weight of
  // the previous; result roughly in [-1, 1].
  double Fbm(double x, double y, double z, double scale_mm, int octaves) const {
    double sum = 0, weight = 1, norm = 0, s = scale_mm;
    for (int o = 0; o < octaves; ++o) {
      sum += weight * Lattice(x / s + 17.3 * o, y / s - 9.1 * o, z / s + 3.7 * o);
      norm += weight;
      weight *= 0.5;
      s *= 0.5;
    }
    return sum / norm;
  }

 private:
  double Hash(std::int64_t ix, std::int64_t iy, std::int64_t iz) const {
    std::uint64_t h = seed_;
    h ^= static_cast<std::uint64_t>(ix) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<std::uint64_t>(iy) * 0xC2B2AE3D27D4EB4Full;
    h ^= static_cast<std::uint64_t>(iz) * 0x165667B19E3779F9ull;
    h = (h ^ (h >> 31)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 29)) * 0x94D049BB133111EBull;
    h ^= h >> 32;
    return static_cast<double>(h & 0xFFFFFF) / 8388607.5 - 1.0;  // [-1, 1]
  }

  static double Smooth(double t) { return t * t * (3.0 - 2.0 * t); }

  double Lattice(double x, double y, double z) const {
    const double fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
    const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy),
               iz = static_cast<std::int64_t>(fz);
    const double tx = Smooth(x - fx), ty = Smooth(y - fy), tz = Smooth(z - fz);
    auto lerp = [](double a, double b, double t) { return a + (b - a) * t; };
    const double c00 = lerp(Hash(ix, iy, iz), Hash(ix + 1, iy, iz), tx);
    const double c10 = lerp(Hash(ix, iy + 1, iz), Hash(ix + 1, iy + 1, iz), tx);
    const double c01 = lerp(Hash(ix, iy, iz + 1), Hash(ix + 1, iy, iz + 1), tx);
    const double c11 = lerp(Hash(ix, iy + 1, iz + 1), Hash(ix + 1, iy + 1, iz + 1), tx);
    return lerp(lerp(c00, c10, ty), lerp(c01, c11, ty), tz);
  }

  std::uint64_t seed_;
};

}  // namespace antra::phantom
