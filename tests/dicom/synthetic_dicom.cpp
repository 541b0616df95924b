#include "dicom/synthetic_dicom.h"

#include <stdexcept>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>

namespace antra::test {

void SyntheticDicom::FillPattern() {
  const size_t bytes_per_sample = bits_allocated / 8;
  const size_t n = static_cast<size_t>(rows) * columns * samples_per_pixel * bytes_per_sample * frames;
  pixels.resize(n);
  for (size_t i = 0; i < n; ++i) pixels[i] = static_cast<std::uint8_t>((i * 7 + i / 97) & 0xFF);
}

void SyntheticDicom::Write(const std::filesystem::path& path) const {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  auto put = [&](const DcmTagKey& tag, const std::string& value) {
    if (ds->putAndInsertString(tag, value.c_str()).bad()) throw std::runtime_error("cannot set tag");
  };
  put(DCM_SOPClassUID, frames > 1 ? UID_UltrasoundMultiframeImageStorage : UID_UltrasoundImageStorage);
  put(DCM_SOPInstanceUID, sop_instance_uid);
  put(DCM_StudyInstanceUID, sop_instance_uid + ".1");
  put(DCM_SeriesInstanceUID, sop_instance_uid + ".2");
  put(DCM_Modality, "US");
  put(DCM_PatientID, patient_id);
  put(DCM_PatientName, patient_name);
  put(DCM_StudyDate, study_date);
  if (!image_laterality.empty()) put(DCM_ImageLaterality, image_laterality);
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(declared_rows.value_or(rows)));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(declared_columns.value_or(columns)));
  ds->putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(samples_per_pixel));
  ds->putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(bits_allocated));
  ds->putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(bits_stored));
  ds->putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(bits_stored - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, is_signed ? 1 : 0);
  put(DCM_PhotometricInterpretation, photometric);
  if (samples_per_pixel == 3) ds->putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(planar_configuration));
  const int frames_written = declared_frames.value_or(frames);
  if (frames_written != 1 || frames > 1) put(DCM_NumberOfFrames, std::to_string(frames_written));
  if (frame_time_ms) put(DCM_FrameTime, std::to_string(*frame_time_ms));
  if (pixel_spacing_mm) {
    put(DCM_PixelSpacing, std::to_string(pixel_spacing_mm->first) + "\\" + std::to_string(pixel_spacing_mm->second));
  }
  if (window) {
    put(DCM_WindowCenter, std::to_string(window->first));
    put(DCM_WindowWidth, std::to_string(window->second));
  }
  for (size_t i = 0; i < regions.size(); ++i) {
    const auto& r = regions[i];
    DcmItem* item = nullptr;
    if (ds->findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, static_cast<long>(i)).bad()) {
      throw std::runtime_error("cannot create region item");
    }
    item->putAndInsertUint16(DCM_RegionSpatialFormat, static_cast<Uint16>(r.spatial_format));
    item->putAndInsertUint16(DCM_RegionDataType, 1);
    item->putAndInsertUint32(DCM_RegionFlags, 0);
    item->putAndInsertUint32(DCM_RegionLocationMinX0, static_cast<Uint32>(r.x0));
    item->putAndInsertUint32(DCM_RegionLocationMinY0, static_cast<Uint32>(r.y0));
    item->putAndInsertUint32(DCM_RegionLocationMaxX1, static_cast<Uint32>(r.x1));
    item->putAndInsertUint32(DCM_RegionLocationMaxY1, static_cast<Uint32>(r.y1));
    item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, static_cast<Uint16>(r.units));
    item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, static_cast<Uint16>(r.units));
    item->putAndInsertFloat64(DCM_PhysicalDeltaX, r.delta_x_cm);
    item->putAndInsertFloat64(DCM_PhysicalDeltaY, r.delta_y_cm);
  }
  if (photometric == "PALETTE COLOR") {
    const DcmTagKey desc[] = {DCM_RedPaletteColorLookupTableDescriptor, DCM_GreenPaletteColorLookupTableDescriptor,
                              DCM_BluePaletteColorLookupTableDescriptor};
    const DcmTagKey plain[] = {DCM_RedPaletteColorLookupTableData, DCM_GreenPaletteColorLookupTableData,
                               DCM_BluePaletteColorLookupTableData};
    const DcmTagKey seg[] = {DCM_SegmentedRedPaletteColorLookupTableData,
                             DCM_SegmentedGreenPaletteColorLookupTableData,
                             DCM_SegmentedBluePaletteColorLookupTableData};
    const std::vector<std::uint16_t>* data[] = {&red, &green, &blue};
    for (int c = 0; c < 3; ++c) {
      ds->putAndInsertUint16Array(desc[c], palette_descriptor.data(), palette_descriptor.size());
      ds->putAndInsertUint16Array(segmented_palette ? seg[c] : plain[c], data[c]->data(), data[c]->size());
    }
  }
  if (rle_fragments) {
    auto* pixel_data = new DcmPixelData(DCM_PixelData);
    auto* sequence = new DcmPixelSequence(DcmTag(DCM_PixelData, EVR_OB));
    sequence->insert(new DcmPixelItem(DcmTag(DCM_Item, EVR_OB)));  // empty Basic Offset Table
    for (const auto& fragment : *rle_fragments) {
      auto* item = new DcmPixelItem(DcmTag(DCM_Item, EVR_OB));
      item->putUint8Array(fragment.data(), static_cast<unsigned long>(fragment.size()));
      sequence->insert(item);
    }
    pixel_data->putOriginalRepresentation(EXS_RLELossless, nullptr, sequence);
    ds->insert(pixel_data, true);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    if (file.saveFile(path.c_str(), EXS_RLELossless).bad()) throw std::runtime_error("cannot write " + path.string());
    return;
  }
  if (bits_allocated == 16) {
    std::vector<Uint16> words(pixels.size() / 2);
    for (size_t i = 0; i < words.size(); ++i) words[i] = static_cast<Uint16>(pixels[2 * i] | (pixels[2 * i + 1] << 8));
    ds->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  } else {
    ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), pixels.size());
  }
  E_TransferSyntax xfer = implicit_vr ? EXS_LittleEndianImplicit : EXS_LittleEndianExplicit;
  if (jpeg_baseline) {
    // Keep the SOP Instance UID the test chose (DCMTK makes a new one for lossy output by default).
    static const bool registered = [] {
      DJEncoderRegistration::registerCodecs(ECC_lossyYCbCr, EUC_never);
      return true;
    }();
    (void)registered;
    const DJ_RPLossy quality(90);
    if (ds->chooseRepresentation(EXS_JPEGProcess1, &quality).bad() || !ds->canWriteXfer(EXS_JPEGProcess1)) {
      throw std::runtime_error("cannot JPEG-compress " + path.string());
    }
    xfer = EXS_JPEGProcess1;
  }
  if (rle_lossless) {
    static const bool registered = [] {
      DcmRLEEncoderRegistration::registerCodecs();
      return true;
    }();
    (void)registered;
    if (ds->chooseRepresentation(EXS_RLELossless, nullptr).bad() || !ds->canWriteXfer(EXS_RLELossless)) {
      throw std::runtime_error("cannot RLE-compress " + path.string());
    }
    xfer = EXS_RLELossless;
  }
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  if (file.saveFile(path.c_str(), xfer).bad()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace antra::test
