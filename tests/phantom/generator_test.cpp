// The generator as a whole: reproducible from seeds, difficulties that are
// really harder, screen overlays where the truth says, presets of the sizes
// promised, the multi-visit study, and oracle results the scorer accepts.

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "eval/evaluate.h"
#include "eval/score.h"
#include "eval/truth_json.h"
#include "io/analysis_json.h"
#include "io/open_image.h"
#include "phantom/generator.h"
#include "phantom/geometry.h"
#include "phantom/truth_builder.h"
#include "support/test_support.h"
#include "test_scene.h"

namespace antra::phantom {
namespace {

TEST(PhantomGenerator, SameSeedSameCaseOtherSeedOtherCase) {
  const CaseSpec spec = scenes::StillSpec("repro", 77);
  const GeneratedCase a = GenerateCase(spec);
  const GeneratedCase b = GenerateCase(spec);
  EXPECT_EQ(cv::norm(a.rgb.front(), b.rgb.front(), cv::NORM_INF), 0.0);
  EXPECT_EQ(eval::TruthToJson(a.truth), eval::TruthToJson(b.truth));
  const GeneratedCase c = GenerateCase(scenes::StillSpec("repro", 78));
  EXPECT_GT(cv::norm(a.rgb.front(), c.rgb.front(), cv::NORM_L1), 0.0);
}

TEST(PhantomGenerator, DicomFilesAreByteIdenticalForTheSameSeed) {
  antra::test::TempDir dir("phantom-bytes");
  CaseSpec spec = scenes::StillSpec("bytes", 5);
  spec.encoding = Encoding::kYbrFull422Jpeg;
  ASSERT_TRUE(WriteCase(GenerateCase(spec), spec, dir / "a").ok());
  ASSERT_TRUE(WriteCase(GenerateCase(spec), spec, dir / "b").ok());
  EXPECT_EQ(antra::test::ReadBytes(dir / "a" / "bytes.dcm"), antra::test::ReadBytes(dir / "b" / "bytes.dcm"));
  EXPECT_EQ(antra::test::ReadBytes(dir / "a" / "bytes.truth.json"), antra::test::ReadBytes(dir / "b" / "bytes.truth.json"));
}

// Mean contrast of visible follicles >= 3 mm against the tissue 1.5-3 mm
// around them, in units of the surrounding grey level's spread.
double MeanContrast(Difficulty d, int cases) {
  double sum = 0;
  int n = 0;
  for (int k = 0; k < cases; ++k) {
    CaseSpec spec = scenes::StillSpec("contrast", 1000 + static_cast<std::uint64_t>(k));
    spec.scene.difficulty = d;
    const GeneratedCase g = GenerateCase(spec);
    const RenderedFrame& r = g.rendered.front();
    for (const auto& c : g.truth.frames.front().follicles) {
      if (c.mean_mm < 3 || c.visible_fraction < 1) continue;
      const cv::Mat lumen = scenes::LumenMask(r, c.follicle_id);
      const int far = static_cast<int>(std::ceil(3.0 / g.truth.mm_per_px_x));
      const int near = static_cast<int>(std::ceil(1.5 / g.truth.mm_per_px_x));
      cv::Mat outer, inner;
      cv::dilate(lumen, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * far + 1, 2 * far + 1}));
      cv::dilate(lumen, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * near + 1, 2 * near + 1}));
      const cv::Mat ring = outer & ~inner & (r.labels < kLabelFollicleBase) & r.fan;
      if (cv::countNonZero(ring) < 20 || cv::countNonZero(lumen) < 10) continue;
      cv::Scalar ring_mean, ring_sd;
      cv::meanStdDev(r.gray, ring_mean, ring_sd, ring);
      sum += (ring_mean[0] - cv::mean(r.gray, lumen)[0]) / std::max(1.0, ring_sd[0]);
      ++n;
    }
  }
  return n ? sum / n : 0.0;
}

TEST(PhantomGenerator, HarderLevelsHaveLessFollicleContrast) {
  const double easy = MeanContrast(Difficulty::kEasy, 4);
  const double medium = MeanContrast(Difficulty::kMedium, 4);
  const double hard = MeanContrast(Difficulty::kHard, 4);
  EXPECT_GT(easy, medium) << easy << " " << medium << " " << hard;
  EXPECT_GT(medium, hard) << easy << " " << medium << " " << hard;
}

