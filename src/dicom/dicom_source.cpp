#include "dicom/dicom_source.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include "dicom/dataset_calibration.h"
#include "dicom/encapsulated_frames.h"
#include "dicom/jpeg2000_frames.h"
#include "dicom/palette.h"
#include "dicom/pixel_conversion.h"
#include "dicom/rle_frames.h"
#include "dicom/structure_scan.h"

namespace antra {

namespace {

// Elements longer than this stay on disk until used (pixel data, large
// private blobs): opening a 600-frame cine costs no pixel memory.
constexpr Uint32 kMaxReadLength = 4096;

// DCMTK's tolerant-parsing switches are process-wide. Strict loads share this
// lock; a tolerant retry takes it alone so it never changes another thread's parse.
std::shared_mutex& ParseModeMutex() {
  static std::shared_mutex mutex;
  return mutex;
}

void InitDcmtkOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // DCMTK would print its own warnings to stderr; Antra reports one line per file.
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation, EUC_default, EPC_colorByPixel);
    DJLSDecoderRegistration::registerCodecs(EJLSUC_default, EJLSPC_colorByPixel);
  });
}

std::string GetString(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  return value.c_str();
}

int GetInt(DcmItem& item, const DcmTagKey& tag, int fallback) {
  Uint16 v = 0;
  return item.findAndGetUint16(tag, v).good() ? v : fallback;
}

