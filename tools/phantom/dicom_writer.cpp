#include "phantom/dicom_writer.h"

#include <cstdio>
#include <cstring>
#include <mutex>
#include <system_error>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmimage/diregist.h>  // colour images for the JPEG encoder
#include <dcmtk/oflog/oflog.h>
#include <opencv2/imgproc.hpp>

#include "phantom/random.h"

namespace antra::phantom {

namespace {

constexpr const char* kUsImageStorage = "1.2.840.10008.5.1.4.1.1.6.1";
constexpr const char* kUsMultiframeStorage = "1.2.840.10008.5.1.4.1.1.3.1";

void RegisterJpegEncoderOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    // Never replace the SOP Instance UID: the phantom's UIDs are reproducible
    // and the truth file names them.
    DJEncoderRegistration::registerCodecs(ECC_lossyYCbCr, EUC_never);
  });
}

Status Check(OFCondition c, const std::string& what) {
  if (c.good()) return Status::Ok();
  return MakeError(ErrorCode::kIo, what + ": " + c.text());
}

bool IsColour(Encoding e) { return e == Encoding::kRgb || e == Encoding::kYbrFull422Jpeg; }
bool IsJpeg(Encoding e) { return e == Encoding::kMonochrome2Jpeg || e == Encoding::kYbrFull422Jpeg; }

// A 128-bit number (four 32-bit limbs, most significant first) in decimal,
// by repeated division: standard C++ has no 128-bit integer.
std::string Decimal128(std::uint64_t hi, std::uint64_t lo) {
  std::uint32_t limb[4] = {static_cast<std::uint32_t>(hi >> 32), static_cast<std::uint32_t>(hi),
                           static_cast<std::uint32_t>(lo >> 32), static_cast<std::uint32_t>(lo)};
  std::string digits;
  auto zero = [&] { return limb[0] == 0 && limb[1] == 0 && limb[2] == 0 && limb[3] == 0; };
  while (!zero()) {
    std::uint64_t rem = 0;
    for (auto& l : limb) {
      const std::uint64_t cur = (rem << 32) | l;
      l = static_cast<std::uint32_t>(cur / 10);
      rem = cur % 10;
    }
    digits.insert(digits.begin(), static_cast<char>('0' + rem));
  }
  return digits.empty() ? "0" : digits;
}

Status PutIdentity(DcmDataset& ds, const DicomImageSpec& spec, bool multiframe) {
  const DicomIdentity& id = spec.identity;
  Status s;
  auto put = [&](const DcmTagKey& tag, const std::string& value) {
    if (s.ok()) s = Check(ds.putAndInsertString(tag, value.c_str()), "cannot set " + DcmTag(tag).toString());
  };
  put(DCM_SOPClassUID, multiframe ? kUsMultiframeStorage : kUsImageStorage);
  put(DCM_SOPInstanceUID, id.sop_instance_uid);
  put(DCM_StudyInstanceUID, id.study_instance_uid);
  put(DCM_SeriesInstanceUID, id.series_instance_uid);
  put(DCM_StudyDate, id.study_date);
  put(DCM_StudyTime, id.study_time);
  put(DCM_ContentDate, id.study_date);
  put(DCM_ContentTime, id.study_time);
  put(DCM_Modality, "US");
  put(DCM_Manufacturer, "Antra phantom");
  put(DCM_ManufacturerModelName, "antra-phantom");
  put(DCM_SoftwareVersions, spec.software_version);
  put(DCM_StudyDescription, id.study_description);
  put(DCM_SeriesDescription, id.series_description);
  put(DCM_BodyPartExamined, "PELVIS");
  put(DCM_PatientName, id.patient_name);
  put(DCM_PatientID, id.patient_id);
  put(DCM_PatientBirthDate, id.patient_birth_date);
  put(DCM_PatientSex, "F");
  put(DCM_StudyID, "1");
  put(DCM_AccessionNumber, "");
  put(DCM_ReferringPhysicianName, "");
  put(DCM_SeriesNumber, std::to_string(id.series_number));
  put(DCM_InstanceNumber, std::to_string(id.instance_number));
  put(DCM_ImageType, "ORIGINAL\\PRIMARY");
  if (!id.laterality.empty()) put(DCM_ImageLaterality, id.laterality);
  put(DCM_BurnedInAnnotation, "YES");
  return s;
}

