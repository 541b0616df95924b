#include "viewer/folder_listing.h"

#include <algorithm>

#include "dicom/dicom_source.h"
#include "io/open_image.h"

namespace antra::viewer {

bool LooksLikeImage(const std::filesystem::path& file) {
  return LooksLikeDicom(file) || LooksLikePlainImage(file);
}

Result<FolderListing> ListFolder(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return MakeError(ErrorCode::kNotFound, "not a folder");
  FolderListing listing;
  listing.folder = std::filesystem::absolute(folder, ec);
  std::filesystem::directory_iterator it(folder, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot list the folder: " + ec.message());
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (listing.entries.size() >= kMaxFolderEntries) {
      listing.truncated = true;
      break;
    }
    FolderEntry e;
    e.path = it->path();
    e.name = e.path.filename().string();
    if (!e.name.empty() && e.name[0] == '.') continue;  // hidden files and our own temporaries
    std::error_code entry_ec;
    e.is_folder = it->is_directory(entry_ec);
    if (!e.is_folder) {
      if (!it->is_regular_file(entry_ec)) continue;
      e.size = it->file_size(entry_ec);
      e.is_image = e.size > 0 && LooksLikeImage(e.path);
    }
    listing.entries.push_back(std::move(e));
  }
  std::sort(listing.entries.begin(), listing.entries.end(), [](const FolderEntry& a, const FolderEntry& b) {
    if (a.is_folder != b.is_folder) return a.is_folder;
    return a.name < b.name;
  });
  return listing;
}

std::vector<std::filesystem::path> ImagesIn(const FolderListing& listing) {
  std::vector<std::filesystem::path> images;
  for (const auto& e : listing.entries) {
    if (e.is_image) images.push_back(e.path);
  }
  return images;
}

std::optional<std::filesystem::path> NeighbourImage(const std::vector<std::filesystem::path>& images,
                                                    const std::filesystem::path& current, int step) {
  std::error_code ec;
  for (std::size_t i = 0; i < images.size(); ++i) {
    if (!std::filesystem::equivalent(images[i], current, ec)) continue;
    const auto j = static_cast<long long>(i) + step;
    if (j < 0 || j >= static_cast<long long>(images.size())) return std::nullopt;
    return images[static_cast<std::size_t>(j)];
  }
  return images.empty() ? std::nullopt : std::optional(images.front());
}

}  // namespace antra::viewer
