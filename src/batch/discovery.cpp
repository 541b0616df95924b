#include "batch/discovery.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/oflog/oflog.h>

#include <mutex>

namespace antra {

namespace {

// DCMTK prints its own warnings ("Found Preamble but no Meta Information
// Header") to stderr; a batch reports one line per file instead.
void SilenceDcmtkOnce() {
  static std::once_flag once;
  std::call_once(once, [] { OFLog::configure(OFLogger::OFF_LOG_LEVEL); });
}

bool IsDicomDir(const std::filesystem::path& path) {
  SilenceDcmtkOnce();
  DcmFileFormat file;
  // Only the meta header is needed.
  if (file.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, 256, ERM_metaOnly).bad()) return false;
  OFString sop_class;
  file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, sop_class);
  return sop_class == UID_MediaStorageDirectoryStorage;
}

// Referenced File IDs of a DICOMDIR, as paths relative to the DICOMDIR's folder.
std::vector<std::filesystem::path> ReferencedFiles(const std::filesystem::path& dicomdir, std::vector<std::string>& warnings) {
  std::vector<std::filesystem::path> out;
  DcmFileFormat file;
  if (file.loadFile(dicomdir.c_str()).bad()) {
    warnings.push_back(dicomdir.string() + ": DICOMDIR cannot be read");
    return out;
  }
  DcmDataset* ds = file.getDataset();
  for (unsigned long i = 0;; ++i) {
    DcmItem* record = nullptr;
    if (ds->findAndGetSequenceItem(DCM_DirectoryRecordSequence, record, static_cast<signed long>(i)).bad() || !record) break;
    OFString id;
    if (record->findAndGetOFStringArray(DCM_ReferencedFileID, id).bad() || id.empty()) continue;
    // Components are separated by backslashes; never let a record leave the folder.
    std::filesystem::path relative;
    bool safe = true;
    std::string component;
    const std::string text = id.c_str();
    for (size_t p = 0; p <= text.size(); ++p) {
      if (p == text.size() || text[p] == '\\') {
        if (component.empty() || component == "." || component == ".." || component.find('/') != std::string::npos) safe = false;
        relative /= component;
        component.clear();
      } else {
        component += text[p];
      }
    }
    if (!safe) {
      warnings.push_back(dicomdir.string() + ": ignored unsafe Referenced File ID '" + text + "'");
      continue;
    }
    out.push_back(dicomdir.parent_path() / relative);
  }
  return out;
}

}  // namespace

bool HasDicomPreamble(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[132];
  return in.read(head, sizeof head) && std::memcmp(head + 128, "DICM", 4) == 0;
}

Result<DiscoveredArchive> DiscoverDicomFiles(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) return MakeError(ErrorCode::kNotFound, "no such folder");
  if (!std::filesystem::is_directory(root, ec)) return MakeError(ErrorCode::kNotARegularFile, "is not a folder");
  DiscoveredArchive archive;
  std::vector<std::filesystem::path> found;
  std::vector<std::filesystem::path> dicomdirs;
  auto it = std::filesystem::recursive_directory_iterator(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot list: " + ec.message());
  for (auto end = std::filesystem::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      archive.warnings.push_back("cannot list part of the archive: " + ec.message());
      ec.clear();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;  // symlinks to files count; folders are walked
    const auto& path = it->path();
    if (!HasDicomPreamble(path)) {
      ++archive.skipped_files;
      continue;
    }
    if (IsDicomDir(path)) {
      dicomdirs.push_back(path);
      continue;
    }
    found.push_back(path);
  }
  archive.dicomdirs = static_cast<int>(dicomdirs.size());
  for (const auto& dir : dicomdirs) {
    for (const auto& referenced : ReferencedFiles(dir, archive.warnings)) {
      if (std::filesystem::is_regular_file(referenced, ec)) {
        found.push_back(referenced);
      } else {
        archive.warnings.push_back(dir.string() + ": listed file " + referenced.string() + " is missing");
      }
    }
  }
  for (auto& p : found) p = p.lexically_normal();
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  archive.dicom_files = std::move(found);
  return archive;
}

}  // namespace antra
