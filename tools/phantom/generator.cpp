#include "phantom/generator.h"

#include <cmath>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"
#include "core/dates.h"
#include "core/version.h"
#include "eval/truth_json.h"
#include "io/analysis_json.h"
#include "phantom/overlay.h"
#include "phantom/random.h"
#include "phantom/truth_builder.h"

namespace antra::phantom {

namespace {

using nlohmann::json;

std::string PrintedName(const std::string& dicom_name) {
  // Scanners print "LAST, FIRST" from LAST^FIRST.
  std::string out = dicom_name;
  const auto caret = out.find('^');
  if (caret != std::string::npos) out.replace(caret, 1, ", ");
  for (auto& c : out) if (c == '^') c = ' ';
  return out;
}

std::string PrintedDateTime(const std::string& date, const std::string& time) {
  if (date.size() != 8 || time.size() < 6) return date + " " + time;
  return date.substr(6, 2) + "/" + date.substr(4, 2) + "/" + date.substr(0, 4) + " " + time.substr(0, 2) + ":" +
         time.substr(2, 2) + ":" + time.substr(4, 2);
}

ScreenText ScreenTextFor(const CaseSpec& spec) {
  ScreenText t;
  t.patient_name = PrintedName(spec.identity.patient_name);
  t.patient_id = spec.identity.patient_id;
  t.date_time = PrintedDateTime(spec.identity.study_date, spec.identity.study_time);
  t.laterality = spec.screen_laterality;
  return t;
}

DicomIdentity CompleteIdentity(const CaseSpec& spec) {
  DicomIdentity id = spec.identity;
  const std::uint64_t seed = spec.scene.seed;
  if (id.study_instance_uid.empty()) id.study_instance_uid = MakeUid(seed, "study:" + spec.stem);
  if (id.series_instance_uid.empty()) id.series_instance_uid = MakeUid(seed, "series:" + spec.stem);
  if (id.sop_instance_uid.empty()) id.sop_instance_uid = MakeUid(seed, "sop:" + spec.stem);
  return id;
}

json PoseJson(const PlanePose& p) {
  return {{"origin_mm", {p.origin.x, p.origin.y, p.origin.z}}, {"u", {p.u.x, p.u.y, p.u.z}}, {"v", {p.v.x, p.v.y, p.v.z}}};
}

std::string Extension(OutputFormat f) { return f == OutputFormat::kPng ? ".png" : ".dcm"; }

}  // namespace

const char* PhantomVersion() { return kVersion; }

Status CaseSpec::Check() const {
  if (stem.empty() || stem.find('/') != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "case stem must be a plain file name");
  }
  if (auto s = scene.Check(); !s) return s;
  if (frames < 1 || frames > 2000) return MakeError(ErrorCode::kInvalidArgument, "frames must be 1 to 2000");
  if (frames > 1 && !(frame_step_mm > 0 && frame_step_mm <= 5)) {
    return MakeError(ErrorCode::kInvalidArgument, "frame step must be in (0, 5] mm");
  }
  if (frames > 1 && format == OutputFormat::kPng) {
    return MakeError(ErrorCode::kInvalidArgument, "a cine sweep can only be written as DICOM");
  }
  if (!(frame_time_ms > 0)) return MakeError(ErrorCode::kInvalidArgument, "frame time must be positive");
  if (jpeg_quality < 1 || jpeg_quality > 100) return MakeError(ErrorCode::kInvalidArgument, "JPEG quality must be 1 to 100");
  return Status::Ok();
}

