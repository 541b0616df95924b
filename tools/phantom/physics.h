#pragma once
// B-mode image formation along the beams of a curved probe. Works on a polar
// grid (one column per beam, one row per depth sample, millimetre spacing):
//
//   echogenicity and attenuation from the geometry at every sample
//   -> two-way attenuation integrated down each beam (little in fluid, so the
//      tissue behind a follicle is brighter; huge in gas, so bowel shadows)
//   -> time-gain compensation for the tissue's nominal attenuation
//   -> complex Gaussian scatterers scaled by the echo amplitude, plus clutter
//   -> point-spread function: Gaussian pulse along the beam, a lateral
//      Gaussian beam that widens away from the focus
//   -> receiver noise, envelope |IQ| (complex baseband equals the Hilbert
//      envelope of the RF line), mild speckle reduction
//   -> log compression to 8 bits with the scanner's grey map
//   -> scan conversion to the Cartesian fan (cv::remap).

#include <cstdint>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "phantom/scene.h"

namespace antra::phantom {

// Tissue labels in the label map (CV_16UC1) that comes with every frame.
enum Label : std::uint16_t {
  kLabelOutside = 0,   // outside the fan or the screen
  kLabelBackground = 1,
  kLabelFascia = 2,
  kLabelStroma = 3,
  kLabelFollicleWall = 4,
  kLabelVessel = 5,
  kLabelVesselWall = 6,
  kLabelBowelWall = 7,
  kLabelBowelGas = 8,
  kLabelBowelFluid = 9,
  kLabelBladder = 10,
  kLabelFollicleBase = 100,  // lumen of follicle id N is 100 + N
};

struct RenderedFrame {
  cv::Mat gray;    // CV_8UC1 B-mode screen content before overlays
  cv::Mat labels;  // CV_16UC1 what each pixel shows (Label)
  cv::Mat fan;     // CV_8UC1 255 inside the imaged fan (and on screen)
  cv::Mat shadow;  // CV_8UC1 255 where the beam has lost > 20 dB beyond what TGC expects
};

// Renders the frames of one scene; keeps the speckle of the previous frame so
// that a cine sweep decorrelates gradually (planes closer than the elevation
// beam width share part of their speckle).
class FrameRenderer {
 public:
  FrameRenderer(const Scene& scene, std::uint64_t seed);
  RenderedFrame Render(const PlanePose& pose);

  int beams() const { return beams_; }
  int samples() const { return samples_; }
  // Excess attenuation (dB) that counts as an acoustic shadow.
  static constexpr double kShadowDb = 20.0;

 private:
  struct Tissue {
    cv::Mat echo;        // CV_32F amplitude relative to unit background
    cv::Mat attenuation; // CV_32F one-way dB/(cm MHz)
    cv::Mat labels;      // CV_16U
  };
  struct SheetFields {
    std::vector<cv::Mat> shift, presence;  // coarse, per sheet
  };
  // Stages of Render().
  Tissue SampleTissue(const PlanePose& pose) const;
  SheetFields SheetFieldsFor(const PlanePose& pose) const;
  cv::Mat GainedAmplitude(const Tissue& tissue, std::vector<double>& tgc_db, cv::Mat& shadow_polar) const;
  void AddClutter(cv::Mat& amplitude) const;
  cv::Mat Scatterers(const cv::Mat& amplitude, std::uint64_t seed);
  cv::Mat Envelope(cv::Mat& field, const std::vector<double>& tgc_db, std::uint64_t noise_seed) const;
  void ReduceSpeckle(cv::Mat& envelope) const;
  cv::Mat LogCompress(const cv::Mat& envelope) const;
  RenderedFrame ScanConvert(const cv::Mat& polar, const cv::Mat& labels, const cv::Mat& shadow_polar) const;
  // A smooth field sampled every kDecimation samples along both axes.
  template <typename F>
  cv::Mat CoarseField(const PlanePose& pose, F&& value) const;
  cv::Mat Upsample(const cv::Mat& coarse) const;
  cv::Mat TextureField(const PlanePose& pose, int which) const;

  const Scene& scene_;
  std::uint64_t seed_;
  int frame_counter_ = 0;
  int beams_ = 0, samples_ = 0;
  double r0_ = 0, dr_ = 0, theta0_ = 0, dtheta_ = 0;
  std::vector<double> sin_, cos_;
  cv::Mat map_x_, map_y_;  // scan conversion, CV_32F, screen size
  cv::Mat fan_mask_;       // CV_8U, screen size
  cv::Mat previous_noise_; // CV_32FC2 speckle of the previous frame
};

}  // namespace antra::phantom