TEST(PhantomGenerator, HardScenesCarryMoreLookAlikesAndSmallFollicles) {
  int lookalikes[3] = {0, 0, 0}, small[3] = {0, 0, 0};
  for (int d = 0; d < 3; ++d) {
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      SceneOptions o;
      o.difficulty = static_cast<Difficulty>(d);
      o.seed = seed;
      const Scene s = GenerateScene(o);
      lookalikes[d] += static_cast<int>(s.vessels.size() + s.bowel.size() + (s.bladder ? 1 : 0));
      for (const auto& f : s.follicles) {
        const double mean = f.shape.semi_axes.x + f.shape.semi_axes.y;  // ~ mean diameter
        if (mean >= 1.5 && mean < 3.2) ++small[d];
      }
    }
  }
  EXPECT_LT(lookalikes[0], lookalikes[1]);
  EXPECT_LT(lookalikes[1], lookalikes[2]);
  EXPECT_LT(small[0], small[2]);
}

TEST(PhantomGenerator, DepthRulerMarksEveryCentimetre) {
  Scene s = scenes::CleanScene();
  s.overlay.ruler = true;
  const GeneratedCase g = RenderCase(s, scenes::StillSpec("ruler"));
  const nlohmann::json* ruler = nullptr;
  for (const auto& item : g.truth.scene["overlays"]) {
    if (item["kind"] == "depth-ruler") ruler = &item;
  }
  ASSERT_NE(ruler, nullptr);
  const auto ticks = (*ruler)["cm_ticks_y_px"].get<std::vector<int>>();
  ASSERT_GE(ticks.size(), 5u);
  const double cm_px = 10.0 / g.truth.mm_per_px_y;
  for (size_t k = 1; k < ticks.size(); ++k) EXPECT_NEAR(ticks[k] - ticks[k - 1], cm_px, 1.0);
  // The first mark is the probe face (depth 0) on the central beam.
  EXPECT_NEAR(ticks[0], s.probe.DepthToPixelY(0), 1.0);
  // The mark is drawn: bright pixels at the ruler column on that row.
  const cv::Mat& rgb = g.rgb.front();
  const int x = (*ruler)["x_px"];
  EXPECT_GT(rgb.at<cv::Vec3b>(ticks[1], x)[0], 200);
}

TEST(PhantomGenerator, CalipersMeasureTheFollicleTheTruthNames) {
  Scene s = scenes::CleanScene();
  s.follicles.push_back(scenes::Follicle(1, {0, 50, 0}, {4, 3, 3.5}));
  s.overlay.calipers = true;
  s.overlay.text = true;
  const GeneratedCase g = RenderCase(s, scenes::StillSpec("calipers"));
  const nlohmann::json* calipers = nullptr;
  std::vector<std::string> texts;
  for (const auto& item : g.truth.scene["overlays"]) {
    if (item["kind"] == "calipers") calipers = &item;
    if (item["kind"] == "text") texts.push_back(item["text"]);
  }
  ASSERT_NE(calipers, nullptr);
  EXPECT_EQ((*calipers)["follicle_id"], 1);
  const auto& pairs = (*calipers)["pairs"];
  ASSERT_GE(pairs.size(), 2u);
  const double px = g.truth.mm_per_px_x;
  auto length = [&](const nlohmann::json& p) {
    return std::hypot(p["a_px"][0].get<double>() - p["b_px"][0].get<double>(),
                      p["a_px"][1].get<double>() - p["b_px"][1].get<double>()) * px;
  };
  EXPECT_NEAR(length(pairs[0]), 8.0, 1e-3);
  EXPECT_NEAR(length(pairs[1]), 6.0, 1e-3);
  EXPECT_NE(std::find(texts.begin(), texts.end(), "1 D 0.80cm"), texts.end());
  EXPECT_NE(std::find(texts.begin(), texts.end(), "2 D 0.60cm"), texts.end());
  // The crosses are burned into the pixels, yellow on the grey image.
  const cv::Vec3b at = g.rgb.front().at<cv::Vec3b>(cvRound(pairs[0]["a_px"][1].get<double>()),
                                                   cvRound(pairs[0]["a_px"][0].get<double>()));
  EXPECT_GT(at[0], 200);
  EXPECT_LT(at[2], 100);
  // The fake patient is printed in the corner, as scanners do.
  EXPECT_NE(std::find(texts.begin(), texts.end(), "PHANTOM, P001"), texts.end());
}

