// Cine linking on simulated sweeps: ellipsoid follicles sliced by parallel
// planes, with hand drift, missed detections, speckle false positives,
// over-segmented and merged detections.

#include "cine/cine_linker.h"

#include <cmath>
#include <iostream>
#include <map>
#include <numbers>
#include <random>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace antra {
namespace {

constexpr double kMmPerPx = 0.2;

struct TrueFollicle {
  cv::Point2d center_mm;  // in-plane position (before drift)
  double z_mm;            // along the sweep
  double radius_mm;       // sphere radius
};

struct SweepOptions {
  int frames = 60;
  double spacing_mm = 0.7;
  double drift_px_per_frame = 0;  // random walk step
  double miss_probability = 0;
  int false_positives = 0;
  bool over_segment = false;      // split one cross-section into two pieces now and then
  unsigned seed = 1;
};

struct Sweep {
  std::vector<FrameAnalysis> frames;
  std::vector<cv::Mat> luma;
  std::vector<double> true_max_mean_mm;  // per true follicle
};

Follicle Detection(cv::Point2d center_px, double radius_px, int id, double confidence = 0.9) {
  Follicle f;
  f.id = id;
  f.center_px = center_px;
  f.area_px = std::numbers::pi * radius_px * radius_px;
  f.long_axis = {center_px - cv::Point2d(radius_px, 0), center_px + cv::Point2d(radius_px, 0)};
  f.short_axis = {center_px - cv::Point2d(0, radius_px), center_px + cv::Point2d(0, radius_px)};
  f.long_mm = f.short_mm = f.mean_mm = 2 * radius_px * kMmPerPx;
  f.confidence = confidence;
  return f;
}

Sweep Simulate(const std::vector<TrueFollicle>& truth, const SweepOptions& o) {
  std::mt19937 rng(o.seed);
  cv::theRNG().state = o.seed;  // image noise independent of test order
  std::normal_distribution<double> step(0, o.drift_px_per_frame);
  std::uniform_real_distribution<double> unit(0, 1);
  Sweep sweep;
  sweep.true_max_mean_mm.assign(truth.size(), 0);
  cv::Point2d drift(0, 0);
  for (int k = 0; k < o.frames; ++k) {
    if (k > 0 && o.drift_px_per_frame > 0) drift += cv::Point2d(step(rng), step(rng));
    const double z = k * o.spacing_mm;
    FrameAnalysis frame;
    frame.index = k;
    // The frame as the probe sees it: a bright ovary with dark follicles.
    cv::Mat luma(300, 400, CV_8U, cv::Scalar(40));
    cv::ellipse(luma, cv::Point2d(200, 150) + drift, cv::Size(150, 100), 0, 0, 360, cv::Scalar(120), -1);
    for (size_t t = 0; t < truth.size(); ++t) {
      const int id = static_cast<int>(t + 1) * 100;
      const double dz = z - truth[t].z_mm;
      if (std::abs(dz) >= truth[t].radius_mm) continue;
      const double r_mm = std::sqrt(truth[t].radius_mm * truth[t].radius_mm - dz * dz);
      if (2 * r_mm < 1.5) continue;  // too small to see
      sweep.true_max_mean_mm[t] = std::max(sweep.true_max_mean_mm[t], 2 * r_mm);
      const cv::Point2d c = truth[t].center_mm / kMmPerPx + drift;
      const double r = r_mm / kMmPerPx;
      cv::circle(luma, c, static_cast<int>(r), cv::Scalar(15), -1);
      if (unit(rng) < o.miss_probability) continue;
      if (o.over_segment && k % 5 == 0 && r > 8) {
        frame.follicles.push_back(Detection(c - cv::Point2d(r / 3, 0), r * 0.6, id + 1));
        frame.follicles.push_back(Detection(c + cv::Point2d(r / 3, 0), r * 0.6, id + 2));
      } else {
        frame.follicles.push_back(Detection(c, r, id));
      }
    }
    for (int fp = 0; fp < o.false_positives; ++fp) {
      if (unit(rng) < 0.3) {
        frame.follicles.push_back(Detection({30 + 340 * unit(rng), 30 + 240 * unit(rng)}, 6, 9000 + fp, 0.4));
      }
    }
    cv::Mat noise(luma.size(), CV_8U);
    cv::randn(noise, 0, 12);
    luma += noise;
    sweep.frames.push_back(frame);
    sweep.luma.push_back(luma);
  }
  return sweep;
}

Calibration Scale() { return Calibration::Global(CalibrationSource::kUser, {kMmPerPx, kMmPerPx}, 1, "test"); }

std::vector<CineFollicle> Link(const Sweep& sweep, CineLinkOptions options = {}, const Calibration& c = Scale()) {
  CineLinker linker(options, c);
  for (size_t k = 0; k < sweep.frames.size(); ++k) {
    EXPECT_TRUE(linker.AddFrame(sweep.frames[k], sweep.luma[k]));
  }
  if (std::getenv("CINE_DEBUG")) {
    for (const auto& [frame, d] : linker.drift()) std::cerr << frame << ":" << d << " ";
    std::cerr << "\n";
  }
  return linker.Finish();
}

const std::vector<TrueFollicle> kOvary = {
    {{25, 25}, 12, 4.0},  {{36, 24}, 14, 3.0},   // touching neighbours
    {{30, 38}, 20, 5.0},  {{45, 32}, 25, 2.5},
    {{20, 35}, 30, 1.4},  {{40, 20}, 33, 6.0},   // a 2.8 mm follicle, a large one
    {{28, 28}, 36, 3.5},                          // same place as the first, later in the sweep
};

int TrueIndex(int follicle_id) { return follicle_id >= 9000 ? -1 : follicle_id / 100 - 1; }

// Every visible true follicle is exactly one unique follicle, every unique
// follicle is made of one true follicle's sections, sized at its largest.
void ExpectOneToOne(const std::vector<CineFollicle>& found, const Sweep& sweep, double size_tolerance_mm) {
  std::vector<int> seen(kOvary.size(), 0);
  for (const auto& f : found) {
    // The true follicle most of its sections belong to; one speckle detection
    // next to where a follicle starts may join its track (harmless for the
    // count and the size), anything more is a linking error.
    std::map<int, int> votes;
    for (const auto& a : f.appearances) ++votes[TrueIndex(a.follicle_id)];
    const auto majority = std::max_element(votes.begin(), votes.end(),
                                           [](const auto& x, const auto& y) { return x.second < y.second; });
    const int t = majority->first;
    ASSERT_GE(t, 0) << "unique follicle " << f.id << " is a false positive";
    EXPECT_GE(majority->second, static_cast<int>(f.appearances.size()) - 1) << "unique follicle " << f.id << " mixes follicles";
    for (const auto& [other, n] : votes) {
      if (other != t) {
        EXPECT_EQ(other, -1) << "unique follicle " << f.id << " mixes true follicles " << t << " and " << other;
      }
    }
    ++seen[t];
    if (std::getenv("CINE_DEBUG")) {
      std::cerr << "unique " << f.id << " best " << f.best_frame << ":";
      for (const auto& a : f.appearances) std::cerr << " " << a.frame << "/" << a.follicle_id << "@" << a.center_px;
      std::cerr << "\n";
    }
    EXPECT_NEAR(*f.at_best_frame.mean_mm, sweep.true_max_mean_mm[t], size_tolerance_mm) << "follicle " << t;
  }
  for (size_t t = 0; t < kOvary.size(); ++t) {
    EXPECT_EQ(seen[t], sweep.true_max_mean_mm[t] > 0 ? 1 : 0) << "true follicle " << t;
  }
}

TEST(CineLinkerTest, CleanSweepCountsEachFollicleOnceAtItsLargestSection) {
  const Sweep sweep = Simulate(kOvary, {});
  const auto found = Link(sweep);
  ExpectOneToOne(found, sweep, 0.05);
  for (const auto& f : found) {
    EXPECT_GE(f.appearances.size(), 2u);
    EXPECT_TRUE(std::is_sorted(f.appearances.begin(), f.appearances.end(),
                               [](const auto& a, const auto& b) { return a.frame < b.frame; }));
  }
  const auto counts = CountUniqueFollicles(found, true);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->afc() + counts->over_10, static_cast<int>(found.size()) - counts->under_2);
}