GeneratedCase RenderCase(const Scene& scene, const CaseSpec& spec, std::vector<PlanePose> poses) {
  GeneratedCase g;
  g.scene = scene;
  const bool cine = spec.frames > 1;
  if (cine) g.scene.overlay.calipers = false;  // measurements are made on frozen stills
  if (poses.empty()) {
    poses = cine ? SweepPoses(g.scene, spec.frames, spec.frame_step_mm, spec.scene.seed) : std::vector<PlanePose>{PlanePose{}};
  }
  g.poses = poses;
  const int n = static_cast<int>(poses.size());
  FrameRenderer renderer(g.scene, DeriveSeed(spec.scene.seed, "render"));
  const ScreenText text = ScreenTextFor(spec);
  json overlays = json::array();
  json lookalikes = json::array();
  eval::TruthCase& t = g.truth;
  for (int k = 0; k < n; ++k) {
    RenderedFrame rendered = renderer.Render(poses[static_cast<size_t>(k)]);
    eval::TruthFrame frame = MeasureFrame(g.scene, poses[static_cast<size_t>(k)], k, rendered);
    cv::Mat rgb;
    cv::cvtColor(rendered.gray, rgb, cv::COLOR_GRAY2RGB);
    json drawn = DrawOverlays(rgb, g.scene, text, frame, k, n);
    if (k == 0) overlays = drawn;
    for (auto& l : LookalikesInFrame(rendered, k)) lookalikes.push_back(std::move(l));
    t.frames.push_back(std::move(frame));
    g.rgb.push_back(std::move(rgb));
    g.rendered.push_back(std::move(rendered));
  }

  t.generator_version = PhantomVersion();
  t.stem = spec.stem;
  t.image_file = spec.stem + Extension(spec.format);
  t.kind = cine ? "cine" : "still";
  t.difficulty = ToString(spec.scene.difficulty);
  t.seed = spec.scene.seed;
  t.width = g.scene.probe.width;
  t.height = g.scene.probe.height;
  t.frame_count = n;
  t.mm_per_px_x = t.mm_per_px_y = g.scene.probe.mm_per_px;
  if (cine) {
    t.unique_follicles = UniqueFollicles(t.frames);
    t.counts = CountUnique(t.unique_follicles);
  } else {
    t.counts = t.frames.front().counts;
  }
  t.scene = SceneToJson(g.scene);
  t.scene["ovary_visible"] = g.scene.has_ovary;
  t.scene["overlays"] = overlays;
  t.scene["lookalikes"] = lookalikes;
  t.scene["encoding"] = spec.format == OutputFormat::kPng ? "png" : ToString(spec.encoding);
  if (cine) {
    json p = json::array();
    for (const auto& pose : poses) p.push_back(PoseJson(pose));
    t.scene["frame_poses"] = p;
    t.scene["frame_step_mm"] = spec.frame_step_mm;
  }
  return g;
}

GeneratedCase GenerateCase(const CaseSpec& spec) { return RenderCase(GenerateScene(spec.scene), spec); }

Status WriteCase(const GeneratedCase& g, const CaseSpec& spec, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
  const auto image_path = dir / g.truth.image_file;
  json truth = eval::TruthToJson(g.truth);
  if (spec.format == OutputFormat::kPng) {
    cv::Mat bgr;
    cv::cvtColor(g.rgb.front(), bgr, cv::COLOR_RGB2BGR);
    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(".png", bgr, bytes)) return MakeError(ErrorCode::kIo, "PNG encoding failed");
    if (auto s = WriteFileAtomically(image_path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())); !s) {
      return s;
    }
  } else {
    DicomImageSpec d;
    d.encoding = spec.encoding;
    d.jpeg_quality = spec.jpeg_quality;
    d.mm_per_px = g.scene.probe.mm_per_px;
    d.region_box = g.scene.probe.FanBox();
    d.reference_px = {cvRound(g.scene.probe.apex_px.x), cvRound(g.scene.probe.apex_px.y)};
    d.frame_time_ms = spec.frame_time_ms;
    d.transducer_mhz = g.scene.imaging.frequency_mhz;
    d.software_version = std::string("antra-phantom ") + PhantomVersion();
    d.identity = CompleteIdentity(spec);
    if (auto s = WriteUltrasoundDicom(image_path, g.rgb, d); !s) return s;
    truth["scene"]["dicom"] = {{"sop_instance_uid", d.identity.sop_instance_uid},
                               {"series_instance_uid", d.identity.series_instance_uid},
                               {"study_instance_uid", d.identity.study_instance_uid},
                               {"study_date", d.identity.study_date},
                               {"image_laterality", d.identity.laterality},
                               {"series_description", d.identity.series_description},
                               {"region_box_px", {d.region_box.x, d.region_box.y, d.region_box.x + d.region_box.width - 1,
                                                  d.region_box.y + d.region_box.height - 1}},
                               {"physical_delta_cm", d.mm_per_px / 10.0}};
  }
  return WriteFileAtomically(dir / (spec.stem + ".truth.json"), truth.dump(1) + "\n");
}

