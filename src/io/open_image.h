#pragma once
// One entry point for every image Antra reads: DICOM (by content, whatever the
// file is called) and plain PNG/JPEG screen exports. Checks the file itself
// first so that a missing path, a folder or an empty file gets a clear reason.

#include <filesystem>
#include <memory>
#include <optional>

#include "core/image.h"

namespace antra {

struct OpenOptions {
  // Overrides any other calibration (DICOM regions, PixelSpacing, ruler).
  std::optional<double> mm_per_pixel;
  InputLimits limits = DefaultInputLimits();

  // Bad settings are reported before any file is touched.
  Status Check() const;
};

Result<std::unique_ptr<ImageSource>> OpenImage(const std::filesystem::path& path,
                                               const OpenOptions& options = {});

// PNG or JPEG by signature.
bool LooksLikePlainImage(const std::filesystem::path& path);

// A plain image as an ImageSource with one frame, uncalibrated.
Result<std::unique_ptr<ImageSource>> OpenPlainImage(const std::filesystem::path& path, const InputLimits& limits);

}  // namespace antra