Status PutRegion(DcmDataset& ds, const DicomImageSpec& spec) {
  DcmItem* item = nullptr;
  if (auto s = Check(ds.findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, -2), "cannot add region"); !s) return s;
  const double cm = spec.mm_per_px / 10.0;
  const cv::Rect& b = spec.region_box;
  OFCondition c = item->putAndInsertUint16(DCM_RegionSpatialFormat, 1);  // 2D
  if (c.good()) c = item->putAndInsertUint16(DCM_RegionDataType, 1);    // tissue
  if (c.good()) c = item->putAndInsertUint32(DCM_RegionFlags, 0);
  if (c.good()) c = item->putAndInsertUint32(DCM_RegionLocationMinX0, static_cast<Uint32>(b.x));
  if (c.good()) c = item->putAndInsertUint32(DCM_RegionLocationMinY0, static_cast<Uint32>(b.y));
  if (c.good()) c = item->putAndInsertUint32(DCM_RegionLocationMaxX1, static_cast<Uint32>(b.x + b.width - 1));
  if (c.good()) c = item->putAndInsertUint32(DCM_RegionLocationMaxY1, static_cast<Uint32>(b.y + b.height - 1));
  if (c.good()) c = item->putAndInsertSint32(DCM_ReferencePixelX0, spec.reference_px.x);
  if (c.good()) c = item->putAndInsertSint32(DCM_ReferencePixelY0, spec.reference_px.y);
  if (c.good()) c = item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3);  // cm
  if (c.good()) c = item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3);
  if (c.good()) c = item->putAndInsertFloat64(DCM_ReferencePixelPhysicalValueX, 0.0);
  if (c.good()) c = item->putAndInsertFloat64(DCM_ReferencePixelPhysicalValueY, 0.0);
  if (c.good()) c = item->putAndInsertFloat64(DCM_PhysicalDeltaX, cm);
  if (c.good()) c = item->putAndInsertFloat64(DCM_PhysicalDeltaY, cm);
  if (c.good()) c = item->putAndInsertUint32(DCM_TransducerFrequency, static_cast<Uint32>(spec.transducer_mhz * 1000));
  return Check(c, "cannot write the ultrasound region");
}

Status PutPixels(DcmDataset& ds, const std::vector<cv::Mat>& frames, const DicomImageSpec& spec) {
  const bool colour = IsColour(spec.encoding);
  const int rows = frames.front().rows, cols = frames.front().cols;
  const size_t frame_bytes = static_cast<size_t>(rows) * cols * (colour ? 3 : 1);
  std::vector<Uint8> pixels(frame_bytes * frames.size());
  for (size_t k = 0; k < frames.size(); ++k) {
    cv::Mat f = frames[k];
    if (f.size() != frames.front().size() || f.type() != CV_8UC3) {
      return MakeError(ErrorCode::kInvalidArgument, "frames must all be CV_8UC3 of one size");
    }
    cv::Mat out;
    if (colour) {
      out = f.isContinuous() ? f : f.clone();
    } else {
      cv::cvtColor(f, out, cv::COLOR_RGB2GRAY);
    }
    std::memcpy(pixels.data() + k * frame_bytes, out.data, frame_bytes);
  }
  OFCondition c = ds.putAndInsertUint16(DCM_SamplesPerPixel, colour ? 3 : 1);
  if (c.good()) c = ds.putAndInsertString(DCM_PhotometricInterpretation, colour ? "RGB" : "MONOCHROME2");
  if (c.good() && colour) c = ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  if (c.good()) c = ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(rows));
  if (c.good()) c = ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(cols));
  if (c.good()) c = ds.putAndInsertUint16(DCM_BitsAllocated, 8);
  if (c.good()) c = ds.putAndInsertUint16(DCM_BitsStored, 8);
  if (c.good()) c = ds.putAndInsertUint16(DCM_HighBit, 7);
  if (c.good()) c = ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
  if (c.good() && frames.size() > 1) {
    c = ds.putAndInsertString(DCM_NumberOfFrames, std::to_string(frames.size()).c_str());
    char ft[32];
    std::snprintf(ft, sizeof ft, "%.4g", spec.frame_time_ms);
    if (c.good()) c = ds.putAndInsertString(DCM_FrameTime, ft);
    if (c.good()) c = ds.putAndInsertTagKey(DCM_FrameIncrementPointer, DCM_FrameTime);
    if (c.good()) c = ds.putAndInsertString(DCM_CineRate, std::to_string(static_cast<int>(1000.0 / spec.frame_time_ms + 0.5)).c_str());
  }
  if (c.good()) c = ds.putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
  return Check(c, "cannot set pixel data");
}

}  // namespace