TEST(CineLinkerTest, HandDriftIsRemovedBeforeLinking) {
  SweepOptions o;
  o.drift_px_per_frame = 2.5;  // about 0.5 mm per frame, several mm over the sweep
  o.seed = 3;
  const Sweep sweep = Simulate(kOvary, o);
  ExpectOneToOne(Link(sweep), sweep, 0.05);
}

TEST(CineLinkerTest, MissedFramesDoNotSplitAFollicleInTwo) {
  SweepOptions o;
  o.miss_probability = 0.15;
  o.seed = 5;
  const Sweep sweep = Simulate(kOvary, o);
  ExpectOneToOne(Link(sweep), sweep, 0.8);  // the largest section may be the missed one
}

TEST(CineLinkerTest, DroppedFrameIndicesAreBridged) {
  Sweep sweep = Simulate(kOvary, {});
  Sweep dropped;
  dropped.true_max_mean_mm = sweep.true_max_mean_mm;
  for (size_t k = 0; k < sweep.frames.size(); ++k) {
    if (k % 7 == 3) continue;  // the archive lost every 7th frame
    dropped.frames.push_back(sweep.frames[k]);
    dropped.luma.push_back(sweep.luma[k]);
  }
  const auto found = Link(dropped);
  ExpectOneToOne(found, sweep, 0.8);
}

