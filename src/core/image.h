#pragma once
// What a loaded image is: its description (ImageInfo), the identity of the
// person in it (kept apart so it cannot leak into results by accident), and
// its frames, decoded one at a time on demand (ImageSource).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "core/calibration.h"
#include "core/limits.h"
#include "core/result.h"

namespace antra {

enum class SourceKind { kDicom, kPlainImage };

// Everything Antra may print or store about an image. It holds no patient
// name, patient ID or birth date: those live in PatientIdentity only.
struct ImageInfo {
  std::filesystem::path path;
  SourceKind kind = SourceKind::kDicom;
  int width = 0;
  int height = 0;
  int frame_count = 0;

  std::string sop_class_uid;
  std::string sop_instance_uid;
  std::string study_instance_uid;
  std::string series_instance_uid;
  std::string study_date;  // YYYYMMDD
  std::string study_time;
  std::string modality;
  std::string series_description;
  std::string laterality;  // "L", "R" or empty, from ImageLaterality or Laterality
  std::string manufacturer;
  std::string model;

  std::string transfer_syntax_uid;
  std::string transfer_syntax_name;
  std::string photometric;  // as written in the file
  int samples_per_pixel = 0;
  int bits_allocated = 0;
  int bits_stored = 0;
  int planar_configuration = 0;
  std::optional<double> frame_time_ms;  // between frames of a cine
  bool burned_in_annotation = false;    // (0028,0301) says YES

  Calibration calibration = Calibration::Uncalibrated("not read");
  bool recovered_from_parse_error = false;  // tolerant parsing was needed
  std::vector<std::string> warnings;        // readable, one line each
};

struct PatientIdentity {
  std::string patient_id;
  std::string patient_name;
  std::string birth_date;
};

struct Frame {
  int index = 0;
  cv::Mat luma;  // CV_8UC1, for analysis
  cv::Mat rgb;   // CV_8UC3 in R, G, B order, for display
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  virtual const ImageInfo& info() const = 0;
  virtual const PatientIdentity& identity() const = 0;
  // Decodes frame `index` (0-based). Frames are not cached: the caller keeps
  // what it needs, so memory stays flat whatever the loop length.
  virtual Result<Frame> ReadFrame(int index) = 0;
};

}  // namespace antra
