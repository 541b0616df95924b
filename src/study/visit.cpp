#include "study/visit.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "study/safe_names.h"
#include "study/visit_json.h"

namespace antra {

const char* ToString(ScanKind kind) { return kind == ScanKind::kSweep ? "sweep" : "still"; }

int ScanEntry::afc_candidates() const {
  return static_cast<int>(std::count_if(follicles.begin(), follicles.end(),
                                        [](const VisitFollicle& f) { return f.counted_in_afc(); }));
}

const char* ToString(OvaryStatus status) {
  switch (status) {
    case OvaryStatus::kMeasured: return "measured";
    case OvaryStatus::kNotVisualised: return "not-visualised";
    case OvaryStatus::kNotScanned: return "not-scanned";
  }
  return "not-scanned";
}

std::optional<OvaryStatus> OvaryStatusFromString(std::string_view text) {
  if (text == "measured") return OvaryStatus::kMeasured;
  if (text == "not-visualised") return OvaryStatus::kNotVisualised;
  if (text == "not-scanned") return OvaryStatus::kNotScanned;
  return std::nullopt;
}

const char* ToString(CountingBasis basis) {
  switch (basis) {
    case CountingBasis::kNone: return "none";
    case CountingBasis::kLongestSweep: return "longest-sweep";
    case CountingBasis::kStillWithMostFollicles: return "still-with-most-follicles";
    case CountingBasis::kReviewer: return "reviewer";
  }
  return "none";
}

std::optional<CountingBasis> CountingBasisFromString(std::string_view text) {
  for (auto b : {CountingBasis::kNone, CountingBasis::kLongestSweep, CountingBasis::kStillWithMostFollicles,
                 CountingBasis::kReviewer}) {
    if (text == ToString(b)) return b;
  }
  return std::nullopt;
}

const char* ToString(ReviewStatus status) {
  return status == ReviewStatus::kSignedOff ? "signed-off" : "unreviewed";
}

// ---- OvaryResult -------------------------------------------------------------

std::optional<SizeCounts> OvaryResult::Counts() const {
  if (status != OvaryStatus::kMeasured || counting_scan.empty() || !counting_scan_calibrated) return std::nullopt;
  SizeCounts counts;
  for (const auto& f : follicles) counts.Add(f.mean_mm());
  return counts;
}

std::optional<int> OvaryResult::Afc() const {
  auto counts = Counts();
  if (!counts) return std::nullopt;
  return counts->afc();
}

std::optional<double> OvaryResult::LargestFollicleMm() const {
  if (!Counts() || follicles.empty()) return std::nullopt;
  double largest = 0;
  for (const auto& f : follicles) largest = std::max(largest, f.mean_mm());
  return largest;
}

std::optional<double> OvaryResult::VolumeMl() const {
  if (!length_mm || !width_mm || !height_mm) return std::nullopt;
  return kEllipsoidFactor * *length_mm * *width_mm * *height_mm / 1000.0;
}

const VisitFollicle* OvaryResult::FindFollicle(const std::string& id) const {
  for (const auto& f : follicles) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// ---- VisitResult -------------------------------------------------------------

OvaryResult& VisitResult::ovary(Side side) {
  if (!IsOvarySide(side)) throw std::logic_error(std::string("no ovary result for side ") + ToString(side));
  return side == Side::kLeft ? left : right;
}

const OvaryResult& VisitResult::ovary(Side side) const { return const_cast<VisitResult*>(this)->ovary(side); }

const ScanEntry* VisitResult::FindScan(const std::string& uid) const {
  for (const auto& s : scans) {
    if (s.sop_instance_uid == uid) return &s;
  }
  return nullptr;
}

ScanEntry* VisitResult::FindScan(const std::string& uid) {
  return const_cast<ScanEntry*>(static_cast<const VisitResult*>(this)->FindScan(uid));
}

std::string VisitResult::TargetDate() const {
  auto baseline = Date::Parse(baseline_date);
  if (!baseline) return {};
  return baseline->PlusDays(static_cast<long>(visit_number) * interval_days).Iso();
}

std::vector<std::string> VisitResult::ScanDates() const {
  std::set<std::string> dates;
  for (const auto& s : scans) {
    if (!s.study_date.empty()) dates.insert(s.study_date);
  }
  return {dates.begin(), dates.end()};
}

std::optional<int> VisitResult::TotalAfc() const {
  auto l = left.Afc(), r = right.Afc();
  if (!l || !r) return std::nullopt;
  return *l + *r;
}

std::optional<double> VisitResult::LargestFollicleMm() const {
  auto l = left.LargestFollicleMm(), r = right.LargestFollicleMm();
  if (l && r) return std::max(*l, *r);
  return l ? l : r;
}

bool VisitResult::Calibrated() const {
  bool any = false;
  for (const auto* o : {&left, &right}) {
    if (o->counting_scan.empty()) continue;
    any = true;
    if (!o->counting_scan_calibrated) return false;
  }
  return any;
}

std::string VisitResult::FolderName() const {
  char name[32];
  std::snprintf(name, sizeof name, "visit-%02d", visit_number);
  return name;
}

// ---- Building ----------------------------------------------------------------

namespace {

VisitFollicle FromMeasurement(const FollicleMeasurement& m, const std::string& uid, int frame) {
  VisitFollicle f;
  f.sop_instance_uid = uid;
  f.frame = frame;
  f.long_mm = *m.long_mm;
  f.short_mm = *m.short_mm;
  f.center_px = m.center_px;
  f.long_axis = m.long_axis;
  f.short_axis = m.short_axis;
  f.confidence = m.confidence;
  f.origin = m.origin;
  return f;
}

bool HasMillimetres(const FollicleMeasurement& m) { return m.long_mm.has_value() && m.short_mm.has_value(); }

}  // namespace

std::vector<CandidateFollicle> CandidateFollicles(const ImageAnalysis& a, const std::string& uid,
                                                  std::vector<std::string>& notes) {
  std::vector<CandidateFollicle> out;
  if (!a.cine_follicles.empty()) {
    for (const auto& c : a.cine_follicles) {
      if (!HasMillimetres(c.at_best_frame)) continue;
      CandidateFollicle candidate{FromMeasurement(c.at_best_frame, uid, c.best_frame), {}};
      for (const auto& seen : c.appearances) candidate.seen.emplace_back(seen.frame, seen.center_px);
      out.push_back(std::move(candidate));
    }
    return out;
  }
  const FrameAnalysis* best = nullptr;
  int best_count = -1;
  for (const auto& frame : a.frames) {
    const int n = static_cast<int>(std::count_if(frame.follicles.begin(), frame.follicles.end(),
                                                 [](const Follicle& f) { return HasMillimetres(f); }));
    if (n > best_count) best = &frame, best_count = n;
  }
  if (!best) return out;
  if (a.frame_count > 1) notes.push_back("sweep without unique-follicle linking: one frame used");
  for (const auto& f : best->follicles) {
    if (HasMillimetres(f)) out.push_back({FromMeasurement(f, uid, best->index), {{best->index, f.center_px}}});
  }
  return out;
}

namespace {

void FillFromAnalysis(ScanEntry& scan, const ImageAnalysis& a) {
  scan.analysed = true;
  scan.software_version = a.software_version;
  scan.parameters_hash = a.parameters_hash;
  scan.calibrated = a.calibration.calibrated();
  scan.calibration = scan.calibrated ? ToString(a.calibration.source()) : "uncalibrated: " + a.calibration.detail();
  if (!scan.calibrated) scan.notes.push_back("uncalibrated: no sizes in mm, not used for AFC");
  scan.follicles.clear();
  for (auto& c : CandidateFollicles(a, scan.sop_instance_uid, scan.notes)) scan.follicles.push_back(std::move(c.follicle));
  for (const auto& frame : a.frames) {
    if (!frame.ovary) continue;
    scan.ovary_found = true;
    const auto& o = *frame.ovary;
    if (o.long_mm && o.short_mm && (!scan.ovary_long_mm || *o.long_mm > *scan.ovary_long_mm)) {
      scan.ovary_long_mm = o.long_mm;
      scan.ovary_short_mm = o.short_mm;
    }
  }
}

ScanEntry MakeScanEntry(const ScanInput& in) {
  ScanEntry s;
  s.sop_class_uid = in.info.sop_class_uid;
  s.sop_instance_uid = in.info.sop_instance_uid;
  s.study_instance_uid = in.info.study_instance_uid;
  s.series_instance_uid = in.info.series_instance_uid;
  s.file_sha256 = in.file_sha256;
  if (auto d = Date::Parse(in.info.study_date)) s.study_date = d->Iso();
  s.series_description = PrintableText(ScrubIdentity(in.info.series_description, in.identity));
  s.width = in.info.width;
  s.height = in.info.height;
  s.frame_count = std::max(1, in.info.frame_count);
  s.side = in.side.side;
  s.side_source = in.side.source;
  s.calibrated = in.info.calibration.calibrated();
  s.calibration = s.calibrated ? ToString(in.info.calibration.source())
                               : "uncalibrated: " + in.info.calibration.detail();
  s.duplicate_imports = in.duplicate_imports;
  if (in.analysis) {
    FillFromAnalysis(s, *in.analysis);
  } else {
    s.notes.push_back("not analysed");
  }
  if (s.side == Side::kUnknown) s.notes.push_back(kLateralityUnknownNote);
  if (s.side == Side::kNotOvary) s.notes.push_back(kNotOvaryNote);
  if (in.duplicate_imports > 0) {
    s.notes.push_back("imported " + std::to_string(in.duplicate_imports + 1) + " times; counted once");
  }
  return s;
}

bool FollicleOrder(const VisitFollicle& a, const VisitFollicle& b) {
  // Largest first, reading order after that, so IDs are stable across runs.
  return std::make_tuple(-a.mean_mm(), a.frame, a.center_px.y, a.center_px.x) <
         std::make_tuple(-b.mean_mm(), b.frame, b.center_px.y, b.center_px.x);
}

}  // namespace

const ScanEntry* ChooseCountingScan(const std::vector<ScanEntry>& scans, Side side) {
  const ScanEntry* best_sweep = nullptr;
  const ScanEntry* best_still = nullptr;
  for (const auto& s : scans) {
    if (s.side != side || !s.usable_for_counting()) continue;
    if (s.kind() == ScanKind::kSweep) {
      auto key = [](const ScanEntry* e) {
        return std::make_tuple(-e->frame_count, -static_cast<int>(e->follicles.size()), e->sop_instance_uid);
      };
      if (!best_sweep || key(&s) < key(best_sweep)) best_sweep = &s;
    } else {
      auto key = [](const ScanEntry* e) {
        return std::make_tuple(-e->afc_candidates(), -static_cast<int>(e->follicles.size()), e->sop_instance_uid);
      };
      if (!best_still || key(&s) < key(best_still)) best_still = &s;
    }
  }
  return best_sweep ? best_sweep : best_still;
}

void AdoptCountingScan(OvaryResult& ovary, const ScanEntry& scan, CountingBasis basis) {
  ovary.counting_scan = scan.sop_instance_uid;
  ovary.basis = basis;
  ovary.counting_scan_is_still = scan.kind() == ScanKind::kStill;
  ovary.counting_scan_calibrated = scan.calibrated;
  ovary.follicles = scan.follicles;
  std::sort(ovary.follicles.begin(), ovary.follicles.end(), FollicleOrder);
  const std::string prefix = ovary.side == Side::kLeft ? "L" : "R";
  ovary.next_follicle_number = 1;
  for (auto& f : ovary.follicles) f.id = prefix + std::to_string(ovary.next_follicle_number++);
  if (ovary.diameters_source != "reviewer") {
    ovary.length_mm = scan.ovary_long_mm;
    ovary.width_mm = scan.ovary_short_mm;
    ovary.height_mm.reset();  // a 2D scan shows two diameters; the third needs another plane
    ovary.diameters_source = scan.ovary_long_mm ? "automatic" : "";
  }
}

void DecideAutomaticStatus(OvaryResult& ovary, const std::vector<ScanEntry>& scans) {
  ovary.notes.clear();
  const bool any_scan = std::any_of(scans.begin(), scans.end(), [&](const ScanEntry& s) { return s.side == ovary.side; });
  if (!any_scan) {
    ovary.status = OvaryStatus::kNotScanned;
    return;
  }
  if (ovary.counting_scan.empty()) {
    ovary.status = OvaryStatus::kMeasured;
    ovary.notes.push_back("AFC not available: no analysed, calibrated scan of this ovary");
    return;
  }
  const ScanEntry* counting = nullptr;
  for (const auto& s : scans) {
    if (s.sop_instance_uid == ovary.counting_scan) counting = &s;
  }
  if (counting && !counting->ovary_found && counting->follicles.empty()) {
    // Not the same as AFC 0: the ovary itself was not seen.
    ovary.status = OvaryStatus::kNotVisualised;
    ovary.notes.push_back("automatic: no ovary and no follicle found; confirm on review");
    return;
  }
  ovary.status = OvaryStatus::kMeasured;
  if (ovary.counting_scan_is_still) ovary.notes.push_back("AFC from a single frame");
}

VisitResult BuildAutomaticVisit(const VisitBuildInput& input) {
  VisitResult v;
  v.subject_id = input.subject_id;
  v.visit_number = input.visit_number;
  v.baseline_date = input.baseline.Iso();
  v.interval_days = input.interval_days;
  v.software_version = input.software_version;
  for (const auto& scan : input.scans) v.scans.push_back(MakeScanEntry(scan));
  std::sort(v.scans.begin(), v.scans.end(), [](const ScanEntry& a, const ScanEntry& b) {
    return std::tie(a.study_date, a.sop_instance_uid) < std::tie(b.study_date, b.sop_instance_uid);
  });
  v.left.side = Side::kLeft;
  v.right.side = Side::kRight;
  for (OvaryResult* ovary : {&v.left, &v.right}) {
    if (const ScanEntry* counting = ChooseCountingScan(v.scans, ovary->side)) {
      AdoptCountingScan(*ovary, *counting,
                        counting->kind() == ScanKind::kSweep ? CountingBasis::kLongestSweep
                                                             : CountingBasis::kStillWithMostFollicles);
    }
    DecideAutomaticStatus(*ovary, v.scans);
  }
  const int unknown = static_cast<int>(std::count_if(v.scans.begin(), v.scans.end(),
                                                     [](const ScanEntry& s) { return s.side == Side::kUnknown; }));
  if (unknown > 0) v.notes.push_back(std::to_string(unknown) + " scan(s) without laterality: review needed");
  const int not_ovary = static_cast<int>(std::count_if(v.scans.begin(), v.scans.end(),
                                                       [](const ScanEntry& s) { return s.side == Side::kNotOvary; }));
  if (not_ovary > 0) {
    v.notes.push_back(std::to_string(not_ovary) + " scan(s) taken as not showing an ovary (series description): check on review");
  }
  if (v.ScanDates().size() > 1) v.notes.push_back("scans from more than one date were grouped into this visit");
  const int uncalibrated = static_cast<int>(std::count_if(v.scans.begin(), v.scans.end(),
                                                          [](const ScanEntry& s) { return !s.calibrated; }));
  if (uncalibrated > 0) {
    v.notes.push_back(std::to_string(uncalibrated) + " uncalibrated scan(s): no mm sizes, not used for AFC");
  }
  v.automatic_fingerprint = AutomaticFingerprint(v);
  return v;
}

}  // namespace antra
