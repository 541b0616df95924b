#pragma once
// Small DICOM files written with DCMTK inside the tests, so that decoding,
// calibration and bad-input handling are tested without ../shared.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace antra::test {

struct SyntheticRegion {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double delta_x_cm = 0.02, delta_y_cm = 0.02;
  int spatial_format = 1;
  int units = 3;
};

struct SyntheticDicom {
  int rows = 64;
  int columns = 80;
  int frames = 1;
  int samples_per_pixel = 1;
  int bits_allocated = 8;
  int bits_stored = 8;
  int planar_configuration = 0;
  bool is_signed = false;
  std::string photometric = "MONOCHROME2";
  std::vector<std::uint8_t> pixels;  // exactly as stored (little endian)
  std::vector<SyntheticRegion> regions;
  std::optional<std::pair<double, double>> pixel_spacing_mm;  // row, column
  std::optional<std::pair<double, double>> window;            // centre, width
  std::string sop_instance_uid = "1.2.826.0.1.3680043.9.7433.1.1";
  std::string patient_id = "PH-TEST";
  std::string patient_name = "PHANTOM^TEST";
  std::string image_laterality;
  std::string study_date = "20260105";  // YYYYMMDD
  // Palette (PALETTE COLOR): descriptor and data per channel.
  std::vector<std::uint16_t> palette_descriptor;  // entries, first mapped, bits
  std::vector<std::uint16_t> red, green, blue;
  bool segmented_palette = false;
  // Overrides for hostile headers (written as-is, pixel data unchanged).
  std::optional<int> declared_rows, declared_columns, declared_frames;
  bool implicit_vr = false;
  std::optional<double> frame_time_ms;  // (0018,1063) for cines
  bool jpeg_baseline = false;           // compress 8-bit frames with DCMTK's JPEG Baseline encoder
  bool rle_lossless = false;            // compress with DCMTK's RLE encoder
  // RLE Lossless fragments written as-is, one per frame (hostile RLE data);
  // when set, `pixels` is ignored.
  std::optional<std::vector<std::vector<std::uint8_t>>> rle_fragments;

  // Fills `pixels` with a deterministic pattern for the layout above.
  void FillPattern();
  void Write(const std::filesystem::path& path) const;
};

}  // namespace antra::test
