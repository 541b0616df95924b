#pragma once
// The in-app file browser's view of a folder, and the images in it (for
// opening a folder, and PageUp/PageDown between images). A file counts as an
// image when Antra can tell from its first bytes: DICOM (preamble or a raw
// dataset) or PNG/JPEG; file names and extensions are not trusted.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace antra::viewer {

struct FolderEntry {
  std::filesystem::path path;
  std::string name;
  bool is_folder = false;
  bool is_image = false;
  std::uintmax_t size = 0;
};

struct FolderListing {
  std::filesystem::path folder;
  std::vector<FolderEntry> entries;  // folders first, then files, each by name
  bool truncated = false;            // more than kMaxEntries
};

inline constexpr std::size_t kMaxFolderEntries = 5000;

Result<FolderListing> ListFolder(const std::filesystem::path& folder);
bool LooksLikeImage(const std::filesystem::path& file);

// The images of a folder in listing order.
std::vector<std::filesystem::path> ImagesIn(const FolderListing& listing);
// The image `step` places after (or before) `current` among `images`, if any.
std::optional<std::filesystem::path> NeighbourImage(const std::vector<std::filesystem::path>& images,
                                                    const std::filesystem::path& current, int step);

}  // namespace antra::viewer