const char* ToString(Encoding e) {
  switch (e) {
    case Encoding::kMonochrome2: return "mono";
    case Encoding::kRgb: return "rgb";
    case Encoding::kMonochrome2Jpeg: return "mono-jpeg";
    case Encoding::kYbrFull422Jpeg: return "ybr-jpeg";
  }
  return "mono";
}

bool ParseEncoding(const std::string& s, Encoding& out) {
  for (Encoding e : {Encoding::kMonochrome2, Encoding::kRgb, Encoding::kMonochrome2Jpeg, Encoding::kYbrFull422Jpeg}) {
    if (s == ToString(e)) {
      out = e;
      return true;
    }
  }
  return false;
}

std::string MakeUid(std::uint64_t seed, const std::string& tag) {
  std::uint64_t hi = DeriveSeed(seed, tag, 1);
  std::uint64_t lo = DeriveSeed(seed, tag, 2);
  // A random (version 4, RFC 4122 variant) UUID written as one integer.
  hi = (hi & ~0xF000ull) | 0x4000ull;
  lo = (lo & ~0xC000000000000000ull) | 0x8000000000000000ull;
  return "2.25." + Decimal128(hi, lo);
}

Status WriteUltrasoundDicom(const std::filesystem::path& path, const std::vector<cv::Mat>& rgb_frames,
                            const DicomImageSpec& spec) {
  if (rgb_frames.empty()) return MakeError(ErrorCode::kInvalidArgument, "no frames to write");
  if (!(spec.mm_per_px > 0)) return MakeError(ErrorCode::kInvalidArgument, "mm_per_px must be positive");
  if (spec.encoding == Encoding::kMonochrome2Jpeg || spec.encoding == Encoding::kYbrFull422Jpeg) RegisterJpegEncoderOnce();

  DcmFileFormat file;
  DcmDataset& ds = *file.getDataset();
  const bool multiframe = rgb_frames.size() > 1;
  if (auto s = PutIdentity(ds, spec, multiframe); !s) return s;
  if (auto s = PutRegion(ds, spec); !s) return s;
  if (auto s = PutPixels(ds, rgb_frames, spec); !s) return s;

  E_TransferSyntax xfer = EXS_LittleEndianExplicit;
  if (IsJpeg(spec.encoding)) {
    xfer = EXS_JPEGProcess1;
    const DJ_RPLossy params(spec.jpeg_quality);
    if (auto s = Check(ds.chooseRepresentation(xfer, &params), "JPEG compression failed"); !s) return s;
    if (!ds.canWriteXfer(xfer)) return MakeError(ErrorCode::kIo, "JPEG compression produced nothing writable");
    if (auto s = Check(ds.putAndInsertString(DCM_LossyImageCompression, "01"), "cannot flag lossy compression"); !s) return s;
    // DCMTK marks recompressed images DERIVED; a scanner's own JPEG export is ORIGINAL.
    if (auto s = Check(ds.putAndInsertString(DCM_ImageType, "ORIGINAL\\PRIMARY"), "cannot set image type"); !s) return s;
  }

  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const OFCondition c = file.saveFile(tmp.string().c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_withoutPadding);
  if (c.bad()) {
    std::error_code ignore;
    std::filesystem::remove(tmp, ignore);
    return MakeError(ErrorCode::kIo, std::string("cannot write DICOM: ") + c.text());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot rename into place: " + ec.message());
  return Status::Ok();
}

}  // namespace antra::phantom
