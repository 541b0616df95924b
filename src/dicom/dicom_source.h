#pragma once
// DICOM ultrasound images (US Image Storage, US Multi-frame Image Storage and
// anything else with pixel data) through DCMTK, decoded frame by frame.
//
// Encodings: native little/big endian (explicit, implicit, deflated), RLE,
// JPEG baseline/extended/lossless, JPEG-LS (DCMTK codecs) and JPEG 2000
// lossless/lossy (OpenJPEG through OpenCV; DCMTK's free edition has none).
// Files that break the standard in ways a tolerant parser can survive (a wrong
// sequence delimiter) are recovered and flagged; anything else is refused with
// a one-line reason.

#include <filesystem>
#include <memory>

#include "core/image.h"

namespace antra {

// Cheap content sniffing: "DICM" at offset 128, or a raw dataset starting with
// a group 0002 or 0008 element. Does not validate anything else.
bool LooksLikeDicom(const std::filesystem::path& path);

Result<std::unique_ptr<ImageSource>> OpenDicom(const std::filesystem::path& path,
                                               const InputLimits& limits = DefaultInputLimits());

}  // namespace antra
