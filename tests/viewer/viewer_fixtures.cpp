#include "viewer/viewer_fixtures.h"

#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <stdexcept>

#include "dicom/synthetic_dicom.h"
#include "io/analysis_json.h"
#include "study/study_run.h"

namespace antra::test {
namespace {

// Deterministic speckle: a hash of the position, no random state.
int Speckle(int x, int y, int frame) {
  unsigned h = static_cast<unsigned>(x) * 73856093u ^ static_cast<unsigned>(y) * 19349663u ^
               static_cast<unsigned>(frame) * 83492791u;
  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  return static_cast<int>(h % 41) - 20;
}

bool InsideEllipse(cv::Point2d p, cv::Point2d c, cv::Point2d r) {
  const double dx = (p.x - c.x) / r.x, dy = (p.y - c.y) / r.y;
  return dx * dx + dy * dy <= 1.0;
}

std::vector<UltrasoundRegion> Regions(const FixtureImage& image) {
  std::vector<UltrasoundRegion> regions;
  auto add = [&](int x0, int x1, double mm) {
    UltrasoundRegion r;
    r.index = static_cast<int>(regions.size());
    r.spatial_format = 1;
    r.data_type = 1;
    r.min_x0 = x0;
    r.min_y0 = 0;
    r.max_x1 = x1;
    r.max_y1 = image.height - 1;
    r.units_x = r.units_y = 3;
    r.physical_delta_x = r.physical_delta_y = mm / 10;
    regions.push_back(r);
  };
  if (image.two_panes_mm_per_px) {
    add(0, image.width / 2 - 1, image.two_panes_mm_per_px->first);
    add(image.width / 2, image.width - 1, image.two_panes_mm_per_px->second);
  } else if (image.mm_per_px) {
    add(0, image.width - 1, *image.mm_per_px);
  }
  ValidateRegions(regions, image.width, image.height);
  return regions;
}

Calibration FixtureCalibration(const FixtureImage& image) {
  auto regions = Regions(image);
  if (regions.empty()) return Calibration::Uncalibrated("no pixel size in the file");
  return Calibration::FromRegions(std::move(regions), "fixture");
}

FollicleMeasurement Measure(cv::Point2d center, cv::Point2d radii, const Calibration& calibration) {
  FollicleMeasurement m;
  m.center_px = center;
  const bool wide = radii.x >= radii.y;
  const cv::Point2d horizontal(radii.x, 0), vertical(0, radii.y);
  m.long_axis = wide ? Caliper{center - horizontal, center + horizontal} : Caliper{center - vertical, center + vertical};
  m.short_axis = wide ? Caliper{center - vertical, center + vertical} : Caliper{center - horizontal, center + horizontal};
  for (int i = 0; i < 64; ++i) {
    const double t = 2 * std::numbers::pi * i / 64;
    m.contour_px.emplace_back(static_cast<int>(std::lround(center.x + radii.x * std::cos(t))),
                              static_cast<int>(std::lround(center.y + radii.y * std::sin(t))));
  }
  m.area_px = std::numbers::pi * radii.x * radii.y;
  m.confidence = 0.9;
  m.long_mm = calibration.LengthMm(m.long_axis.a, m.long_axis.b);
  m.short_mm = calibration.LengthMm(m.short_axis.a, m.short_axis.b);
  if (m.long_mm && m.short_mm) m.mean_mm = (*m.long_mm + *m.short_mm) / 2;
  m.area_mm2 = calibration.AreaMm2(m.area_px, center);
  return m;
}

}  // namespace

cv::Point2d FixtureImage::RadiiAt(const FixtureFollicle& f, int frame) const {
  if (frames <= 1) return {f.radius_x, f.radius_y};
  // Largest at peak_frame, 60% of it at the far end of the sweep.
  const double distance = std::abs(frame - f.peak_frame) / static_cast<double>(frames);
  const double scale = 1.0 - 0.4 * std::min(distance * 2, 1.0);
  return {f.radius_x * scale, f.radius_y * scale};
}

void WriteFixtureImage(const std::filesystem::path& path, const FixtureImage& image) {
  SyntheticDicom dicom;
  dicom.rows = image.height;
  dicom.columns = image.width;
  dicom.frames = image.frames;
  dicom.sop_instance_uid = image.sop_instance_uid;
  dicom.image_laterality = image.laterality;
  dicom.study_date = image.study_date;
  dicom.patient_id = image.patient_id;
  dicom.frame_time_ms = image.frame_time_ms;
  dicom.jpeg_baseline = image.jpeg;
  if (image.two_panes_mm_per_px) {
    const auto [left, right] = *image.two_panes_mm_per_px;
    dicom.regions.push_back({0, 0, image.width / 2 - 1, image.height - 1, left / 10, left / 10});
    dicom.regions.push_back({image.width / 2, 0, image.width - 1, image.height - 1, right / 10, right / 10});
  } else if (image.mm_per_px) {
    dicom.regions.push_back({0, 0, image.width - 1, image.height - 1, *image.mm_per_px / 10, *image.mm_per_px / 10});
  }
  dicom.pixels.resize(static_cast<size_t>(image.width) * image.height * image.frames);
  size_t i = 0;
  for (int frame = 0; frame < image.frames; ++frame) {
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < image.width; ++x, ++i) {
        int value = 110 + Speckle(x, y, frame);
        for (const auto& f : image.follicles) {
          if (InsideEllipse({double(x), double(y)}, f.center, image.RadiiAt(f, frame))) value = 20 + Speckle(x, y, frame) / 4;
        }
        if (image.patch && image.patch->contains({x, y})) value = image.patch_value;
        dicom.pixels[i] = static_cast<std::uint8_t>(std::clamp(value, 0, 255));
      }
    }
  }
  dicom.Write(path);
}