std::vector<CaseSpec> SamplesPreset(std::uint64_t seed) {
  std::vector<CaseSpec> out;
  const struct {
    Difficulty d;
    Encoding e[3];
  } plan[] = {{Difficulty::kEasy, {Encoding::kMonochrome2, Encoding::kYbrFull422Jpeg, Encoding::kYbrFull422Jpeg}},
              {Difficulty::kMedium, {Encoding::kMonochrome2Jpeg, Encoding::kYbrFull422Jpeg, Encoding::kYbrFull422Jpeg}},
              {Difficulty::kHard, {Encoding::kMonochrome2, Encoding::kYbrFull422Jpeg, Encoding::kYbrFull422Jpeg}}};
  for (const auto& p : plan) {
    for (int k = 0; k < 3; ++k) {
      CaseSpec c;
      char stem[64];
      std::snprintf(stem, sizeof stem, "%s-%02d", ToString(p.d), k + 1);
      c.stem = stem;
      c.scene.difficulty = p.d;
      c.scene.seed = DeriveSeed(seed, c.stem);
      c.encoding = p.e[k];
      out.push_back(c);
    }
  }
  CaseSpec cine;
  cine.stem = "cine-01";
  cine.scene.difficulty = Difficulty::kMedium;
  cine.scene.seed = DeriveSeed(seed, cine.stem);
  cine.scene.cine = true;
  cine.scene.width = 640;
  cine.scene.height = 480;
  cine.frames = 12;
  cine.frame_step_mm = 1.0;
  cine.encoding = Encoding::kYbrFull422Jpeg;
  cine.jpeg_quality = 85;
  out.push_back(cine);
  return out;
}

std::vector<CaseSpec> BenchmarkPreset(std::uint64_t seed, int stills_per_difficulty, int sweeps) {
  std::vector<CaseSpec> out;
  int index = 0;
  for (Difficulty d : {Difficulty::kEasy, Difficulty::kMedium, Difficulty::kHard}) {
    for (int k = 0; k < stills_per_difficulty; ++k, ++index) {
      CaseSpec c;
      char stem[64];
      std::snprintf(stem, sizeof stem, "still-%s-%03d", ToString(d), k + 1);
      c.stem = stem;
      c.scene.difficulty = d;
      c.scene.seed = DeriveSeed(seed, c.stem);
      // Most scanners export JPEG; keep some uncompressed grey ones.
      c.encoding = (k % 4 == 0) ? Encoding::kMonochrome2 : Encoding::kYbrFull422Jpeg;
      char id[32];
      std::snprintf(id, sizeof id, "PH-B%04d", index + 1);
      c.identity.patient_id = id;
      c.identity.patient_name = "PHANTOM^BENCH";
      out.push_back(c);
    }
  }
  const Difficulty cycle[] = {Difficulty::kEasy, Difficulty::kMedium, Difficulty::kHard};
  for (int k = 0; k < sweeps; ++k) {
    CaseSpec c;
    char stem[64];
    std::snprintf(stem, sizeof stem, "sweep-%02d", k + 1);
    c.stem = stem;
    c.scene.difficulty = cycle[k % 3];
    c.scene.seed = DeriveSeed(seed, c.stem);
    c.scene.cine = true;
    c.scene.width = 640;
    c.scene.height = 480;
    c.frames = 24;
    Rng rng(DeriveSeed(c.scene.seed, "sweep-step"));
    c.frame_step_mm = rng.Uniform(0.5, 1.0);
    c.encoding = Encoding::kYbrFull422Jpeg;
    c.identity.patient_name = "PHANTOM^BENCH";
    c.identity.patient_id = "PH-S" + std::to_string(1000 + k + 1);
    out.push_back(c);
  }
  return out;
}

