#pragma once
// Counts each follicle once across a cine sweep. A sonographer sweeps the
// probe through the ovary; every follicle appears in several consecutive
// frames. The linker follows detections from frame to frame (after removing
// the hand's in-plane drift), tolerates a follicle missed for a frame or two,
// joins fragments of one follicle, drops one-frame speckle and shapes that keep
// one size over more sweep than a follicle of that size could span (vessels,
// bowel loops), splits tracks whose size dips and grows again (two follicles
// one behind the other), and measures each follicle at its largest
// cross-section.
//
// Streaming: frames are added one at a time in increasing order; the linker
// keeps full measurements only for follicles still in view, so memory does not
// grow with the number of frames.

#include <optional>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "cine/probe_motion.h"
#include "core/analysis.h"
#include "core/calibration.h"
#include "core/result.h"

namespace antra {

struct CineLinkOptions {
  int max_gap_frames = 2;               // frames a follicle may be missed and still continue
  double gate_min_mm = 1.5;             // centre distance always allowed between frames
  double gate_radius_fraction = 0.8;    // ... or this fraction of the follicle's radius
  double gate_min_px_uncalibrated = 6;  // the same floor when there are no millimetres
  double size_weight = 0.5;             // cost of a size change relative to a full gate
  // Size gate. Between neighbouring frames a follicle's section changes
  // smoothly; only near its poles can it change a lot, and there both
  // sections are small. Two detections whose diameters differ more than this
  // ratio (smaller / larger) are never linked: in hard sweeps such links
  // chained a large dark patch to an unrelated small one, making one long
  // false track out of pieces each too short or too faint to pass alone. A
  // section outlined in pieces is compared with its pieces together. Chosen
  // on the development sweeps (BENCHMARKS.md, "Size gate in the linker").
  double min_link_size_ratio = 0.55;    // 0 disables the gate
  int min_frames = 2;                   // shorter tracks are speckle ...
  double single_frame_min_confidence = 0.8;  // ... unless this confident
  double fragment_merge_fraction = 0.9;  // co-occurring tracks closer than this x radius are one follicle
  double min_track_confidence = 0.7;     // 1 - prod(1 - confidence) over the track's sections
  // Flat-profile rule. A follicle is an ellipsoid: as the plane sweeps through
  // it, its cross-section area falls off as 1 - (z / h)^2 away from the
  // largest section, h being its half-extent along the sweep. A dark shape
  // that keeps the same size over more sweep than a follicle of that size
  // could span is a tube (a vessel or bowel loop crossing the plane) or a
  // fixed artefact. On phantom development sweeps (seeds 4242, 5353, 6464,
  // 7575) such tracks were 24-frame look-alikes with noisy-OR confidence 1.0,
  // which the confidence rule above cannot reject. Calibrated sweeps only.
  // Real loops can step far less than min_sweep_step_mm per frame; a track
  // that follows a follicle down to its small end sections still passes
  // (the 600-frame bench-cine sweep at 0.07 mm a frame scores the same with
  // the rule on and off), but a fragment cut out of a follicle's middle by a
  // long run of missed frames could be dropped.
  double min_sweep_step_mm = 0.5;       // slowest plausible sweep (mm of elevation per frame); 0 disables the rule
  double max_elongation = 1.5;          // a follicle's half-extent along the sweep <= this x its largest in-plane radius
  int flat_min_frames = 6;              // shorter tracks: one noisy outline sways the smoothed profile too much
  double flat_min_diameter_mm = 4.0;    // smaller sections: outline errors of a few tenths of a mm dominate the area
  double flat_min_expected_drop = 0.15; // judge only when geometry demands at least this fractional area drop
  double flat_drop_tolerance = 0.5;     // reject when the track shows less than this share of the demanded drop
  // Dip split. An ellipsoid's cross-section grows to one maximum and shrinks
  // again; it never shrinks and then grows back. A track whose section falls
  // to at most dip_split_ratio of the peaks on both sides (diameters, the
  // peaks median-smoothed within each side) follows two follicles lying one
  // behind the other along the sweep, chained because the second appeared
  // where the first was vanishing: it is split at the dip. Each side must keep
  // dip_min_side_frames sections, so one noisy frame at a track's end does not
  // split it off.
  double dip_split_ratio = 0.7;          // 0 disables the split
  int dip_min_side_frames = 2;
  double max_drift_mm_per_frame = 2.0;   // larger image shifts are not hand drift
  double max_drift_px_per_frame = 10;    // the same when uncalibrated
  bool estimate_motion = true;
  ProbeMotionOptions motion;
  Status Check() const;
};

class CineLinker {
 public:
  // Throws std::invalid_argument when options.Check() fails (a programming error:
  // callers check options first).
  CineLinker(CineLinkOptions options, const Calibration& calibration);

  // `frame.index` must increase from call to call. `luma` (optional) is the
  // frame's image, used to estimate probe drift.
  Status AddFrame(const FrameAnalysis& frame, const cv::Mat& luma = {});

  // Unique follicles, ids from 1 in order of first appearance (then x).
  std::vector<CineFollicle> Finish();

  // Estimated drift of each added frame relative to the first (pixels).
  const std::vector<std::pair<int, cv::Point2d>>& drift() const { return drift_; }

 public:
  struct Observation {
    int frame = 0;
    cv::Point2d center_px;  // as detected
    cv::Point2d world;      // drift removed
    double radius_px = 0;
    double area_px = 0;
    double confidence = 0;
    int follicle_id = 0;
  };
 private:
  struct Track {
    std::vector<Observation> observations;
    std::vector<FollicleMeasurement> measurements;  // parallel to observations while open
    FollicleMeasurement best;                       // set when closed
    int best_frame = 0;
    double best_score = 0;
    bool closed = false;
    int last_frame() const { return observations.back().frame; }
  };

  double GatePx(double radius_px, int gap) const;
  // Links detections (world positions set from `drift`) to open tracks.
  std::vector<std::pair<int, int>> Match(std::vector<Observation>& detections, const std::vector<size_t>& open,
                                         int frame_index, cv::Point2d drift, double* total_cost) const;
  cv::Point2d ChooseDrift(std::vector<Observation>& detections, const std::vector<size_t>& open, int frame_index,
                          const std::optional<cv::Point2d>& image_shift) const;
  void CloseTrack(Track& track);
  // Closes the open tracks that `should_close` picks, split at dips first;
  // the extra pieces are appended to tracks_.
  template <typename Pred>
  void CloseTracks(Pred should_close);
  // Index (into observations) of the deepest dip that splits the track, if any.
  std::optional<size_t> DipSplitPoint(const Track& track) const;
  // Total area of other tracks' detections in `at`'s frame within near_px of it.
  double FragmentAreaNear(const Track& track, const Observation& at, double near_px) const;
  void MergeFragments();
  bool OverlapsLongerTrack(const Track& short_track) const;
  bool HasFlatProfile(const Track& track) const;

  CineLinkOptions options_;
  Calibration calibration_;
  double px_per_mm_ = 0;  // 0 when uncalibrated
  std::optional<ProbeMotionEstimator> motion_;
  cv::Point2d cumulative_drift_{0, 0};
  int last_index_ = -1;
  std::vector<Track> tracks_;
  std::vector<std::pair<int, cv::Point2d>> drift_;
};

// Image-level counts from unique follicles (empty when uncalibrated).
std::optional<SizeCounts> CountUniqueFollicles(const std::vector<CineFollicle>& follicles, bool calibrated);

}  // namespace antra
