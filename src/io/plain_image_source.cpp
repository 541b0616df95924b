#include <array>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "io/open_image.h"

namespace antra {

namespace {

enum class PlainFormat { kUnknown, kPng, kJpeg };

PlainFormat Sniff(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 8> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  if (in.gcount() >= 8 && head[0] == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') return PlainFormat::kPng;
  if (in.gcount() >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return PlainFormat::kJpeg;
  return PlainFormat::kUnknown;
}

// Image size from the header, read before decoding so that a hostile header
// cannot make OpenCV allocate gigabytes.
std::optional<cv::Size> ReadHeaderSize(const std::filesystem::path& path, PlainFormat format) {
  std::ifstream in(path, std::ios::binary);
  auto byte = [&]() -> int { return in.get(); };
  auto be16 = [&]() { const int a = byte(); const int b = byte(); return (a << 8) | b; };
  if (format == PlainFormat::kPng) {
    unsigned char h[24];
    if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return std::nullopt;
    const auto be32 = [&](int at) {
      return (static_cast<long>(h[at]) << 24) | (h[at + 1] << 16) | (h[at + 2] << 8) | h[at + 3];
    };
    return cv::Size(static_cast<int>(std::min(be32(16), 1L << 30)), static_cast<int>(std::min(be32(20), 1L << 30)));
  }
  // JPEG: walk the markers to the first start-of-frame.
  in.seekg(2);
  for (int guard = 0; guard < 10000 && in; ++guard) {
    int marker = byte();
    if (marker != 0xFF) return std::nullopt;
    while (marker == 0xFF) marker = byte();
    if (marker < 0) return std::nullopt;
    const int length = be16();
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      byte();  // precision
      const int height = be16();
      const int width = be16();
      return cv::Size(width, height);
    }
    if (length < 2) return std::nullopt;
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

class PlainImageSource final : public ImageSource {
 public:
  PlainImageSource(ImageInfo info, cv::Mat rgb) : info_(std::move(info)), rgb_(std::move(rgb)) {}
  const ImageInfo& info() const override { return info_; }
  const PatientIdentity& identity() const override { return identity_; }
  Result<Frame> ReadFrame(int index) override {
    if (index != 0) return MakeError(ErrorCode::kInvalidArgument, "a plain image has one frame");
    Frame f;
    f.index = 0;
    f.rgb = rgb_.clone();
    cv::cvtColor(f.rgb, f.luma, cv::COLOR_RGB2GRAY);
    return f;
  }

 private:
  ImageInfo info_;
  PatientIdentity identity_;  // a plain image carries none in its header
  cv::Mat rgb_;
};

}  // namespace

bool LooksLikePlainImage(const std::filesystem::path& path) { return Sniff(path) != PlainFormat::kUnknown; }

Result<std::unique_ptr<ImageSource>> OpenPlainImage(const std::filesystem::path& path, const InputLimits& limits) {
  const PlainFormat format = Sniff(path);
  if (format == PlainFormat::kUnknown) return MakeError(ErrorCode::kNotDicom, "not a PNG or JPEG image");
  const auto size = ReadHeaderSize(path, format);
  if (!size || size->width <= 0 || size->height <= 0) {
    return MakeError(ErrorCode::kCorrupt, "image header is unreadable or truncated");
  }
  if (size->width > limits.max_width || size->height > limits.max_height) {
    return MakeError(ErrorCode::kLimitExceeded, "image is " + std::to_string(size->width) + "x" +
                                                    std::to_string(size->height) + " (limit " +
                                                    std::to_string(limits.max_width) + "x" +
                                                    std::to_string(limits.max_height) + ")");
  }
  cv::Mat bgr;
  try {
    bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    bgr.release();
  }
  if (bgr.empty()) return MakeError(ErrorCode::kCorrupt, "image data cannot be decoded");
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);

  ImageInfo info;
  info.path = path;
  info.kind = SourceKind::kPlainImage;
  info.width = rgb.cols;
  info.height = rgb.rows;
  info.frame_count = 1;
  info.photometric = "RGB";
  info.samples_per_pixel = 3;
  info.bits_allocated = 8;
  info.bits_stored = 8;
  info.transfer_syntax_name = format == PlainFormat::kPng ? "PNG" : "JPEG";
  info.burned_in_annotation = true;  // screen exports always carry burned-in text
  info.calibration = Calibration::Uncalibrated("plain image without a scale (give --mm-per-pixel)");
  return std::unique_ptr<ImageSource>(std::make_unique<PlainImageSource>(std::move(info), std::move(rgb)));
}

}  // namespace antra
