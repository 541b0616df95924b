#include "study_fixtures.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <opencv2/imgproc.hpp>

namespace antra::test {

std::vector<std::string> FakeIdentityStrings() {
  return {kFakePatientId, "Quillfeather", "Rosamund", kFakeBirthDate, "1981-03-17", "17.03.1981"};
}

PatientIdentity FakeIdentity(const std::string& patient_id) {
  return {patient_id, kFakePatientName, kFakeBirthDate};
}

Calibration FixtureCalibration(int width, int height) {
  UltrasoundRegion r;
  r.spatial_format = 1;
  r.data_type = 1;
  r.min_x0 = kRegionX0;
  r.min_y0 = kRegionY0;
  r.max_x1 = kRegionX1;
  r.max_y1 = kRegionY1;
  r.units_x = r.units_y = 3;
  r.physical_delta_x = r.physical_delta_y = kMmPerPixel / 10.0;
  std::vector<UltrasoundRegion> regions{r};
  ValidateRegions(regions, width, height);
  return Calibration::FromRegions(regions, "test region");
}

namespace {

cv::Mat FramePixels(const DicomFixture& f, int index) {
  cv::Mat img(f.height, f.width, CV_8UC1, cv::Scalar(0));
  // Tissue-like speckled grey inside the region (or everywhere), a dark round
  // "follicle" that moves with the frame index.
  const cv::Rect tissue = f.region_covers_screen
                              ? cv::Rect(0, 0, f.width, f.height)
                              : cv::Rect(kRegionX0, kRegionY0, kRegionX1 - kRegionX0 + 1, kRegionY1 - kRegionY0 + 1);
  cv::Mat speckle(img.size(), CV_8UC1);
  cv::randn(speckle, cv::Scalar(110), cv::Scalar(25));
  speckle(tissue).copyTo(img(tissue));
  cv::circle(img, cv::Point(100 + index, 100), 25, cv::Scalar(15), cv::FILLED);
  if (f.burn_in_identity) {
    const std::string banner = f.patient_name + " " + f.birth_date;
    cv::putText(img, banner, cv::Point(4, 20), cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(255), 1);
  }
  return img;
}

}  // namespace

Status WriteUsDicom(const std::filesystem::path& path, const DicomFixture& f) {
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  const bool multi = f.frames > 1;
  ds->putAndInsertString(DCM_SOPClassUID, multi ? UID_UltrasoundMultiframeImageStorage : UID_UltrasoundImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, f.sop_instance_uid.c_str());
  ds->putAndInsertString(DCM_StudyInstanceUID, ("1.2.826.0.1.3680043.10.1." + f.study_date).c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, (f.sop_instance_uid + ".1").c_str());
  ds->putAndInsertString(DCM_Modality, "US");
  ds->putAndInsertString(DCM_PatientID, f.patient_id.c_str());
  ds->putAndInsertString(DCM_PatientName, f.patient_name.c_str());
  ds->putAndInsertString(DCM_PatientBirthDate, f.birth_date.c_str());
  ds->putAndInsertString(DCM_StudyDate, f.study_date.c_str());
  ds->putAndInsertString(DCM_StudyTime, f.study_time.c_str());
  ds->putAndInsertString(DCM_SeriesDescription, f.series_description.c_str());
  if (!f.image_laterality.empty()) ds->putAndInsertString(DCM_ImageLaterality, f.image_laterality.c_str());
  ds->putAndInsertString(DCM_BurnedInAnnotation, f.burn_in_identity ? "YES" : "NO");
  ds->putAndInsertUint16(DCM_Rows, static_cast<Uint16>(f.height));
  ds->putAndInsertUint16(DCM_Columns, static_cast<Uint16>(f.width));
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
  ds->putAndInsertUint16(DCM_BitsAllocated, 8);
  ds->putAndInsertUint16(DCM_BitsStored, 8);
  ds->putAndInsertUint16(DCM_HighBit, 7);
  ds->putAndInsertUint16(DCM_PixelRepresentation, 0);
  if (multi) {
    ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(f.frames).c_str());
    ds->putAndInsertString(DCM_FrameTime, "33.3");
  }
  if (f.with_region) {
    DcmItem* item = nullptr;
    ds->findOrCreateSequenceItem(DCM_SequenceOfUltrasoundRegions, item, -2);
    item->putAndInsertUint16(DCM_RegionSpatialFormat, 1);
    item->putAndInsertUint16(DCM_RegionDataType, 1);
    item->putAndInsertUint32(DCM_RegionFlags, 0);
    const bool full = f.region_covers_screen;
    item->putAndInsertUint32(DCM_RegionLocationMinX0, full ? 0 : kRegionX0);
    item->putAndInsertUint32(DCM_RegionLocationMinY0, full ? 0 : kRegionY0);
    item->putAndInsertUint32(DCM_RegionLocationMaxX1, full ? f.width - 1 : kRegionX1);
    item->putAndInsertUint32(DCM_RegionLocationMaxY1, full ? f.height - 1 : kRegionY1);
    item->putAndInsertUint16(DCM_PhysicalUnitsXDirection, 3);
    item->putAndInsertUint16(DCM_PhysicalUnitsYDirection, 3);
    item->putAndInsertFloat64(DCM_PhysicalDeltaX, kMmPerPixel / 10.0);
    item->putAndInsertFloat64(DCM_PhysicalDeltaY, kMmPerPixel / 10.0);
  }
  std::vector<Uint8> pixels;
  pixels.reserve(static_cast<size_t>(f.width) * f.height * f.frames);
  for (int i = 0; i < f.frames; ++i) {
    cv::Mat img = FramePixels(f, i);
    pixels.insert(pixels.end(), img.datastart, img.dataend);
  }
  ds->putAndInsertUint8Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(pixels.size()));
  std::filesystem::create_directories(path.parent_path());
  const OFCondition status = file.saveFile(path.c_str(), EXS_LittleEndianExplicit);
  if (status.bad()) return MakeError(ErrorCode::kIo, status.text());
  return Status::Ok();
}