Status StudyOptions::Check() const {
  if (participants < 1 || participants > 200) return MakeError(ErrorCode::kInvalidArgument, "participants must be 1 to 200");
  if (visits < 1 || visits > 26) return MakeError(ErrorCode::kInvalidArgument, "visits must be 1 to 26");
  if (stills_per_ovary < 0 || stills_per_ovary > 10) return MakeError(ErrorCode::kInvalidArgument, "stills per ovary must be 0 to 10");
  if (sweep_frames < 2 || sweep_frames > 200) return MakeError(ErrorCode::kInvalidArgument, "sweep frames must be 2 to 200");
  if (!(sweep_step_mm > 0 && sweep_step_mm <= 5)) return MakeError(ErrorCode::kInvalidArgument, "sweep step must be in (0, 5] mm");
  if (!(not_visualised_probability >= 0 && not_visualised_probability <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "not-visualised probability must be in [0, 1]");
  }
  if (first_study_date.size() != 8 || !Date::Parse(first_study_date)) {
    return MakeError(ErrorCode::kInvalidArgument, "first study date must be a real day written YYYYMMDD");
  }
  SceneOptions probe;
  probe.width = width;
  probe.height = height;
  return probe.Check();
}

namespace {

// One made-up participant of a study.
struct Participant {
  std::string subject, patient_id, patient_name, birth_date;
  double trend = 0;  // recruitment per visit beyond the usual (a treatment response)
  Scene ovaries[2];  // left, right; evolved visit by visit
};

constexpr const char* kSides[2] = {"L", "R"};

Participant MakeParticipant(const StudyOptions& o, int index) {
  Participant p;
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%03d", index + 1);
  p.subject = buf;
  std::snprintf(buf, sizeof buf, "PH-%04d", index + 1);
  p.patient_id = buf;
  p.patient_name = "PHANTOM^" + p.subject;
  Rng rng(DeriveSeed(o.seed, p.subject));
  std::snprintf(buf, sizeof buf, "19%02d%02d%02d", rng.Int(80, 99), rng.Int(1, 12), rng.Int(1, 28));
  p.birth_date = buf;
  p.trend = rng.Uniform(-0.5, 1.5);  // some respond to treatment with more recruitment
  for (int s = 0; s < 2; ++s) {
    SceneOptions so;
    so.seed = DeriveSeed(o.seed, p.subject + kSides[s]);
    so.difficulty = rng.Chance(0.5) ? Difficulty::kEasy : Difficulty::kMedium;
    so.width = o.width;
    so.height = o.height;
    so.cine = true;
    // Premature ovarian insufficiency: few follicles to start with.
    so.follicle_count = rng.Int(0, 8);
    p.ovaries[s] = GenerateScene(so);
  }
  return p;
}

// A frozen still through the ovary, off its middle by a little.
PlanePose StillThroughOvary(const Scene& scene, std::uint64_t seed) {
  Rng rng(DeriveSeed(seed, "still-plane"));
  PlanePose pose;
  const Rotation tilt = Rotation::FromEuler(rng.Normal(0, 0.05), rng.Normal(0, 0.05), rng.Normal(0, 0.05));
  pose.u = tilt.ToWorld({1, 0, 0});
  pose.v = tilt.ToWorld({0, 1, 0});
  pose.origin = {0, 0, scene.ovary.shape.center.z + rng.Uniform(-0.35, 0.35) * scene.ovary.shape.semi_axes.z};
  return pose;
}

struct Visit {
  int number = 1;  // 1-based
  std::string tag, date, study_uid;
  std::filesystem::path relative_dir;  // P001/V1
};

// One ovary at one visit: its sweep and stills, written with their truth;
// returns the ovary's entry of study-truth.json.
Result<json> WriteOvaryVisit(const StudyOptions& o, const Participant& p, const Visit& visit, int side, Scene scene,
                             const std::filesystem::path& dir, const Progress& progress) {
  Rng rng(DeriveSeed(o.seed, visit.tag + kSides[side] + "visit"));
  scene.has_ovary = !rng.Chance(o.not_visualised_probability);
  const bool by_tag = rng.Chance(0.7);
  const std::string side_words = side == 0 ? (rng.Chance(0.5) ? "LT OVARY" : "LOV") : (rng.Chance(0.5) ? "RT OVARY" : "ROV");
  json files = json::array();
  std::optional<SizeCounts> sweep_counts;
  for (int k = 0; k <= o.stills_per_ovary; ++k) {
    const bool sweep = k == 0;
    CaseSpec c;
    c.stem = visit.tag + "-" + kSides[side] + (sweep ? "-sweep" : "-still" + std::to_string(k));
    c.scene = scene.options;
    c.scene.seed = DeriveSeed(o.seed, c.stem);
    c.frames = sweep ? o.sweep_frames : 1;
    c.frame_step_mm = o.sweep_step_mm;
    c.encoding = o.encoding;
    c.jpeg_quality = 88;
    c.identity.patient_name = p.patient_name;
    c.identity.patient_id = p.patient_id;
    c.identity.patient_birth_date = p.birth_date;
    c.identity.study_date = visit.date;
    c.identity.study_time = "0930" + std::to_string(10 + 10 * side + k);
    c.identity.study_instance_uid = visit.study_uid;
    c.identity.series_instance_uid = MakeUid(o.seed, "series:" + visit.tag + kSides[side]);
    c.identity.series_number = side + 1;
    c.identity.instance_number = k + 1;
    c.identity.laterality = by_tag ? kSides[side] : "";
    c.identity.series_description = by_tag ? "TV PELVIS" : side_words;
    c.screen_laterality = side_words;
    std::vector<PlanePose> poses;
    if (!sweep) poses.push_back(StillThroughOvary(scene, c.scene.seed));
    if (progress) progress(c.stem);
    GeneratedCase g = RenderCase(scene, c, poses);
    if (auto st = WriteCase(g, c, dir / visit.relative_dir); !st) return st.error();
    files.push_back({{"file", (visit.relative_dir / g.truth.image_file).generic_string()},
                     {"truth", (visit.relative_dir / (c.stem + ".truth.json")).generic_string()},
                     {"kind", g.truth.kind},
                     {"afc", scene.has_ovary ? json(g.truth.counts.afc()) : json(nullptr)}});
    if (sweep && scene.has_ovary) sweep_counts = g.truth.counts;
  }
  return json{{"side", kSides[side]},
              {"visualised", scene.has_ovary},
              {"laterality_source", by_tag ? "ImageLaterality" : "SeriesDescription"},
              {"afc", sweep_counts ? json(sweep_counts->afc()) : json(nullptr)},
              {"counts", sweep_counts ? CountsToJson(*sweep_counts) : json(nullptr)},
              {"files", files}};
}

}  // namespace

