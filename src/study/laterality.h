#pragma once
// Which ovary a scan shows. Order of trust: the header's ImageLaterality or
// Laterality (already normalised into ImageInfo::laterality), then words in
// the series description (LT/RT, LEFT/RIGHT, LOV/ROV, "L OV", "R OVARY",
// ...), else unknown until a reviewer says. A description naming both sides
// is unknown, never a guess.

#include <optional>
#include <string>
#include <string_view>

#include "core/image.h"

namespace antra {

enum class Side { kLeft, kRight, kUnknown };
const char* ToString(Side side);  // "left", "right", "unknown"
std::optional<Side> SideFromString(std::string_view text);

enum class SideSource { kHeader, kSeriesDescription, kReviewer, kNone };
const char* ToString(SideSource source);  // "header", "series-description", "reviewer", "none"
std::optional<SideSource> SideSourceFromString(std::string_view text);

struct SideDecision {
  Side side = Side::kUnknown;
  SideSource source = SideSource::kNone;
};

// From the series description alone.
Side SideFromDescription(std::string_view description);

SideDecision DecideSide(const ImageInfo& info);

}  // namespace antra
