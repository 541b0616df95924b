#pragma once
// Finds the DICOM files of an archive by content, whatever they are called:
// every regular file with the Part 10 preamble ("DICM" at offset 128), plus the
// files a DICOMDIR lists. Everything else (reports, thumbnails, spreadsheets)
// is skipped and counted. Deterministic: sorted by path, duplicates removed.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace antra {

struct DiscoveredArchive {
  std::vector<std::filesystem::path> dicom_files;  // sorted, unique
  int skipped_files = 0;                           // not DICOM by content
  int dicomdirs = 0;
  std::vector<std::string> warnings;               // unreadable folders, broken DICOMDIR entries
};

// True for the Part 10 preamble.
bool HasDicomPreamble(const std::filesystem::path& path);

Result<DiscoveredArchive> DiscoverDicomFiles(const std::filesystem::path& root);

}  // namespace antra