Result<json> GenerateStudy(const StudyOptions& o, const std::filesystem::path& dir, const Progress& progress) {
  if (auto s = o.Check(); !s) return s.error();
  const std::optional<Date> first_date = Date::Parse(o.first_study_date);  // Check() made sure it parses
  json participants = json::array();
  for (int index = 0; index < o.participants; ++index) {
    Participant p = MakeParticipant(o, index);
    json visits = json::array();
    for (int v = 0; v < o.visits; ++v) {
      Visit visit;
      visit.number = v + 1;
      visit.date = first_date->PlusDays(14 * v).Dicom();
      visit.tag = p.subject + "-V" + std::to_string(visit.number);
      visit.study_uid = MakeUid(o.seed, "study:" + visit.tag);
      visit.relative_dir = std::filesystem::path(p.subject) / ("V" + std::to_string(visit.number));
      json ovaries = json::array();
      int afc_total = 0;
      bool total_known = true;
      for (int side = 0; side < 2; ++side) {
        if (v > 0) EvolveFollicles(p.ovaries[side], DeriveSeed(o.seed, visit.tag + kSides[side]), p.trend);
        auto ovary = WriteOvaryVisit(o, p, visit, side, p.ovaries[side], dir, progress);
        if (!ovary) return ovary.error();
        if ((*ovary)["afc"].is_number()) afc_total += (*ovary)["afc"].get<int>(); else total_known = false;
        ovaries.push_back(std::move(ovary).value());
      }
      visits.push_back({{"visit", visit.number},
                        {"study_date", visit.date},
                        {"study_instance_uid", visit.study_uid},
                        {"ovaries", ovaries},
                        {"afc_total", total_known ? json(afc_total) : json(nullptr)}});
    }
    participants.push_back({{"subject", p.subject},
                            {"patient_id", p.patient_id},
                            {"patient_name", p.patient_name},
                            {"visits", visits}});
  }
  json study = {{"schema", "antra-phantom-study/1"},
                {"generator", {{"name", "antra-phantom"}, {"version", PhantomVersion()}}},
                {"seed", o.seed},
                {"afc_rule", "per ovary: unique follicles of its sweep whose largest visible cross-section has a mean diameter of 2 to 10 mm"},
                {"participants", participants}};
  if (auto st = WriteFileAtomically(dir / "study-truth.json", study.dump(1) + "\n"); !st) return st.error();
  return study;
}

