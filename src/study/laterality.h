#pragma once
// Which ovary a scan shows. Order of trust: the header's ImageLaterality or
// Laterality (already normalised into ImageInfo::laterality), then words in
// the series description (LT/RT, LEFT/RIGHT, LOV/ROV, "L OV", "R OVARY",
// ...), else unknown until a reviewer says. A description naming both sides
// is unknown, never a guess.
//
// A gynaecological exam also holds images of other organs (the uterus and
// endometrium, the cervix, the bladder, uterine artery Doppler). Such a scan
// is "not-ovary": listed with the visit, never counted, and, unlike an
// unknown side, no obstacle to sign-off. A description that names another
// organ and no ovary ("UTERUS SAG", "LT UTERINE A") decides it before the
// header's laterality, which there means the body side, not an ovary.

#include <optional>
#include <string>
#include <string_view>

#include "core/image.h"

namespace antra {

enum class Side { kLeft, kRight, kUnknown, kNotOvary };
const char* ToString(Side side);  // "left", "right", "unknown", "not-ovary"
std::optional<Side> SideFromString(std::string_view text);
// Left or right: the scan shows an ovary whose count it can give.
inline bool IsOvarySide(Side side) { return side == Side::kLeft || side == Side::kRight; }

enum class SideSource { kHeader, kSeriesDescription, kReviewer, kNone };
const char* ToString(SideSource source);  // "header", "series-description", "reviewer", "none"
std::optional<SideSource> SideSourceFromString(std::string_view text);

struct SideDecision {
  Side side = Side::kUnknown;
  SideSource source = SideSource::kNone;
};

// From the series description alone: left, right, not-ovary or unknown.
Side SideFromDescription(std::string_view description);

SideDecision DecideSide(const ImageInfo& info);

}  // namespace antra
