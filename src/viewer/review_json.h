#pragma once
// The review of one image as JSON ("antra-review/1", docs/viewer.md): what
// Ctrl+S writes and what reopening the image restores. Millimetres are written
// for people and other tools but never trusted on reading: they are
// recomputed from the calipers with the image's own calibration.

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/image.h"
#include "core/result.h"
#include "viewer/review_session.h"

namespace antra::viewer {

inline constexpr const char* kReviewSchema = "antra-review/1";

nlohmann::json CaliperToJson(const ManualCaliper& caliper, const Calibration& calibration);
nlohmann::json ReviewCountsToJson(const ReviewCounts& counts, bool calibrated);

// `calibration`: the one the review measures with (the file's, or the depth
// ruler's the analysis found). `edits`: the audit trail to write (earlier
// sessions' entries, then this one's).
nlohmann::json ReviewToJson(const ImageInfo& image, const Calibration& calibration, const ReviewState& state,
                            const std::vector<EditRecord>& edits);

struct LoadedReview {
  ReviewState state;
  std::vector<EditRecord> edits;  // the audit trail so far
};

// Refuses a review of another image (SOP Instance UID or size differ).
// Millimetres are recomputed with `calibration`.
Result<LoadedReview> ReviewFromJson(const nlohmann::json& json, const ImageInfo& image, const Calibration& calibration);

// Where Ctrl+S writes the review of `image`: IMAGE.review.json beside it, or
// in `review_dir` (named by SOP Instance UID) when one is given.
std::filesystem::path DefaultReviewPath(const ImageInfo& image, const std::filesystem::path& review_dir);

Status SaveReview(const std::filesystem::path& path, const ImageInfo& image, const Calibration& calibration,
                  const ReviewState& state, const std::vector<EditRecord>& edits);
Result<LoadedReview> LoadReview(const std::filesystem::path& path, const ImageInfo& image,
                                const Calibration& calibration);

}  // namespace antra::viewer