namespace {

// Results a perfect reader would write, or a deliberately imperfect one:
// misses 10% of follicles, adds a false positive to 30% of frames, blurs sizes
// (sd 0.5 mm, less for large follicles) and centres (0.7 px), adds one false
// unique follicle per sweep. Every draw comes from one generator in a fixed
// order, so a perturbation seed always gives the same results.
class Oracle {
 public:
  Oracle(const eval::TruthCase& truth, std::uint64_t perturb_seed)
      : truth_(truth), rng_(perturb_seed ? DeriveSeed(perturb_seed, truth.stem) : 1), perturb_(perturb_seed != 0) {}

  FrameAnalysis Frame(const eval::TruthFrame& tf) {
    FrameAnalysis f;
    f.index = tf.index;
    int id = 1;
    SizeCounts counts;
    for (const auto& c : tf.follicles) {
      if (c.visible_fraction < eval::kDefaultMinVisibleFraction) continue;
      if (perturb_ && rng_.Chance(0.1)) continue;  // missed
      Follicle fol;
      static_cast<FollicleMeasurement&>(fol) = Measure(c);
      fol.id = id++;
      counts.Add(*fol.mean_mm);
      f.follicles.push_back(std::move(fol));
    }
    if (perturb_ && rng_.Chance(0.3)) {  // a false positive somewhere in the fan box
      Follicle fp;
      fp.center_px = {rng_.Uniform(0.2, 0.8) * truth_.width, rng_.Uniform(0.3, 0.9) * truth_.height};
      fp.long_mm = fp.short_mm = fp.mean_mm = rng_.Uniform(2.5, 8.0);
      fp.confidence = 0.3;
      fp.id = id++;
      counts.Add(*fp.mean_mm);
      f.follicles.push_back(std::move(fp));
    }
    f.counts = counts;
    return f;
  }