TEST(CineLinkerTest, SingleFrameSpeckleIsNotCounted) {
  SweepOptions o;
  o.false_positives = 3;
  o.seed = 9;
  const Sweep sweep = Simulate(kOvary, o);
  ExpectOneToOne(Link(sweep), sweep, 0.05);
}

TEST(CineLinkerTest, OverSegmentedFramesAreJoinedIntoTheirFollicle) {
  SweepOptions o;
  o.over_segment = true;
  const Sweep sweep = Simulate(kOvary, o);
  // Where the largest section itself was split, the next frame's size is reported.
  ExpectOneToOne(Link(sweep), sweep, 0.2);
}

TEST(CineLinkerTest, TwoTouchingFolliclesSeenAsOneBlobInAFrameStayTwo) {
  Sweep sweep = Simulate(kOvary, {});
  // In frame 18 the two touching neighbours (true 0 and 1) merge into one detection.
  auto& f = sweep.frames[18].follicles;
  ASSERT_GE(f.size(), 2u);
  const cv::Point2d mid = (f[0].center_px + f[1].center_px) * 0.5;
  const double r = std::sqrt((f[0].area_px + f[1].area_px) / std::numbers::pi);
  f.erase(f.begin(), f.begin() + 2);
  f.push_back(Detection(mid, r, 100));  // reported as the first of the two
  ExpectOneToOne(Link(sweep), sweep, 0.05);
}

// A vessel crossing the plane: an 8 mm dark disc that keeps its size for 24
// frames (over 16 mm of sweep at 0.7 mm a frame), confidently detected in
// every frame. No 8 mm follicle spans that much sweep at a constant size.
void AddTube(Sweep& sweep, int first, int frames, double radius_px, double confidence) {
  for (int k = first; k < first + frames; ++k) {
    const double wobble = 1.0 + 0.03 * std::sin(1.7 * k);  // outline noise, a few percent
    sweep.frames[static_cast<size_t>(k)].follicles.push_back(
        Detection(cv::Point2d(325, 250), radius_px * wobble, 9500, confidence));
  }
}

TEST(CineLinkerTest, AShapeOfConstantSizeOverMoreSweepThanAFollicleSpansIsNotCounted) {
  Sweep sweep = Simulate(kOvary, {});
  AddTube(sweep, 10, 24, 20, 0.8);  // 20 px = 4 mm radius
  ExpectOneToOne(Link(sweep), sweep, 0.05);
  // The same track is counted when the rule is off: the confidence rule alone
  // keeps it (1 - 0.2^24), so the test above exercises the flat-profile rule.
  CineLinkOptions off;
  off.min_sweep_step_mm = 0;
  EXPECT_EQ(Link(sweep, off).size(), 8u);
  // Uncalibrated sweeps have no millimetres to judge extents with: kept.
  EXPECT_EQ(Link(sweep, {}, Calibration::Uncalibrated("none")).size(), 8u);
}

