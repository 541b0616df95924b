#pragma once
// Deterministic random numbers for the phantom. The standard library's
// distributions are implementation-defined (the same seed gives different
// normals on libstdc++ and libc++), so every distribution here is written out:
// a seed reproduces a case on any platform.

#include <cmath>
#include <cstdint>
#include <string_view>

namespace antra::phantom {

// SplitMix64: seeds the generator and hashes (seed, tag) into sub-seeds.
inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline std::uint64_t HashCombine(std::uint64_t seed, std::uint64_t value) {
  std::uint64_t state = seed ^ (value + 0x9E3779B97F4A7C15ull + (seed << 6) + (seed >> 2));
  return SplitMix64(state);
}

// FNV-1a of a tag, so sub-streams can be named ("speckle", "scene", ...).
inline std::uint64_t HashTag(std::string_view tag) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : tag) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// A sub-seed for one purpose: changing how many numbers one stage draws does
// not shift the numbers another stage sees.
inline std::uint64_t DeriveSeed(std::uint64_t seed, std::string_view tag, std::uint64_t index = 0) {
  return HashCombine(HashCombine(seed, HashTag(tag)), index);
}

// xoshiro256**: fast, small state, well tested.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& w : s_) w = SplitMix64(sm);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Integer in [lo, hi], both included.
  int Int(int lo, int hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(Next() % span);
  }
  bool Chance(double p) { return Uniform() < p; }

  // Standard normal by Marsaglia's polar method.
  double Normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u, v, s;
    do {
      u = 2.0 * Uniform() - 1.0;
      v = 2.0 * Uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double m = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * m;
    has_spare_ = true;
    return u * m;
  }
  double Normal(double mean, double sd) { return mean + sd * Normal(); }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace antra::phantom