std::optional<double> GetDecimal(DcmItem& item, const DcmTagKey& tag, unsigned long pos = 0) {
  OFString text;
  if (item.findAndGetOFString(tag, text, pos).bad() || text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<double> ReadFrameTimeMs(DcmItem& dataset) {
  if (auto t = GetDecimal(dataset, DCM_FrameTime); t && *t > 0) return t;
  // FrameTimeVector: time increments; their mean is the typical frame time.
  double sum = 0;
  int n = 0;
  for (unsigned long i = 1; i < 100000; ++i) {
    auto t = GetDecimal(dataset, DCM_FrameTimeVector, i);
    if (!t) break;
    sum += *t;
    ++n;
  }
  if (n > 0 && sum > 0) return sum / n;
  for (const auto& tag : {DCM_CineRate, DCM_RecommendedDisplayFrameRate}) {
    if (auto rate = GetDecimal(dataset, tag); rate && *rate > 0) return 1000.0 / *rate;
  }
  return std::nullopt;
}

std::string NormaliseLaterality(std::string value) {
  value.erase(std::remove(value.begin(), value.end(), ' '), value.end());
  return (value == "L" || value == "R") ? value : std::string();
}

Error Refuse(ErrorCode code, std::string why) { return MakeError(code, std::move(why)); }

Result<std::vector<std::uint16_t>> ReadWords(DcmItem& dataset, const DcmTagKey& tag) {
  const Uint16* words = nullptr;
  unsigned long count = 0;
  if (dataset.findAndGetUint16Array(tag, words, &count).bad() || !words) {
    return Refuse(ErrorCode::kCorrupt, std::string("missing ") + DcmTag(tag).getTagName());
  }
  return std::vector<std::uint16_t>(words, words + count);
}

Result<PaletteLut> ReadPalette(DcmItem& dataset) {
  const DcmTagKey descriptors[] = {DCM_RedPaletteColorLookupTableDescriptor,
                                   DCM_GreenPaletteColorLookupTableDescriptor,
                                   DCM_BluePaletteColorLookupTableDescriptor};
  const DcmTagKey plain[] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                             DCM_BluePaletteColorLookupTableData};
  const DcmTagKey segmented[] = {DCM_SegmentedRedPaletteColorLookupTableData,
                                 DCM_SegmentedGreenPaletteColorLookupTableData,
                                 DCM_SegmentedBluePaletteColorLookupTableData};
  PaletteLut lut;
  std::vector<std::uint8_t>* channels[] = {&lut.red, &lut.green, &lut.blue};
  for (int c = 0; c < 3; ++c) {
    Uint16 d[3] = {0, 0, 0};
    for (unsigned long i = 0; i < 3; ++i) {
      if (dataset.findAndGetUint16(descriptors[c], d[i], i).bad()) {
        return Refuse(ErrorCode::kCorrupt, "palette lookup table descriptor is missing or short");
      }
    }
    // The first-mapped value may be written as signed (US or SS); 0 entries means 65536.
    const LutDescriptor desc{d[0] == 0 ? 65536 : d[0], d[1], d[2]};
    lut.first_mapped = desc.first_mapped;
    Result<std::vector<std::uint8_t>> expanded = Refuse(ErrorCode::kCorrupt, "no palette data");
    if (dataset.tagExists(segmented[c])) {
      auto words = ReadWords(dataset, segmented[c]);
      if (!words) return words.error();
      expanded = ExpandSegmentedLut(desc, *words);
    } else {
      auto words = ReadWords(dataset, plain[c]);
      if (!words) return words.error();
      expanded = ExpandPlainLut(desc, *words);
    }
    if (!expanded) return expanded.error();
    *channels[c] = std::move(expanded).value();
  }
  if (lut.red.size() != lut.green.size() || lut.red.size() != lut.blue.size()) {
    return Refuse(ErrorCode::kCorrupt, "palette channels differ in length");
  }
  return lut;
}

// DCMTK decodes native and JPEG / JPEG-LS data; Antra decodes JPEG 2000 (no
// DCMTK codec) and RLE (DCMTK 3.6.7's RLE decoder is not safe on hostile data).
enum class Codec { kNative, kDcmtk, kJpeg2000, kRle };

bool IsJpeg2000(E_TransferSyntax x) {
  return x == EXS_JPEG2000LosslessOnly || x == EXS_JPEG2000 || x == EXS_JPEG2000MulticomponentLosslessOnly ||
         x == EXS_JPEG2000Multicomponent;
}

class DicomSource final : public ImageSource {
 public:
  DicomSource(std::unique_ptr<DcmFileFormat> file, ImageInfo info, PatientIdentity identity, PixelLayout layout,
              std::optional<PaletteLut> palette, Codec codec, E_TransferSyntax xfer, DcmPixelData* pixel_data)
      : file_(std::move(file)),
        info_(std::move(info)),
        identity_(std::move(identity)),
        layout_(layout),
        palette_(std::move(palette)),
        codec_(codec),
        xfer_(xfer),
        pixel_data_(pixel_data) {
    if (palette_) layout_.palette = &*palette_;
  }

  const ImageInfo& info() const override { return info_; }
  const PatientIdentity& identity() const override { return identity_; }

  Result<Frame> ReadFrame(int index) override {
    if (index < 0 || index >= info_.frame_count) {
      return Refuse(ErrorCode::kInvalidArgument, "frame " + std::to_string(index) + " does not exist (" +
                                                     std::to_string(info_.frame_count) + " frames)");
    }
    auto frame = codec_ == Codec::kJpeg2000 ? ReadJpeg2000Frame(index)
                 : codec_ == Codec::kRle    ? ReadRleFrame(index)
                                            : ReadDcmtkFrame(index);
    ReleaseFragments();
    return frame;
  }

 private:
  Result<Frame> ReadDcmtkFrame(int index) {
    DcmDataset* dataset = file_->getDataset();
    Uint32 dcmtk_size = 0;
    if (pixel_data_->getUncompressedFrameSize(dataset, dcmtk_size).bad()) {
      return Refuse(ErrorCode::kCorrupt, "cannot determine the frame size");
    }
    PixelLayout layout = layout_;
    const std::uint64_t size = std::max<std::uint64_t>(dcmtk_size, layout.FrameBytes());
    buffer_.resize(size + (size % 2));  // DCMTK wants an even buffer
    // Sequential reads continue from the fragment where the last frame ended.
    Uint32 start_fragment = (index == last_frame_ + 1) ? next_fragment_ : 0;
    OFString model;
    const OFCondition cond = pixel_data_->getUncompressedFrame(dataset, static_cast<Uint32>(index), start_fragment,
                                                               buffer_.data(), static_cast<Uint32>(buffer_.size()),
                                                               model, &cache_);
    if (cond.bad()) {
      last_frame_ = -1;
      const ErrorCode code = cond == EC_StreamNotifyClient ? ErrorCode::kTruncated : ErrorCode::kCorrupt;
      return Refuse(code, "frame " + std::to_string(index) + " cannot be decoded: " + cond.text());
    }
    last_frame_ = index;
    next_fragment_ = start_fragment;
    if (!model.empty()) layout.color_model = model.c_str();
    return ConvertFrame(buffer_, layout, index);
  }

  Result<std::vector<std::uint8_t>> EncapsulatedFrameBytes(int index, FrameStartTest starts_frame) {
    DcmPixelSequence* sequence = nullptr;
    if (pixel_data_->getEncapsulatedRepresentation(xfer_, nullptr, sequence).bad() || !sequence) {
      return Refuse(ErrorCode::kCorrupt, "compressed pixel data is not encapsulated");
    }
    return ReadEncapsulatedFrameBytes(*sequence, index, info_.frame_count, frame_index_, starts_frame);
  }

  Result<Frame> ReadRleFrame(int index) {
    auto bytes = EncapsulatedFrameBytes(index, StartsRleFrame);
    if (!bytes) return bytes.error();
    auto decoded = DecodeRleFrame(*bytes, layout_);
    if (!decoded) return Refuse(decoded.error().code, "frame " + std::to_string(index) + ": " + decoded.error().message);
    return ConvertFrame(*decoded, layout_, index);
  }

  Result<Frame> ReadJpeg2000Frame(int index) {
    auto bytes = EncapsulatedFrameBytes(index, StartsJpeg2000Codestream);
    if (!bytes) return bytes.error();
    auto decoded = DecodeJpeg2000(*bytes, cv::Size(info_.width, info_.height));
    if (!decoded) return decoded.error();
    return ConvertDecodedImage(*decoded, layout_, index);
  }

  // Compressed fragments are loaded on demand; drop them again so a long loop
  // never accumulates in memory (DCMTK reloads them from the file if needed).
  void ReleaseFragments() {
    DcmPixelSequence* sequence = nullptr;
    if (codec_ == Codec::kNative) return;
    if (pixel_data_->getEncapsulatedRepresentation(xfer_, nullptr, sequence).bad() || !sequence) return;
    for (unsigned long i = 0; i < sequence->card(); ++i) {
      DcmPixelItem* item = nullptr;
      if (sequence->getItem(item, i).good() && item) item->compact();
    }
  }

  std::unique_ptr<DcmFileFormat> file_;
  ImageInfo info_;
  PatientIdentity identity_;
  PixelLayout layout_;
  std::optional<PaletteLut> palette_;
  Codec codec_;
  E_TransferSyntax xfer_;
  DcmPixelData* pixel_data_;  // owned by file_
  DcmFileCache cache_;
  std::vector<std::uint8_t> buffer_;
  int last_frame_ = -1;
  Uint32 next_fragment_ = 0;
  EncapsulatedFrameIndex frame_index_;
};

struct Loaded {
  std::unique_ptr<DcmFileFormat> file;
  bool recovered = false;
  std::string strict_error;
};

Result<Loaded> LoadDataset(const std::filesystem::path& path) {
  Loaded loaded;
  loaded.file = std::make_unique<DcmFileFormat>();
  OFCondition cond;
  {
    std::shared_lock lock(ParseModeMutex());
    cond = loaded.file->loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength, ERM_autoDetect);
  }
  if (cond.good()) return loaded;
  loaded.strict_error = cond.text();
  const bool truncated = cond == EC_StreamNotifyClient;
  {
    std::unique_lock lock(ParseModeMutex());
    dcmIgnoreParsingErrors.set(OFTrue);
    dcmReplaceWrongDelimitationItem.set(OFTrue);
    loaded.file = std::make_unique<DcmFileFormat>();
    cond = loaded.file->loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxReadLength, ERM_autoDetect);
    dcmIgnoreParsingErrors.set(OFFalse);
    dcmReplaceWrongDelimitationItem.set(OFFalse);
  }
  if (cond.bad()) {
    return Refuse(truncated ? ErrorCode::kTruncated : ErrorCode::kCorrupt,
                  std::string(truncated ? "file ends early: " : "malformed DICOM: ") + loaded.strict_error);
  }
  loaded.recovered = true;
  return loaded;
}

