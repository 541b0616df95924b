#include "core/analysis.h"

#include <cmath>

namespace antra {

SizeBin BinOf(double mean_diameter_mm) {
  if (mean_diameter_mm < kAfcMinMm) return SizeBin::kUnder2;
  if (mean_diameter_mm < kAfcSplitMm) return SizeBin::k2ToUnder6;
  if (mean_diameter_mm <= kAfcMaxMm) return SizeBin::k6To10;
  return SizeBin::kOver10;
}

const char* ToString(SizeBin bin) {
  switch (bin) {
    case SizeBin::kUnder2: return "under-2";
    case SizeBin::k2ToUnder6: return "2-to-under-6";
    case SizeBin::k6To10: return "6-to-10";
    case SizeBin::kOver10: return "over-10";
  }
  return "under-2";
}

void SizeCounts::Add(double mean_diameter_mm) {
  switch (BinOf(mean_diameter_mm)) {
    case SizeBin::kUnder2: ++under_2; break;
    case SizeBin::k2ToUnder6: ++from_2_to_6; break;
    case SizeBin::k6To10: ++from_6_to_10; break;
    case SizeBin::kOver10: ++over_10; break;
  }
}

double Caliper::LengthPx() const { return std::hypot(b.x - a.x, b.y - a.y); }

const char* ToString(FollicleOrigin origin) {
  switch (origin) {
    case FollicleOrigin::kAutomatic: return "automatic";
    case FollicleOrigin::kEdited: return "edited";
    case FollicleOrigin::kAdded: return "added";
  }
  return "automatic";
}

}  // namespace antra
