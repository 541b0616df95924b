#pragma once
// Test fixtures for the study and export tests: small synthetic ultrasound
// DICOM files written with DCMTK (with fake identities in the header and
// burned into the pixels outside the ultrasound region), analyses built in
// code, and ready-made visits.

#include <filesystem>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/image.h"
#include "core/result.h"
#include "study/study_index.h"
#include "study/visit.h"

namespace antra::test {

// Fake identities: every file written under results/ is searched for these.
inline constexpr const char* kFakePatientId = "HOSP-7731";
inline constexpr const char* kFakePatientName = "Quillfeather^Rosamund";
inline constexpr const char* kFakeBirthDate = "19810317";
std::vector<std::string> FakeIdentityStrings();  // ID, name parts, birth date in DICOM and ISO form

struct DicomFixture {
  std::string patient_id = kFakePatientId;
  std::string patient_name = kFakePatientName;
  std::string birth_date = kFakeBirthDate;
  std::string sop_instance_uid;  // required
  std::string study_date = "20260105";
  std::string study_time = "101500";
  std::string image_laterality;  // "L", "R" or empty
  std::string series_description;
  int width = 320, height = 240, frames = 1;
  bool with_region = true;       // 2D region [20,30]-[299,219], 0.01 cm per pixel
  bool burn_in_identity = true;  // name and birth date drawn in the banner above the region
  // As many scanners do: the region is the whole screen and the banner text
  // is printed over the image itself.
  bool region_covers_screen = false;
};

// The region of DicomFixture, as Antra reads it.
inline constexpr int kRegionX0 = 20, kRegionY0 = 30, kRegionX1 = 299, kRegionY1 = 219;
inline constexpr double kMmPerPixel = 0.1;

Status WriteUsDicom(const std::filesystem::path& path, const DicomFixture& fixture);

// A calibration with the fixture's region, for width x height images.
Calibration FixtureCalibration(int width = 320, int height = 240);

struct FollicleSpec {
  double long_mm = 5, short_mm = 4;
  int frame = 0;
  double x = 100, y = 100;  // centre in pixels
};

// An analysis of one image: a sweep (frames > 1) gets unique cine follicles,
// a still gets frame 0's follicles. Millimetres are left out when
// `calibrated` is false.
ImageAnalysis MakeAnalysis(const std::string& sop_uid, int frames, const std::vector<FollicleSpec>& follicles,
                           bool ovary_found = true, bool calibrated = true);

ImageInfo MakeInfo(const std::string& sop_uid, const std::string& study_date, const std::string& laterality,
                   const std::string& description, int frames = 1, bool calibrated = true);

PatientIdentity FakeIdentity(const std::string& patient_id = kFakePatientId);

// A built visit of subject S001: left ovary from a 40-frame sweep with
// `left_mm` follicle mean diameters, right ovary from a still with
// `right_mm`, both calibrated.
VisitResult MakeVisit(int visit_number, const std::vector<double>& left_mm, const std::vector<double>& right_mm,
                      const std::string& subject = "S001");

}  // namespace antra::test