ImageInfo ReadInfo(const std::filesystem::path& path, DcmDataset& ds, E_TransferSyntax xfer) {
  ImageInfo info;
  info.path = path;
  info.kind = SourceKind::kDicom;
  info.width = GetInt(ds, DCM_Columns, 0);
  info.height = GetInt(ds, DCM_Rows, 0);
  info.sop_class_uid = GetString(ds, DCM_SOPClassUID);
  info.sop_instance_uid = GetString(ds, DCM_SOPInstanceUID);
  info.study_instance_uid = GetString(ds, DCM_StudyInstanceUID);
  info.series_instance_uid = GetString(ds, DCM_SeriesInstanceUID);
  info.study_date = GetString(ds, DCM_StudyDate);
  info.study_time = GetString(ds, DCM_StudyTime);
  info.modality = GetString(ds, DCM_Modality);
  info.series_description = GetString(ds, DCM_SeriesDescription);
  info.laterality = NormaliseLaterality(GetString(ds, DCM_ImageLaterality));
  if (info.laterality.empty()) info.laterality = NormaliseLaterality(GetString(ds, DCM_Laterality));
  info.manufacturer = GetString(ds, DCM_Manufacturer);
  info.model = GetString(ds, DCM_ManufacturerModelName);
  const DcmXfer x(xfer);
  info.transfer_syntax_uid = x.getXferID();
  info.transfer_syntax_name = x.getXferName();
  info.photometric = GetString(ds, DCM_PhotometricInterpretation);
  info.samples_per_pixel = GetInt(ds, DCM_SamplesPerPixel, 1);
  info.bits_allocated = GetInt(ds, DCM_BitsAllocated, 0);
  info.bits_stored = GetInt(ds, DCM_BitsStored, info.bits_allocated);
  info.planar_configuration = GetInt(ds, DCM_PlanarConfiguration, 0);
  info.frame_time_ms = ReadFrameTimeMs(ds);
  info.burned_in_annotation = GetString(ds, DCM_BurnedInAnnotation) == "YES";
  return info;
}

