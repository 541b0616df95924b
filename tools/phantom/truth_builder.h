#pragma once
// Measures the truth of a rendered frame on the scene's geometry: every
// follicle cross-section (mean diameter >= 1.5 mm) with its lumen outline and
// calipers, how much of it the screen shows, the ovary's section, and where
// the look-alikes appear.

#include <vector>

#include <nlohmann/json.hpp>

#include "eval/truth.h"
#include "phantom/physics.h"
#include "phantom/scene.h"

namespace antra::phantom {

// Cross-sections smaller than this are not listed.
inline constexpr double kMinListedMeanMm = 1.5;

eval::TruthFrame MeasureFrame(const Scene& scene, const PlanePose& pose, int index, const RenderedFrame& rendered);

// The unique follicles of a sweep from its frames (best frame = the largest
// cross-section with enough of it visible).
std::vector<eval::TruthUniqueFollicle> UniqueFollicles(const std::vector<eval::TruthFrame>& frames,
                                                       double min_visible_fraction = eval::kDefaultMinVisibleFraction);

// Counts of the visible cross-sections of a frame, or of a sweep's unique follicles.
SizeCounts CountFrame(const eval::TruthFrame& frame, double min_visible_fraction = eval::kDefaultMinVisibleFraction);
SizeCounts CountUnique(const std::vector<eval::TruthUniqueFollicle>& unique);

// Where the look-alikes (vessels, bowel, bladder, fluid-filled bowel) appear in
// a frame: connected regions of the label map with box and centre.
nlohmann::json LookalikesInFrame(const RenderedFrame& rendered, int index);

// The scene's geometry and settings for the truth's "scene" block.
nlohmann::json SceneToJson(const Scene& scene);

}  // namespace antra::phantom