TEST(CineLinkerTest, AFollicleSweptAtTheSlowestPlausibleStepIsKept) {
  // The same 8 mm size, but a sphere passing through the plane at 0.5 mm a
  // frame (the slowest sweep the rule allows for): many frames, yet its
  // section grows and shrinks as an ellipsoid's must.
  SweepOptions o;
  o.spacing_mm = 0.5;
  o.frames = 40;
  const Sweep sweep = Simulate({{{40, 30}, 10, 4.0}}, o);
  const auto found = Link(sweep);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_GE(found[0].appearances.size(), 14u);
  EXPECT_NEAR(*found[0].at_best_frame.mean_mm, 8.0, 0.05);
  // A flat track too short (5 frames) or too small (3 mm) to judge is kept.
  Sweep short_tube = Simulate({}, {});
  AddTube(short_tube, 10, 5, 20, 0.8);
  EXPECT_EQ(Link(short_tube).size(), 1u);
  Sweep small_tube = Simulate({}, {});
  AddTube(small_tube, 10, 24, 7.5, 0.8);  // 1.5 mm radius
  EXPECT_EQ(Link(small_tube).size(), 1u);
}

// Two spheres at one in-plane position, one behind the other along the sweep.
// Where both cut the plane they show as one dark disc (the larger section), so
// the detector reports one follicle per frame throughout: its size grows,
// shrinks to about 4.7 mm where the two meet, and grows again.
Sweep OneBehindTheOther(double noise_fraction) {
  const double r_mm = 4.0, z_a = 15.0, z_b = 21.5, spacing = 0.7;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> wobble(1 - noise_fraction, 1 + noise_fraction);
  Sweep sweep;
  for (int k = 0; k < 45; ++k) {
    const double z = k * spacing;
    auto section = [&](double zc) { return std::sqrt(std::max(0.0, r_mm * r_mm - (z - zc) * (z - zc))); };
    const double radius_mm = std::max(section(z_a), section(z_b)) * wobble(rng);
    FrameAnalysis frame;
    frame.index = k;
    if (2 * radius_mm >= 1.5) frame.follicles.push_back(Detection({150, 150}, radius_mm / kMmPerPx, 100));
    sweep.frames.push_back(frame);
    sweep.luma.push_back(cv::Mat(300, 400, CV_8U, cv::Scalar(80)));
  }
  return sweep;
}

TEST(CineLinkerTest, FolliclesOneBehindTheOtherAreSplitAtTheDip) {
  const auto found = Link(OneBehindTheOther(0.0));
  ASSERT_EQ(found.size(), 2u);
  for (const auto& f : found) EXPECT_NEAR(*f.at_best_frame.mean_mm, 8.0, 0.2);
  EXPECT_NEAR(found[0].best_frame, 15.0 / 0.7, 1.0);
  EXPECT_NEAR(found[1].best_frame, 21.5 / 0.7, 1.0);
  // Every frame belongs to exactly one of the two.
  EXPECT_EQ(found[0].appearances.back().frame + 1, found[1].appearances.front().frame);
  CineLinkOptions no_split;
  no_split.dip_split_ratio = 0;
  EXPECT_EQ(Link(OneBehindTheOther(0.0), no_split).size(), 1u);
}

TEST(CineLinkerTest, OutlineNoiseDoesNotSplitOneFollicle) {
  // One 8 mm sphere whose outlines vary by up to +-15 % from frame to frame
  // (hard scenes): no dip is deep enough to split it.
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> wobble(0.85, 1.15);
  Sweep sweep;
  for (int k = 0; k < 20; ++k) {
    const double dz = k * 0.7 - 7.0;
    const double radius_mm = std::sqrt(std::max(0.0, 16 - dz * dz)) * wobble(rng);
    FrameAnalysis frame;
    frame.index = k;
    if (2 * radius_mm >= 1.5) frame.follicles.push_back(Detection({150, 150}, radius_mm / kMmPerPx, 100));
    sweep.frames.push_back(frame);
    sweep.luma.push_back(cv::Mat(300, 400, CV_8U, cv::Scalar(80)));
  }
  EXPECT_EQ(Link(sweep).size(), 1u);
}

// Detections at one place whose radius (pixels) is given per frame (0 = none).
Sweep AtOnePlace(const std::vector<double>& radii_px) {
  Sweep sweep;
  for (size_t k = 0; k < radii_px.size(); ++k) {
    FrameAnalysis frame;
    frame.index = int(k);
    if (radii_px[k] > 0) frame.follicles.push_back(Detection({150, 150}, radii_px[k], 100));
    sweep.frames.push_back(frame);
    sweep.luma.push_back(cv::Mat(300, 400, CV_8U, cv::Scalar(80)));
  }
  return sweep;
}