Result<int> ReadFrameCount(DcmDataset& ds, const InputLimits& limits) {
  OFString text;
  if (ds.findAndGetOFString(DCM_NumberOfFrames, text).bad() || text.empty()) return 1;
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || n < 1) return Refuse(ErrorCode::kCorrupt, "NumberOfFrames is '" + std::string(text.c_str()) + "'");
  if (n > limits.max_frames) {
    return Refuse(ErrorCode::kLimitExceeded, "declares " + std::to_string(n) + " frames (limit " +
                                                 std::to_string(limits.max_frames) + ")");
  }
  return static_cast<int>(n);
}

Status CheckSizeLimits(const ImageInfo& info, const PixelLayout& layout, std::uintmax_t file_size,
                       const InputLimits& limits) {
  if (info.width <= 0 || info.height <= 0) return Refuse(ErrorCode::kCorrupt, "image has no rows or columns");
  if (info.width > limits.max_width || info.height > limits.max_height) {
    return Refuse(ErrorCode::kLimitExceeded, "image is " + std::to_string(info.width) + "x" +
                                                 std::to_string(info.height) + " (limit " +
                                                 std::to_string(limits.max_width) + "x" +
                                                 std::to_string(limits.max_height) + ")");
  }
  const std::uint64_t frame_bytes = layout.FrameBytes();
  if (frame_bytes > limits.max_frame_bytes) {
    return Refuse(ErrorCode::kLimitExceeded, "one frame would decode to " + std::to_string(frame_bytes >> 20) + " MiB");
  }
  const double decoded = static_cast<double>(frame_bytes) * info.frame_count;
  const double allowed = static_cast<double>(file_size) * limits.max_expansion_ratio +
                         static_cast<double>(limits.expansion_allowance_bytes);
  if (decoded > allowed) {
    return Refuse(ErrorCode::kLimitExceeded,
                  "declares " + std::to_string(info.frame_count) + " frames of " + std::to_string(info.width) + "x" +
                      std::to_string(info.height) + " (" + std::to_string(static_cast<long long>(decoded / 1048576)) +
                      " MiB decoded) in a " + std::to_string(file_size / 1024) + " KiB file");
  }
  return Status::Ok();
}

}  // namespace