TEST(PhantomGenerator, PresetsHaveThePromisedSizes) {
  const auto samples = SamplesPreset(1);
  int stills[3] = {0, 0, 0}, cines = 0;
  for (const auto& c : samples) {
    if (c.frames > 1) ++cines; else ++stills[static_cast<int>(c.scene.difficulty)];
  }
  EXPECT_EQ(cines, 1);
  for (int n : stills) EXPECT_GE(n, 3);
  const auto bench = BenchmarkPreset(1);
  int bench_stills = 0, sweeps = 0;
  std::set<std::string> stems;
  std::set<std::uint64_t> seeds;
  for (const auto& c : bench) {
    (c.frames > 1 ? sweeps : bench_stills) += 1;
    stems.insert(c.stem);
    seeds.insert(c.scene.seed);
    EXPECT_TRUE(c.Check().ok()) << c.stem;
  }
  EXPECT_GE(bench_stills, 200);
  EXPECT_GE(sweeps, 10);
  EXPECT_EQ(stems.size(), bench.size());
  EXPECT_EQ(seeds.size(), bench.size());
}

TEST(PhantomGenerator, OracleResultsScorePerfectlyAndPerturbedOnesDoNot) {
  CaseSpec spec = scenes::StillSpec("oracle", 31);
  spec.scene.follicle_count = 8;
  const GeneratedCase g = GenerateCase(spec);
  auto exact = AnalysisFromJson(TruthAsResults(g.truth));
  ASSERT_TRUE(exact.ok()) << exact.error().message;
  const eval::CaseScore s = eval::ScoreCase(g.truth, &*exact, eval::ScoreOptions{});
  ASSERT_GT(s.tally.true_2plus, 0);
  EXPECT_DOUBLE_EQ(*s.tally.RecallAtLeast2(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.Precision(), 1.0);
  EXPECT_DOUBLE_EQ(*s.tally.MeanAbsoluteError(), 0.0);
  EXPECT_EQ(s.detected_afc, s.true_afc);
  auto perturbed = AnalysisFromJson(TruthAsResults(g.truth, 99));
  ASSERT_TRUE(perturbed.ok());
  const eval::CaseScore p = eval::ScoreCase(g.truth, &*perturbed, eval::ScoreOptions{});
  EXPECT_GT(*p.tally.MeanAbsoluteError(), 0.0);
}

TEST(PhantomGenerator, OptionsAreChecked) {
  CaseSpec c = scenes::StillSpec("ok");
  EXPECT_TRUE(c.Check().ok());
  c.stem = "a/b";
  EXPECT_FALSE(c.Check().ok());
  c = scenes::StillSpec("ok");
  c.scene.width = 10;
  EXPECT_FALSE(c.Check().ok());
  c = scenes::StillSpec("ok");
  c.frames = 3;
  c.format = OutputFormat::kPng;
  EXPECT_FALSE(c.Check().ok());
  c = scenes::StillSpec("ok");
  c.frames = 3;
  c.frame_step_mm = 0;
  EXPECT_FALSE(c.Check().ok());
  StudyOptions so;
  so.participants = 0;
  EXPECT_FALSE(so.Check().ok());
  so = StudyOptions{};
  so.first_study_date = "2026";
  EXPECT_FALSE(so.Check().ok());
  so.first_study_date = "20260230";  // no such day
  EXPECT_FALSE(so.Check().ok());
  EXPECT_FALSE(ParseDifficulty("impossible").has_value());
  Encoding e;
  EXPECT_FALSE(ParseEncoding("jpeg2000", e));
}

TEST(PhantomStudy, VisitsTwoWeeksApartWithAfcPerOvary) {
  antra::test::TempDir dir("phantom-study");
  StudyOptions o;
  o.seed = 3;
  o.participants = 1;
  o.visits = 2;
  o.stills_per_ovary = 1;
  o.sweep_frames = 4;
  o.width = 320;
  o.height = 240;
  o.not_visualised_probability = 0;
  auto study = GenerateStudy(o, dir.path());
  ASSERT_TRUE(study.ok()) << study.error().message;
  auto written = eval::ReadJsonFile(dir / "study-truth.json");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(*written, *study);
  const auto& p = (*study)["participants"].at(0);
  EXPECT_EQ(p["patient_name"], "PHANTOM^P001");
  const auto& visits = p["visits"];
  ASSERT_EQ(visits.size(), 2u);
  EXPECT_EQ(visits[0]["study_date"], "20260105");
  EXPECT_EQ(visits[1]["study_date"], "20260119");
  EXPECT_NE(visits[0]["study_instance_uid"], visits[1]["study_instance_uid"]);
  for (const auto& v : visits) {
    int total = 0;
    ASSERT_EQ(v["ovaries"].size(), 2u);
    for (const auto& ov : v["ovaries"]) {
      ASSERT_TRUE(ov["afc"].is_number());
      total += ov["afc"].get<int>();
      ASSERT_EQ(ov["files"].size(), 2u);  // a sweep and a still
      // The sweep's own truth gives the ovary's AFC.
      auto truth = eval::ReadTruthFile(dir / ov["files"][0]["truth"].get<std::string>());
      ASSERT_TRUE(truth.ok());
      EXPECT_EQ(truth->kind, "cine");
      EXPECT_EQ(truth->counts.afc(), ov["afc"].get<int>());
      // The loader finds the side from ImageLaterality or the series description.
      auto image = OpenImage(dir / ov["files"][0]["file"].get<std::string>());
      ASSERT_TRUE(image.ok()) << image.error().message;
      const ImageInfo& info = (*image)->info();
      EXPECT_EQ(info.study_instance_uid, v["study_instance_uid"]);
      EXPECT_EQ(info.study_date, v["study_date"]);
      EXPECT_EQ((*image)->identity().patient_id, "PH-0001");
      if (ov["laterality_source"] == "ImageLaterality") {
        EXPECT_EQ(info.laterality, ov["side"]);
      } else {
        EXPECT_TRUE(info.laterality.empty());
        EXPECT_NE(info.series_description.find(ov["side"] == "L" ? "L" : "R"), std::string::npos) << info.series_description;
      }
    }
    EXPECT_EQ(v["afc_total"], total);
  }
}

TEST(PhantomStudy, AnOvaryNotVisualisedHasNoAfc) {
  antra::test::TempDir dir("phantom-study-missing");
  StudyOptions o;
  o.participants = 1;
  o.visits = 1;
  o.stills_per_ovary = 0;
  o.sweep_frames = 2;
  o.width = 320;
  o.height = 240;
  o.not_visualised_probability = 1.0;
  auto study = GenerateStudy(o, dir.path());
  ASSERT_TRUE(study.ok()) << study.error().message;
  const auto& v = (*study)["participants"][0]["visits"][0];
  for (const auto& ov : v["ovaries"]) {
    EXPECT_FALSE(ov["visualised"].get<bool>());
    EXPECT_TRUE(ov["afc"].is_null());
  }
  EXPECT_TRUE(v["afc_total"].is_null());
}

TEST(PhantomEvolution, FollicleChangesKeepTheScenePhysical) {
  SceneOptions o;
  o.seed = 12;
  o.cine = true;
  o.follicle_count = 10;
  Scene s = GenerateScene(o);
  for (int visit = 0; visit < 4; ++visit) {
    EvolveFollicles(s, 100 + static_cast<std::uint64_t>(visit), 1.0);
    std::set<int> ids;
    for (const auto& f : s.follicles) {
      EXPECT_TRUE(ids.insert(f.id).second) << "duplicate id " << f.id;
      // The centre of every follicle stays in its own (flattened) lumen.
      EXPECT_TRUE(f.Contains(f.shape.center)) << "follicle " << f.id;
      EXPECT_TRUE(s.ovary.Contains(f.shape.center));
    }
  }
}

}  // namespace
}  // namespace antra::phantom