TEST(CineLinkerTest, SectionsOfVeryDifferentSizesAreNotChained) {
  // A 12 mm dark patch for three frames, then a 3.6 mm one at the same place:
  // no follicle's section shrinks to 0.3 of itself in one 0.7 mm step, so
  // these are two things (in hard sweeps, a patch of hypoechoic tissue and a
  // speckle gap), not one follicle.
  const Sweep sweep = AtOnePlace({30, 30, 30, 9, 9, 9});
  EXPECT_EQ(Link(sweep).size(), 2u);
  CineLinkOptions no_gate;
  no_gate.min_link_size_ratio = 0;
  EXPECT_EQ(Link(sweep, no_gate).size(), 1u);
  // Moderate changes link as before.
  EXPECT_EQ(Link(AtOnePlace({30, 30, 24, 20, 18, 15})).size(), 1u);
}

TEST(CineLinkerTest, ASectionOutlinedInPiecesStillLinksToItsFollicle) {
  // Frame 3 of a 12 mm section is reported as two halves of half its radius
  // (each alone below the size gate): together they are the follicle.
  Sweep sweep = AtOnePlace({30, 30, 30, 0, 30, 30});
  sweep.frames[3].follicles.push_back(Detection({140, 150}, 15, 200));
  sweep.frames[3].follicles.push_back(Detection({160, 150}, 15, 201));
  const auto with_gate = Link(sweep);
  ASSERT_EQ(with_gate.size(), 1u);
  CineLinkOptions no_gate;
  no_gate.min_link_size_ratio = 0;
  const auto without_gate = Link(sweep, no_gate);
  ASSERT_EQ(without_gate.size(), 1u);
  // The pieces join the follicle as they did before the gate existed.
  EXPECT_EQ(with_gate[0].appearances.size(), without_gate[0].appearances.size());
  EXPECT_GE(with_gate[0].appearances.size(), 6u);
}

TEST(CineLinkerTest, UncalibratedSweepLinksInPixelsWithoutCounts) {
  const Sweep sweep = Simulate(kOvary, {});
  const auto found = Link(sweep, {}, Calibration::Uncalibrated("none"));
  EXPECT_EQ(found.size(), 7u);
  EXPECT_FALSE(CountUniqueFollicles(found, false));
}

TEST(CineLinkerTest, FramesOutOfOrderAreRefusedAndOptionsChecked) {
  CineLinker linker({}, Scale());
  FrameAnalysis f;
  f.index = 5;
  EXPECT_TRUE(linker.AddFrame(f));
  f.index = 5;
  EXPECT_FALSE(linker.AddFrame(f));
  CineLinkOptions bad;
  bad.min_frames = 0;
  EXPECT_FALSE(bad.Check());
  EXPECT_THROW(CineLinker(bad, Scale()), std::invalid_argument);
  for (auto spoil : std::vector<void (*)(CineLinkOptions&)>{
           [](CineLinkOptions& o) { o.min_sweep_step_mm = -0.1; },
           [](CineLinkOptions& o) { o.max_elongation = 0; },
           [](CineLinkOptions& o) { o.flat_min_frames = 2; },
           [](CineLinkOptions& o) { o.flat_min_diameter_mm = -1; },
           [](CineLinkOptions& o) { o.flat_min_expected_drop = 0; },
           [](CineLinkOptions& o) { o.flat_drop_tolerance = 1.5; },
           [](CineLinkOptions& o) { o.dip_split_ratio = 1.0; },
           [](CineLinkOptions& o) { o.dip_min_side_frames = 0; }}) {
    CineLinkOptions o;
    spoil(o);
    EXPECT_FALSE(o.Check());
  }
  EXPECT_TRUE(CineLinkOptions{}.Check());
}

TEST(ProbeMotionTest, RecoversAKnownShift) {
  cv::Mat base(240, 320, CV_8U);
  cv::randu(base, 0, 255);
  cv::GaussianBlur(base, base, cv::Size(0, 0), 6);
  cv::normalize(base, base, 0, 255, cv::NORM_MINMAX);
  const cv::Mat m = (cv::Mat_<double>(2, 3) << 1, 0, 8, 0, 1, -5);
  cv::Mat moved;
  cv::warpAffine(base, moved, m, base.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  ProbeMotionEstimator estimator;
  EXPECT_FALSE(estimator.Next(base));
  const auto shift = estimator.Next(moved);
  ASSERT_TRUE(shift);
  EXPECT_NEAR(shift->x, 8, 1.0);
  EXPECT_NEAR(shift->y, -5, 1.0);
}

}  // namespace
}  // namespace antra