bool LooksLikeDicom(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char head[132] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  const auto got = in.gcount();
  if (got == 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') return true;
  // No preamble: a raw dataset usually starts at group 0002 or 0008, element below 0x0100.
  if (got < 8) return false;
  const unsigned group = head[0] | (head[1] << 8);
  const unsigned element = head[2] | (head[3] << 8);
  return (group == 0x0002 || group == 0x0008) && element < 0x0100;
}

namespace {

// How the pixels are laid out, from the header; refused when Antra cannot
// convert them.
Result<PixelLayout> ReadPixelLayout(DcmDataset& ds, const ImageInfo& info) {
  if (info.photometric.empty()) return Refuse(ErrorCode::kCorrupt, "no PhotometricInterpretation");
  if (info.bits_allocated != 8 && info.bits_allocated != 16) {
    return Refuse(ErrorCode::kUnsupported, std::to_string(info.bits_allocated) + " bits allocated per sample");
  }
  if (info.samples_per_pixel != 1 && info.samples_per_pixel != 3) {
    return Refuse(ErrorCode::kUnsupported, std::to_string(info.samples_per_pixel) + " samples per pixel");
  }
  PixelLayout layout;
  layout.width = info.width;
  layout.height = info.height;
  layout.samples_per_pixel = info.samples_per_pixel;
  layout.bits_allocated = info.bits_allocated;
  layout.bits_stored = info.bits_stored;
  layout.is_signed = GetInt(ds, DCM_PixelRepresentation, 0) == 1;
  layout.planar_configuration = info.planar_configuration;
  layout.color_model = info.photometric;
  layout.window_center = GetDecimal(ds, DCM_WindowCenter);
  layout.window_width = GetDecimal(ds, DCM_WindowWidth);
  return layout;
}

// Who decodes the frames, and how that decoder changes the layout it hands
// back (colour model, planes).
Result<Codec> ChooseCodec(E_TransferSyntax xfer, DcmDataset& ds, DcmPixelData& pixel_data, PixelLayout& layout) {
  const DcmXfer x(xfer);
  if (!x.isEncapsulated()) return Codec::kNative;
  if (IsJpeg2000(xfer)) {
    // OpenJPEG applies the RCT/ICT inverse itself: frames come out RGB.
    if (layout.samples_per_pixel == 3) layout.color_model = "RGB";
    return Codec::kJpeg2000;
  }
  if (xfer == EXS_RLELossless) {
    layout.planar_configuration = 1;  // DecodeRleFrame returns one plane per sample
    return Codec::kRle;
  }
  if (DcmCodecList::canChangeCoding(xfer, EXS_LittleEndianExplicit)) {
    OFString model;
    if (pixel_data.getDecompressedColorModel(&ds, model).good() && !model.empty()) layout.color_model = model.c_str();
    if (layout.samples_per_pixel == 3 && layout.color_model.rfind("YBR_", 0) == 0) {
      layout.color_model = "RGB";  // DCMTK's JPEG decoders convert YCbCr to RGB
    }
    layout.planar_configuration = 0;
    return Codec::kDcmtk;
  }
  return Refuse(ErrorCode::kUnsupported,
                std::string("transfer syntax ") + x.getXferName() + " (" + x.getXferID() + ") is not decoded by Antra");
}

// Whether the file holds the pixel data its header declares: every native
// byte (down to the last one, on disk: the value is read lazily), or a
// compressed fragment per frame.
Status CheckPixelDataPresent(Codec codec, DcmPixelData& pixel_data, E_TransferSyntax xfer, const ImageInfo& info,
                             const PixelLayout& layout, std::uintmax_t file_size) {
  if (codec == Codec::kNative) {
    const std::uint64_t need = layout.FrameBytes() * static_cast<std::uint64_t>(info.frame_count);
    const std::uint64_t have = pixel_data.getLength();
    if (have < need) {
      return Refuse(ErrorCode::kTruncated, "pixel data holds " + std::to_string(have) + " bytes, " +
                                               std::to_string(info.frame_count) + " frame(s) need " +
                                               std::to_string(need));
    }
    if (need >= 2) {
      Uint8 last[2];
      const Uint32 at = static_cast<Uint32>(std::min<std::uint64_t>(need, have) & ~std::uint64_t{1}) - 2;
      if (pixel_data.getPartialValue(last, at, 2).bad()) {
        return Refuse(ErrorCode::kTruncated, "file ends inside the pixel data (" + std::to_string(file_size) +
                                                 " bytes on disk)");
      }
    }
    return Status::Ok();
  }
  DcmPixelSequence* sequence = nullptr;
  if (pixel_data.getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() || !sequence) {
    return Refuse(ErrorCode::kCorrupt, "compressed pixel data has no fragments");
  }
  const long fragments = static_cast<long>(sequence->card()) - 1;  // item 0 is the offset table
  if (fragments < info.frame_count) {
    return Refuse(ErrorCode::kTruncated, std::to_string(info.frame_count) + " frames declared but only " +
                                             std::to_string(std::max(fragments, 0L)) + " compressed fragments");
  }
  return Status::Ok();
}

// The dataset's pixel data element; refused for a DICOMDIR or a file without pixels.
Result<DcmPixelData*> FindPixelData(DcmFileFormat& file) {
  OFString media_class;
  file.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, media_class);
  if (media_class == UID_MediaStorageDirectoryStorage) {
    return Refuse(ErrorCode::kUnsupported, "a DICOMDIR (media directory), not an image");
  }
  DcmElement* pixel_element = nullptr;
  if (file.getDataset()->findAndGetElement(DCM_PixelData, pixel_element).bad() || !pixel_element) {
    return Refuse(ErrorCode::kUnsupported, "no pixel data (not an image)");
  }
  auto* pixel_data = dynamic_cast<DcmPixelData*>(pixel_element);
  if (!pixel_data) return Refuse(ErrorCode::kCorrupt, "pixel data element has an unexpected type");
  return pixel_data;
}

}  // namespace