  std::vector<CineFollicle> UniqueFollicles(SizeCounts& counts) {
    std::vector<CineFollicle> out;
    int id = 1;
    for (const auto& u : truth_.unique_follicles) {
      if (!u.visible) continue;
      if (perturb_ && rng_.Chance(0.1)) continue;
      CineFollicle c;
      c.id = id++;
      c.best_frame = u.best_frame;
      for (const auto& ap : u.frames) c.appearances.push_back({ap.frame, ap.center_px});
      for (const auto& tc : truth_.frames[static_cast<size_t>(u.best_frame)].follicles) {
        if (tc.follicle_id == u.id) c.at_best_frame = Measure(tc);
      }
      counts.Add(*c.at_best_frame.mean_mm);
      out.push_back(std::move(c));
    }
    if (perturb_) {  // a false unique follicle, seen once
      CineFollicle fp;
      fp.id = id++;
      fp.best_frame = 0;
      fp.appearances.push_back({0, {0.1 * truth_.width, 0.95 * truth_.height}});
      fp.at_best_frame.center_px = fp.appearances[0].center_px;
      fp.at_best_frame.long_mm = fp.at_best_frame.short_mm = fp.at_best_frame.mean_mm = 5.0;
      counts.Add(5.0);
      out.push_back(std::move(fp));
    }
    return out;
  }

 private:
  FollicleMeasurement Measure(const eval::TruthCrossSection& c) {
    const double mmpp = truth_.mm_per_px_x;
    FollicleMeasurement m;
    m.center_px = c.center_px;
    m.long_axis = c.long_axis_px;
    m.short_axis = c.short_axis_px;
    m.long_mm = c.long_mm;
    m.short_mm = c.short_mm;
    m.mean_mm = c.mean_mm;
    m.area_mm2 = c.area_mm2;
    m.area_px = c.area_mm2 / (mmpp * mmpp);
    m.area_equivalent_diameter_mm = 2 * std::sqrt(c.area_mm2 / 3.14159265358979323846);
    for (const auto& p : c.contour_px) m.contour_px.emplace_back(cvRound(p.x), cvRound(p.y));
    m.confidence = 1.0;
    if (perturb_) {
      const double scale = std::max(0.3, 1.0 + rng_.Normal(0, 0.5) / std::max(1.0, c.mean_mm));
      m.long_mm = *m.long_mm * scale;
      m.short_mm = *m.short_mm * scale;
      m.mean_mm = 0.5 * (*m.long_mm + *m.short_mm);
      m.center_px += cv::Point2d(rng_.Normal(0, 0.7), rng_.Normal(0, 0.7));
    }
    return m;
  }

  const eval::TruthCase& truth_;
  Rng rng_;
  bool perturb_;
};

}  // namespace

json TruthAsResults(const eval::TruthCase& truth, std::uint64_t perturb_seed) {
  const bool perturb = perturb_seed != 0;
  ImageAnalysis a;
  a.software_version = std::string("oracle ") + PhantomVersion();
  a.path = truth.image_file;
  a.width = truth.width;
  a.height = truth.height;
  a.frame_count = truth.frame_count;
  a.calibration = Calibration::Global(CalibrationSource::kUser, {truth.mm_per_px_x, truth.mm_per_px_y}, 1.0,
                                      "phantom truth");
  a.parameters_hash = perturb ? "oracle-perturbed" : "oracle";
  Oracle oracle(truth, perturb_seed);
  for (const auto& tf : truth.frames) a.frames.push_back(oracle.Frame(tf));
  if (truth.kind == "cine") {
    SizeCounts counts;
    a.cine_follicles = oracle.UniqueFollicles(counts);
    a.counts = counts;
    a.counts_source = "unique-follicles";
  } else {
    a.counts = a.frames.empty() ? std::nullopt : a.frames.front().counts;
    a.counts_source = "single-frame";
  }
  return AnalysisToJson(a);
}

}  // namespace antra::phantom
