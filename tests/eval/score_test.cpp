// The scorer on hand-made cases whose answers are known: perfect, one miss,
// one false positive, a 1 mm size error, tolerances, optional truth,
// uncalibrated results, missing results, and cine unique follicles.

#include "eval/score.h"

#include <gtest/gtest.h>

namespace antra::eval {
namespace {

constexpr double kMmPerPx = 0.2;

TruthCrossSection Section(int id, cv::Point2d center, double mean_mm, double visible = 1.0) {
  TruthCrossSection c;
  c.follicle_id = id;
  c.center_px = center;
  c.long_mm = mean_mm * 1.1;
  c.short_mm = mean_mm * 0.9;
  c.mean_mm = mean_mm;
  c.visible_fraction = visible;
  return c;
}

TruthCase StillTruth(std::vector<TruthCrossSection> follicles) {
  TruthCase t;
  t.stem = "case";
  t.kind = "still";
  t.difficulty = "easy";
  t.width = 800;
  t.height = 600;
  t.mm_per_px_x = t.mm_per_px_y = kMmPerPx;
  TruthFrame f;
  f.index = 0;
  f.follicles = std::move(follicles);
  for (const auto& c : f.follicles) {
    if (c.visible_fraction >= kDefaultMinVisibleFraction) f.counts.Add(c.mean_mm);
  }
  t.counts = f.counts;
  t.frames.push_back(f);
  return t;
}

Follicle Detection(cv::Point2d center, std::optional<double> mean_mm) {
  Follicle f;
  f.center_px = center;
  if (mean_mm) {
    f.long_mm = *mean_mm;
    f.short_mm = *mean_mm;
    f.mean_mm = *mean_mm;
  }
  return f;
}

ImageAnalysis Results(std::vector<Follicle> detections, int frame = 0) {
  ImageAnalysis a;
  a.width = 800;
  a.height = 600;
  a.frame_count = 1;
  FrameAnalysis f;
  f.index = frame;
  f.follicles = std::move(detections);
  a.frames.push_back(f);
  return a;
}

// Three follicles, all in the AFC range, 30 px (6 mm) apart.
TruthCase ThreeFollicles() {
  return StillTruth({Section(1, {100, 100}, 4.0), Section(2, {130, 100}, 6.0), Section(3, {160, 100}, 8.0)});
}

const ScoreOptions kOptions;

TEST(Score, PerfectResultsScorePerfectly) {
  const auto truth = ThreeFollicles();
  const auto results = Results({Detection({100, 100}, 4.0), Detection({130, 100}, 6.0), Detection({160, 100}, 8.0)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_EQ(s.tally.true_2plus, 3);
  EXPECT_EQ(*s.tally.RecallAtLeast2(), 1.0);
  EXPECT_EQ(*s.tally.Recall2To10(), 1.0);
  EXPECT_EQ(*s.tally.Precision(), 1.0);
  EXPECT_EQ(*s.tally.FalsePositivesPerFrame(), 0.0);
  EXPECT_EQ(*s.tally.MeanAbsoluteError(), 0.0);
  EXPECT_EQ(*s.tally.Bias(), 0.0);
  EXPECT_EQ(s.true_afc, 3);
  EXPECT_EQ(s.detected_afc, 3);
  EXPECT_EQ(*s.tally.MeanAbsoluteAfcError(), 0.0);
  EXPECT_TRUE(s.misses.empty());
  EXPECT_TRUE(s.false_positives.empty());
}

TEST(Score, OneMissLowersRecallAndAfc) {
  const auto truth = ThreeFollicles();
  const auto results = Results({Detection({100, 100}, 4.0), Detection({160, 100}, 8.0)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*s.tally.Precision(), 1.0);
  ASSERT_EQ(s.misses.size(), 1u);
  EXPECT_EQ(s.misses[0].follicle_id, 2);
  EXPECT_EQ(s.detected_afc, 2);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAbsoluteAfcError(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAfcError(), -1.0);
}

TEST(Score, OneFalsePositiveLowersPrecision) {
  const auto truth = ThreeFollicles();
  const auto results = Results({Detection({100, 100}, 4.0), Detection({130, 100}, 6.0), Detection({160, 100}, 8.0),
                                Detection({400, 300}, 5.0)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.Precision(), 0.75);
  EXPECT_DOUBLE_EQ(*s.tally.FalsePositivesPerFrame(), 1.0);
  ASSERT_EQ(s.false_positives.size(), 1u);
  EXPECT_EQ(s.false_positives[0].center_px, cv::Point2d(400, 300));
  EXPECT_EQ(s.detected_afc, 4);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAfcError(), 1.0);
}

TEST(Score, OneMillimetreSizeErrorGivesMaeAndBias) {
  const auto truth = ThreeFollicles();
  // All found; the 6 mm one measured 7 mm.
  const auto over = Results({Detection({100, 100}, 4.0), Detection({130, 100}, 7.0), Detection({160, 100}, 8.0)});
  const CaseScore s = ScoreCase(truth, &over, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAbsoluteError(), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*s.tally.Bias(), 1.0 / 3.0);
  // Every follicle 1 mm too small: MAE 1, bias -1.
  const auto under = Results({Detection({100, 100}, 3.0), Detection({130, 100}, 5.0), Detection({160, 100}, 7.0)});
  const CaseScore u = ScoreCase(truth, &under, kOptions);
  EXPECT_DOUBLE_EQ(*u.tally.MeanAbsoluteError(), 1.0);
  EXPECT_DOUBLE_EQ(*u.tally.Bias(), -1.0);
}

TEST(Score, MatchToleranceIsTheLargerOfOnePointFiveMillimetresAndHalfTheDiameter) {
  // A 2.4 mm follicle: tolerance 1.5 mm = 7.5 px.
  const auto small = StillTruth({Section(1, {100, 100}, 2.4)});
  const auto inside = Results({Detection({107.4, 100}, 2.4)});
  const auto outside = Results({Detection({107.6, 100}, 2.4)});
  EXPECT_EQ(ScoreCase(small, &inside, kOptions).tally.found_2plus, 1);
  EXPECT_EQ(ScoreCase(small, &outside, kOptions).tally.found_2plus, 0);
  // A 10 mm follicle: tolerance 5 mm = 25 px.
  const auto large = StillTruth({Section(1, {100, 100}, 10.0)});
  const auto near = Results({Detection({100, 124.9}, 10.0)});
  const auto far = Results({Detection({100, 125.1}, 10.0)});
  EXPECT_EQ(ScoreCase(large, &near, kOptions).tally.found_2plus, 1);
  EXPECT_EQ(ScoreCase(large, &far, kOptions).tally.found_2plus, 0);
  EXPECT_EQ(ScoreCase(large, &far, kOptions).tally.FalsePositivesPerFrame(), 1.0);
}

TEST(Score, HungarianAssignsCloseNeighboursOneToOne) {
  // Two pressed follicles; detections slightly shifted towards each other.
  // A greedy nearest match would give both detections to follicle 1.
  const auto truth = StillTruth({Section(1, {100, 100}, 6.0), Section(2, {120, 100}, 6.0)});
  const auto results = Results({Detection({108, 100}, 6.0), Detection({111, 100}, 6.0)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_EQ(s.tally.found_2plus, 2);
  EXPECT_EQ(s.tally.matched_detections, 2);
}

TEST(Score, SmallOrHiddenCrossSectionsAreOptional) {
  // A 1.7 mm cross-section and a 6 mm one mostly outside the fan.
  const auto truth = StillTruth({Section(1, {100, 100}, 1.7), Section(2, {300, 100}, 6.0, 0.3), Section(3, {500, 100}, 5.0)});
  const auto none = Results({Detection({500, 100}, 5.0)});
  const CaseScore a = ScoreCase(truth, &none, kOptions);
  EXPECT_EQ(a.tally.true_2plus, 1);  // only follicle 3 is required
  EXPECT_DOUBLE_EQ(*a.tally.RecallAtLeast2(), 1.0);
  // Finding the optional ones is not a false positive either.
  const auto all = Results({Detection({100, 100}, 1.7), Detection({300, 100}, 6.0), Detection({500, 100}, 5.0)});
  const CaseScore b = ScoreCase(truth, &all, kOptions);
  EXPECT_DOUBLE_EQ(*b.tally.Precision(), 1.0);
  EXPECT_EQ(b.tally.size_pairs, 1);  // sizes are compared on required follicles only
}

TEST(Score, FalsePositivesAreAttributedToWhatTheyFellOn) {
  auto truth = StillTruth({Section(1, {100, 100}, 5.0)});
  truth.frames[0].ovary = TruthOvarySection{{110, 100}, 30, 20, {{50, 60}, {170, 60}, {170, 140}, {50, 140}}};
  truth.scene["lookalikes"] = {{{"kind", "vessel"}, {"frame", 0}, {"box_px", {300, 300, 50, 20}}}};
  truth.scene["overlays"] = {{{"kind", "text"}, {"text", "PHANTOM, P001"}, {"box_px", {10, 10, 100, 12}}},
                             {{"kind", "calipers"}, {"pairs", {{{"a_px", {500, 400}}, {"b_px", {540, 400}}}}}}};
  const auto results = Results({Detection({100, 100}, 5.0),     // the follicle
                                Detection({140, 120}, 3.0),     // stroma, inside the ovary
                                Detection({320, 310}, 4.0),     // the vessel
                                Detection({50, 15}, 4.0),       // the patient's name
                                Detection({520, 401}, 4.0),     // a dotted caliper line
                                Detection({700, 500}, 4.0)});   // pelvic background
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  ASSERT_EQ(s.false_positives.size(), 5u);
  EXPECT_EQ(s.false_positives[0].where, "ovary");
  EXPECT_EQ(s.false_positives[1].where, "lookalike:vessel");
  EXPECT_EQ(s.false_positives[2].where, "overlay:text");
  EXPECT_EQ(s.false_positives[3].where, "overlay:calipers");
  EXPECT_EQ(s.false_positives[4].where, "background");
  EXPECT_EQ(s.tally.fp_in_ovary, 1);
  EXPECT_EQ(s.tally.fp_on_lookalike, 1);
  EXPECT_EQ(s.tally.fp_on_overlay, 2);
  EXPECT_EQ(s.tally.fp_elsewhere, 1);
  EXPECT_DOUBLE_EQ(*s.tally.OutsideOvaryShare(), 4.0 / 6.0);
}

TEST(Score, Recall2To10ExcludesLargeFollicles) {
  const auto truth = StillTruth({Section(1, {100, 100}, 4.0), Section(2, {300, 100}, 15.0)});
  const auto results = Results({Detection({100, 100}, 4.0)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 0.5);
  EXPECT_DOUBLE_EQ(*s.tally.Recall2To10(), 1.0);
}

TEST(Score, UncalibratedResultsMatchByCentreButHaveNoSizesOrAfc) {
  const auto truth = ThreeFollicles();
  const auto results = Results({Detection({100, 100}, std::nullopt), Detection({130, 100}, std::nullopt)});
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 2.0 / 3.0);
  EXPECT_EQ(s.tally.size_pairs, 0);
  EXPECT_EQ(s.tally.unsized_matches, 2);
  EXPECT_FALSE(s.tally.MeanAbsoluteError().has_value());
  EXPECT_FALSE(s.detected_afc.has_value());
  EXPECT_EQ(s.tally.afc_unknown, 1);
}

TEST(Score, MissingResultsCountAsAllMisses) {
  const auto truth = ThreeFollicles();
  const CaseScore s = ScoreCase(truth, nullptr, kOptions);
  EXPECT_FALSE(s.results_found);
  EXPECT_EQ(s.tally.missing_results, 1);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 0.0);
  EXPECT_FALSE(s.tally.Precision().has_value());  // no detections at all
  EXPECT_EQ(s.misses.size(), 3u);
  EXPECT_EQ(s.detected_afc, 0);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAbsoluteAfcError(), 3.0);
}

TEST(Score, DetectionsInFramesTheTruthLacksAreFalsePositivesOnlyWhereFramesExist) {
  // The results list frame 0 only; truth frame 0 has one follicle.
  const auto truth = StillTruth({Section(1, {100, 100}, 5.0)});
  auto results = Results({Detection({100, 100}, 5.0)});
  results.frames.push_back(FrameAnalysis{});  // an extra frame the truth does not have
  results.frames.back().index = 7;
  results.frames.back().follicles.push_back(Detection({1, 1}, 3.0));
  const CaseScore s = ScoreCase(truth, &results, kOptions);
  EXPECT_EQ(s.tally.frames, 1);
  EXPECT_EQ(s.tally.detections, 1);  // frames are scored where the truth has them
}

// ---- Cine -------------------------------------------------------------------

// Two follicles seen over frames 0..4; follicle 1 largest in frame 2, follicle 2 in frame 3.
TruthCase Sweep() {
  TruthCase t;
  t.stem = "sweep";
  t.kind = "cine";
  t.difficulty = "medium";
  t.width = 640;
  t.height = 480;
  t.frame_count = 5;
  t.mm_per_px_x = t.mm_per_px_y = kMmPerPx;
  const double sizes1[] = {3, 5, 7, 5, 3};
  const double sizes2[] = {0, 2.5, 4, 6, 4};
  for (int k = 0; k < 5; ++k) {
    TruthFrame f;
    f.index = k;
    f.follicles.push_back(Section(1, {200.0 + k, 200}, sizes1[k]));
    if (sizes2[k] > 0) f.follicles.push_back(Section(2, {300, 250.0 + k}, sizes2[k]));
    t.frames.push_back(f);
  }
  TruthUniqueFollicle u1;
  u1.id = 1;
  u1.visible = true;
  u1.best_frame = 2;
  u1.mean_mm = 7;
  TruthUniqueFollicle u2;
  u2.id = 2;
  u2.visible = true;
  u2.best_frame = 3;
  u2.mean_mm = 6;
  for (int k = 0; k < 5; ++k) {
    u1.frames.push_back({k, {200.0 + k, 200}});
    if (sizes2[k] > 0) u2.frames.push_back({k, {300, 250.0 + k}});
  }
  t.unique_follicles = {u1, u2};
  t.counts.Add(7);
  t.counts.Add(6);
  return t;
}

CineFollicle Unique(int id, std::vector<std::pair<int, cv::Point2d>> seen, double mean_mm) {
  CineFollicle c;
  c.id = id;
  for (const auto& [frame, p] : seen) c.appearances.push_back({frame, p});
  c.best_frame = seen.front().first;
  c.at_best_frame.mean_mm = mean_mm;
  return c;
}

TEST(ScoreCine, PerfectUniqueFollicles) {
  const auto truth = Sweep();
  ImageAnalysis r;
  r.width = 640;
  r.height = 480;
  for (const auto& tf : truth.frames) {
    FrameAnalysis f;
    f.index = tf.index;
    for (const auto& c : tf.follicles) f.follicles.push_back(Detection(c.center_px, c.mean_mm));
    r.frames.push_back(f);
  }
  r.cine_follicles = {Unique(1, {{2, {202, 200}}, {1, {201, 200}}}, 7.0), Unique(2, {{3, {300, 253}}}, 6.0)};
  const CaseScore s = ScoreCase(truth, &r, kOptions);
  EXPECT_EQ(s.tally.sweeps, 1);
  EXPECT_DOUBLE_EQ(*s.tally.UniqueRecall(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.UniquePrecision(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.UniqueCountError(), 0.0);
  EXPECT_DOUBLE_EQ(*s.tally.UniqueMeanAbsoluteError(), 0.0);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 1.0);
  EXPECT_EQ(s.true_afc, 2);
  EXPECT_EQ(s.detected_afc, 2);
}

TEST(ScoreCine, AFollicleCountedTwiceIsOneFalseUnique) {
  const auto truth = Sweep();
  ImageAnalysis r;
  // The linker split follicle 1 into two tracks, and missed follicle 2.
  r.cine_follicles = {Unique(1, {{0, {200, 200}}, {1, {201, 200}}}, 5.0), Unique(2, {{3, {203, 200}}, {4, {204, 200}}}, 5.0)};
  const CaseScore s = ScoreCase(truth, &r, kOptions);
  EXPECT_DOUBLE_EQ(*s.tally.UniqueRecall(), 0.5);
  EXPECT_DOUBLE_EQ(*s.tally.UniquePrecision(), 0.5);
  EXPECT_DOUBLE_EQ(*s.tally.UniqueCountError(), 0.0);  // two found, two true: the count hides the errors
  ASSERT_EQ(s.unique_missed.size(), 1u);
  EXPECT_EQ(s.unique_missed[0], 2);
  // Size at the best frame: 5 mm against the true 7 mm.
  EXPECT_DOUBLE_EQ(*s.tally.UniqueMeanAbsoluteError(), 2.0);
}

TEST(ScoreCine, UniqueMatchNeedsAFrameWhereTheFollicleIsSeen) {
  const auto truth = Sweep();
  ImageAnalysis r;
  // Right place, but only in frame 0, where follicle 2 is not in the plane.
  r.cine_follicles = {Unique(1, {{0, {300, 252}}}, 6.0)};
  const CaseScore s = ScoreCase(truth, &r, kOptions);
  EXPECT_EQ(s.tally.unique_found, 0);
  EXPECT_DOUBLE_EQ(*s.tally.UniquePrecision(), 0.0);
}

TEST(Score, AFloodOfDetectionsIsCappedWithAWarning) {
  const auto truth = ThreeFollicles();
  std::vector<Follicle> flood;
  for (int k = 0; k < 50; ++k) flood.push_back(Detection({400.0 + k, 400}, 3.0));
  flood.push_back(Detection({100, 100}, 4.0));  // past the cap: not scored
  const auto results = Results(flood);
  ScoreOptions o;
  o.max_detections_per_frame = 50;
  const CaseScore s = ScoreCase(truth, &results, o);
  EXPECT_EQ(s.tally.detections, 50);
  EXPECT_EQ(s.tally.found_2plus, 0);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("only the first 50"), std::string::npos);
}

TEST(ScoreOptions, RejectsBadSettings) {
  ScoreOptions o;
  o.min_visible_fraction = 1.5;
  EXPECT_FALSE(o.Check().ok());
  o = ScoreOptions{};
  o.min_tolerance_mm = 0;
  EXPECT_FALSE(o.Check().ok());
  EXPECT_TRUE(ScoreOptions{}.Check().ok());
}

}  // namespace
}  // namespace antra::eval
