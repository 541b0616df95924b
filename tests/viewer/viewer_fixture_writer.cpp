// Writes a viewer test image and its analysis JSON (IMAGE.analysis.json), for
// the frame-time benchmark (tools/viewer-benchmark.sh) and manual trials:
//   viewer_fixture_writer OUT.dcm [--width 1024] [--height 768] [--frames 120]
//                         [--follicles 12] [--jpeg] [--frame-time-ms 33.3] [--uncalibrated]
//                         [--laterality L] [--study-date 20260105] [--sop-uid UID] [--patient-id ID]

#include <cmath>
#include <iostream>

#include <CLI/CLI.hpp>

#include "viewer/analysis_worker.h"
#include "viewer/viewer_fixtures.h"

int main(int argc, char** argv) {
  CLI::App cli{"Writes a synthetic ultrasound DICOM with follicles, and its analysis JSON"};
  std::string out;
  antra::test::FixtureImage image;
  int follicles = 12;
  bool uncalibrated = false;
  double frame_time_ms = 1000.0 / 30;
  cli.add_option("out", out, "DICOM file to write")->required();
  cli.add_option("--width", image.width)->check(CLI::Range(64, 4096));
  cli.add_option("--height", image.height)->check(CLI::Range(64, 4096));
  cli.add_option("--frames", image.frames)->check(CLI::Range(1, 2000));
  cli.add_option("--follicles", follicles)->check(CLI::Range(0, 200));
  cli.add_option("--frame-time-ms", frame_time_ms)->check(CLI::PositiveNumber);
  cli.add_flag("--jpeg", image.jpeg, "JPEG Baseline (slower to decode, like scanner cines)");
  cli.add_flag("--uncalibrated", uncalibrated);
  cli.add_option("--laterality", image.laterality, "ImageLaterality: L or R");
  cli.add_option("--study-date", image.study_date, "StudyDate, YYYYMMDD");
  cli.add_option("--sop-uid", image.sop_instance_uid, "SOP Instance UID");
  cli.add_option("--patient-id", image.patient_id, "PatientID (a fake one)");
  CLI11_PARSE(cli, argc, argv);
  if (uncalibrated) image.mm_per_px.reset();
  if (image.frames > 1) image.frame_time_ms = frame_time_ms;
  // Follicles on a grid, 3 to 12 mm across at 0.2 mm per pixel, peaking on different frames.
  const int columns = std::max(1, static_cast<int>(std::ceil(std::sqrt(follicles))));
  const int rows = std::max(1, (follicles + columns - 1) / columns);
  for (int i = 0; i < follicles; ++i) {
    const double cx = image.width * (0.15 + 0.7 * (i % columns + 0.5) / columns);
    const double cy = image.height * (0.15 + 0.7 * (i / columns + 0.5) / rows);
    const double r = 8 + (i * 7) % 23;
    image.follicles.push_back({{cx, cy}, r, r * 0.8, (i * 37) % std::max(image.frames, 1)});
  }
  try {
    antra::test::WriteFixtureImage(out, image);
    antra::test::WriteAnalysisJson(antra::viewer::SavedAnalysisProvider::SidecarPath(out),
                                   antra::test::FixtureAnalysis(image));
  } catch (const std::exception& e) {
    std::cerr << "viewer_fixture_writer: error: " << out << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