Result<std::unique_ptr<ImageSource>> OpenDicom(const std::filesystem::path& path, const InputLimits& limits) {
  InitDcmtkOnce();
  std::error_code ec;
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return Refuse(ErrorCode::kIo, "cannot read size: " + ec.message());

  // DCMTK parses nested sequences recursively: refuse absurd nesting first.
  if (Status s = CheckDicomStructure(path, limits); !s) return s.error();
  auto loaded = LoadDataset(path);
  if (!loaded) return loaded.error();
  DcmFileFormat& file = *loaded->file;
  DcmDataset& ds = *file.getDataset();
  auto pixel_data = FindPixelData(file);
  if (!pixel_data) return pixel_data.error();

  const E_TransferSyntax xfer = ds.getOriginalXfer();
  ImageInfo info = ReadInfo(path, ds, xfer);
  auto frames = ReadFrameCount(ds, limits);
  if (!frames) return frames.error();
  info.frame_count = *frames;
  if (loaded->recovered) {
    info.recovered_from_parse_error = true;
    info.warnings.push_back("recovered from a parse error (" + loaded->strict_error + ")");
  }
  auto layout = ReadPixelLayout(ds, info);
  if (!layout) return layout.error();
  const auto codec = ChooseCodec(xfer, ds, **pixel_data, *layout);
  if (!codec) return codec.error();
  if (Status s = CheckSizeLimits(info, *layout, file_size, limits); !s) return s.error();
  if (Status s = CheckPixelDataPresent(*codec, **pixel_data, xfer, info, *layout, file_size); !s) return s.error();

  std::optional<PaletteLut> palette;
  if (info.photometric == "PALETTE COLOR") {
    auto lut = ReadPalette(ds);
    if (!lut) return lut.error();
    palette = std::move(lut).value();
  }
  info.calibration = ReadCalibration(ds, info.width, info.height, info.warnings);
  PatientIdentity identity{GetString(ds, DCM_PatientID), GetString(ds, DCM_PatientName),
                           GetString(ds, DCM_PatientBirthDate)};
  return std::unique_ptr<ImageSource>(std::make_unique<DicomSource>(std::move(loaded->file), std::move(info),
                                                                    std::move(identity), *layout, std::move(palette),
                                                                    *codec, xfer, *pixel_data));
}

}  // namespace antra
