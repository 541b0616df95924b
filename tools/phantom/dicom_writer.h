#pragma once
// Writes phantom frames as ultrasound DICOM the way scanners do: US Image
// Storage (one frame) or US Multi-frame Image Storage (a cine), calibrated only
// by a Sequence of Ultrasound Regions (no PixelSpacing), MONOCHROME2 or RGB
// uncompressed, or JPEG baseline (YBR_FULL_422 for colour). Identities are
// made up (PHANTOM^...), and UIDs derive from the seed so files reproduce.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/result.h"

namespace antra::phantom {

enum class Encoding {
  kMonochrome2,      // native, 8-bit grey
  kRgb,              // native, 8-bit RGB, PlanarConfiguration 0
  kMonochrome2Jpeg,  // JPEG baseline, grey
  kYbrFull422Jpeg,   // JPEG baseline from RGB, YBR_FULL_422
};
const char* ToString(Encoding e);
bool ParseEncoding(const std::string& s, Encoding& out);

struct DicomIdentity {
  std::string patient_name = "PHANTOM^P001";
  std::string patient_id = "PH-0001";
  std::string patient_birth_date = "19900101";
  std::string study_date = "20261124";
  std::string study_time = "100000";
  std::string study_description = "PELVIS TRANSVAGINAL (PHANTOM)";
  std::string series_description;  // e.g. "LT OVARY" or "ROV"
  std::string laterality;          // ImageLaterality "L" / "R", or empty
  std::string study_instance_uid, series_instance_uid, sop_instance_uid;
  int series_number = 1, instance_number = 1;
};

struct DicomImageSpec {
  Encoding encoding = Encoding::kMonochrome2;
  int jpeg_quality = 92;
  double mm_per_px = 0;     // isotropic
  cv::Rect region_box;      // the fan's bounding box (inclusive corners written)
  cv::Point reference_px;   // the sector apex
  double frame_time_ms = 40;
  double transducer_mhz = 7.5;
  std::string software_version;
  DicomIdentity identity;
};

// A DICOM UID under the UUID-derived root 2.25, from a seed and a tag.
std::string MakeUid(std::uint64_t seed, const std::string& tag);

// Writes the frames (CV_8UC3 in R,G,B order, all the same size) to `path`,
// through a temporary file renamed into place.
Status WriteUltrasoundDicom(const std::filesystem::path& path, const std::vector<cv::Mat>& rgb_frames,
                            const DicomImageSpec& spec);

}  // namespace antra::phantom