ImageAnalysis MakeAnalysis(const std::string& sop_uid, int frames, const std::vector<FollicleSpec>& follicles,
                           bool ovary_found, bool calibrated) {
  ImageAnalysis a;
  a.software_version = "test-pipeline";
  a.sop_instance_uid = sop_uid;
  a.width = 320;
  a.height = 240;
  a.frame_count = frames;
  a.calibration = calibrated ? FixtureCalibration() : Calibration::Uncalibrated("no regions");
  a.parameters_hash = "params-v1";
  auto measure = [&](const FollicleSpec& s) {
    FollicleMeasurement m;
    m.center_px = {s.x, s.y};
    const double half_long = s.long_mm / kMmPerPixel / 2, half_short = s.short_mm / kMmPerPixel / 2;
    m.long_axis = {{s.x - half_long, s.y}, {s.x + half_long, s.y}};
    m.short_axis = {{s.x, s.y - half_short}, {s.x, s.y + half_short}};
    if (calibrated) {
      m.long_mm = s.long_mm;
      m.short_mm = s.short_mm;
      m.mean_mm = (s.long_mm + s.short_mm) / 2;
    }
    m.confidence = 0.9;
    return m;
  };
  for (int i = 0; i < frames; ++i) {
    FrameAnalysis frame;
    frame.index = i;
    if (ovary_found) {
      OvaryMeasurement o;
      o.center_px = {160, 120};
      if (calibrated) {
        o.long_mm = 30.0 + i * 0.01;
        o.short_mm = 20.0;
      }
      frame.ovary = o;
    }
    int id = 1;
    for (const auto& s : follicles) {
      if (s.frame != i) continue;
      Follicle f;
      static_cast<FollicleMeasurement&>(f) = measure(s);
      f.id = id++;
      frame.follicles.push_back(f);
    }
    a.frames.push_back(std::move(frame));
  }
  if (frames > 1) {
    int id = 1;
    for (const auto& s : follicles) {
      CineFollicle c;
      c.id = id++;
      c.best_frame = s.frame;
      c.at_best_frame = measure(s);
      c.appearances.push_back({s.frame, {s.x, s.y}});
      a.cine_follicles.push_back(c);
    }
    a.counts_source = "unique-follicles";
  } else {
    a.counts_source = "single-frame";
  }
  return a;
}

ImageInfo MakeInfo(const std::string& sop_uid, const std::string& study_date, const std::string& laterality,
                   const std::string& description, int frames, bool calibrated) {
  ImageInfo info;
  info.path = "/archive/" + sop_uid + ".dcm";
  info.width = 320;
  info.height = 240;
  info.frame_count = frames;
  info.sop_class_uid = frames > 1 ? "1.2.840.10008.5.1.4.1.1.3.1" : "1.2.840.10008.5.1.4.1.1.6.1";
  info.sop_instance_uid = sop_uid;
  info.study_instance_uid = "1.2.3.4." + study_date;
  info.series_instance_uid = sop_uid + ".1";
  info.study_date = study_date;
  info.study_time = "100000";
  info.modality = "US";
  info.series_description = description;
  info.laterality = laterality;
  info.calibration = calibrated ? FixtureCalibration() : Calibration::Uncalibrated("no regions");
  return info;
}

VisitResult MakeVisit(int visit_number, const std::vector<double>& left_mm, const std::vector<double>& right_mm,
                      const std::string& subject) {
  auto specs = [](const std::vector<double>& means, int frames) {
    std::vector<FollicleSpec> out;
    int i = 0;
    for (double m : means) {
      out.push_back({m + 0.4, m - 0.4, frames > 1 ? (i * 7) % frames : 0, 60.0 + 20 * i, 80.0 + 9 * i});
      ++i;
    }
    return out;
  };
  const std::string base = "1.2.826.0.1.3680043.10.9." + std::to_string(visit_number);
  VisitBuildInput input;
  input.subject_id = subject;
  input.visit_number = visit_number;
  input.baseline = *Date::Parse("2026-01-05");
  input.software_version = "test";
  input.scans.push_back({MakeInfo(base + ".1", input.baseline.PlusDays(14L * visit_number).Dicom(), "L", "LT OV SWEEP", 40),
                         FakeIdentity(), std::string(64, 'a'), {Side::kLeft, SideSource::kHeader},
                         MakeAnalysis(base + ".1", 40, specs(left_mm, 40)), 0});
  input.scans.push_back({MakeInfo(base + ".2", input.baseline.PlusDays(14L * visit_number).Dicom(), "R", "RT OV", 1),
                         FakeIdentity(), std::string(64, 'b'), {Side::kRight, SideSource::kHeader},
                         MakeAnalysis(base + ".2", 1, specs(right_mm, 1)), 0});
  return BuildAutomaticVisit(input);
}

}  // namespace antra::test
