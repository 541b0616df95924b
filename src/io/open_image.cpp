#include "io/open_image.h"

#include <cmath>
#include <fstream>

#include "dicom/dicom_source.h"

namespace antra {

namespace {

// Wraps a source to replace its calibration with the user's scale.
class RecalibratedSource final : public ImageSource {
 public:
  RecalibratedSource(std::unique_ptr<ImageSource> inner, Calibration calibration)
      : inner_(std::move(inner)), info_(inner_->info()) {
    if (info_.calibration.calibrated()) {
      info_.warnings.push_back(std::string("file calibration (") + ToString(info_.calibration.source()) +
                               ") overridden by --mm-per-pixel");
    }
    info_.calibration = std::move(calibration);
  }
  const ImageInfo& info() const override { return info_; }
  const PatientIdentity& identity() const override { return inner_->identity(); }
  Result<Frame> ReadFrame(int index) override { return inner_->ReadFrame(index); }

 private:
  std::unique_ptr<ImageSource> inner_;
  ImageInfo info_;
};

Status CheckFile(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return MakeError(ErrorCode::kNotFound, "no such file");
  if (std::filesystem::is_directory(status)) return MakeError(ErrorCode::kNotARegularFile, "is a folder, not a file");
  if (!std::filesystem::is_regular_file(status)) return MakeError(ErrorCode::kNotARegularFile, "is not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot read size: " + ec.message());
  if (size == 0) return MakeError(ErrorCode::kEmptyFile, "empty file (0 bytes)");
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return MakeError(ErrorCode::kIo, "cannot be opened for reading (permissions?)");
  return Status::Ok();
}

}  // namespace

Status OpenOptions::Check() const {
  if (mm_per_pixel && !(std::isfinite(*mm_per_pixel) && *mm_per_pixel > 0 && *mm_per_pixel < 10)) {
    return MakeError(ErrorCode::kInvalidArgument, "--mm-per-pixel must be a positive number of mm below 10");
  }
  if (limits.max_width <= 0 || limits.max_height <= 0 || limits.max_frames <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, "input limits must be positive");
  }
  return Status::Ok();
}

Result<std::unique_ptr<ImageSource>> OpenImage(const std::filesystem::path& path, const OpenOptions& options) {
  if (Status s = options.Check(); !s) return s.error();
  if (Status s = CheckFile(path); !s) return s.error();
  Result<std::unique_ptr<ImageSource>> source = MakeError(ErrorCode::kNotDicom, "not DICOM and not a PNG or JPEG image");
  if (LooksLikeDicom(path)) {
    source = OpenDicom(path, options.limits);
  } else if (LooksLikePlainImage(path)) {
    source = OpenPlainImage(path, options.limits);
  }
  if (!source || !options.mm_per_pixel) return source;
  const double s = *options.mm_per_pixel;
  auto calibration = Calibration::Global(CalibrationSource::kUser, {s, s}, 1.0, "--mm-per-pixel on the command line");
  return std::unique_ptr<ImageSource>(
      std::make_unique<RecalibratedSource>(std::move(source).value(), std::move(calibration)));
}

}  // namespace antra