ImageAnalysis FixtureAnalysis(const FixtureImage& image) {
  ImageAnalysis a;
  a.software_version = "test-fixture";
  a.path = "fixture";
  a.sop_instance_uid = image.sop_instance_uid;
  a.width = image.width;
  a.height = image.height;
  a.frame_count = image.frames;
  a.calibration = FixtureCalibration(image);
  for (int frame = 0; frame < image.frames; ++frame) {
    FrameAnalysis fa;
    fa.index = frame;
    int id = 1;
    for (const auto& f : image.follicles) {
      Follicle fol;
      static_cast<FollicleMeasurement&>(fol) = Measure(f.center, image.RadiiAt(f, frame), a.calibration);
      fol.id = id++;
      fa.follicles.push_back(std::move(fol));
    }
    a.frames.push_back(std::move(fa));
  }
  if (image.frames > 1) {
    int id = 1;
    for (const auto& f : image.follicles) {
      CineFollicle c;
      c.id = id++;
      c.best_frame = f.peak_frame;
      c.at_best_frame = Measure(f.center, image.RadiiAt(f, f.peak_frame), a.calibration);
      for (int frame = 0; frame < image.frames; ++frame) c.appearances.push_back({frame, f.center});
      a.cine_follicles.push_back(std::move(c));
    }
  }
  if (a.calibration.calibrated()) {
    SizeCounts counts;
    if (!a.cine_follicles.empty()) {
      for (const auto& c : a.cine_follicles) counts.Add(*c.at_best_frame.mean_mm);
      a.counts_source = "unique-follicles";
    } else {
      for (const auto& f : a.frames.front().follicles) {
        if (f.mean_mm) counts.Add(*f.mean_mm);
      }
      a.counts_source = "single-frame";
    }
    a.counts = counts;
  }
  return a;
}

void WriteAnalysisJson(const std::filesystem::path& path, const ImageAnalysis& analysis) {
  std::ofstream out(path);
  out << AnalysisToJson(analysis).dump(1);
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

FixtureImage ThreeFollicles() {
  FixtureImage image;
  // At 0.2 mm per pixel: mean diameters 7.0 mm (6-10), 4.0 mm (2-<6), 12.0 mm (>10).
  image.follicles = {{{160, 200}, 20, 15}, {{330, 260}, 10, 10}, {{480, 160}, 35, 25}};
  return image;
}

FixtureStudy WriteFixtureStudy(const std::filesystem::path& dir, bool key_images, bool analysis_misses_one) {
  FixtureStudy study;
  std::map<std::string, ImageAnalysis> analyses;
  auto add = [&](FixtureImage image, const std::string& name) {
    const auto path = dir / "archive" / name;
    std::filesystem::create_directories(path.parent_path());
    WriteFixtureImage(path, image);
    analyses[image.sop_instance_uid] = FixtureAnalysis(image);
    study.files.push_back(path);
  };
  FixtureImage left0 = ThreeFollicles();
  left0.sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.101";
  left0.laterality = "L";
  add(left0, "v0-left.dcm");
  if (analysis_misses_one) {
    FixtureImage missed = left0;
    missed.follicles.erase(missed.follicles.begin() + 1);
    analyses[left0.sop_instance_uid] = FixtureAnalysis(missed);
  }
  FixtureImage right0;
  right0.sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.102";
  right0.laterality = "R";
  right0.follicles = {{{320, 240}, 15, 15}};
  add(right0, "v0-right.dcm");
  FixtureImage left1 = left0;
  left1.sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.103";
  left1.study_date = "20260119";
  left1.follicles.pop_back();
  add(left1, "v1-left.dcm");
  FixtureImage right1 = right0;
  right1.sop_instance_uid = "1.2.826.0.1.3680043.9.7433.9.104";
  right1.study_date = "20260119";
  add(right1, "v1-right.dcm");

  study.results = dir / "results";
  StudyRunOptions options;
  options.key_images = key_images;
  options.who = "antra test";
  auto run = RunStudy(study.files, nullptr, study.results, options,
                      [&](const ScannedFile& f) -> std::optional<ImageAnalysis> {
                        auto it = analyses.find(f.info.sop_instance_uid);
                        if (it == analyses.end()) return std::nullopt;
                        return it->second;
                      });
  if (!run) throw std::runtime_error("fixture study: " + run.error().message);
  if (run->visits.size() != 2) throw std::runtime_error("fixture study: expected 2 visits");
  return study;
}

}  // namespace antra::test
