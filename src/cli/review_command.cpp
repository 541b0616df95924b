// antra review RESULTS SUBJECT VISIT --reviewer NAME [--reason TEXT] ACTION
//
// Reviewer actions from the command line, through the same library calls as
// the viewer: each one is an audit entry, and a signed-off visit is locked
// until reopened.

#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/command.h"
#include "core/version.h"
#include "io/open_image.h"
#include "pipeline/analyze_image.h"
#include "pipeline/presets.h"
#include "study/study_index.h"
#include "study/study_run.h"
#include "study/visit_store.h"

namespace antra::cli {

namespace {

struct ReviewOptions {
  std::string results, subject, reviewer, reason;
  int visit = -1;
  bool sign_off = false, reopen = false, adopt_pending = false, discard_pending = false;
  std::vector<std::string> delete_follicles;  // SIDE:ID
  std::vector<std::string> statuses;          // SIDE:STATUS
  std::vector<std::string> scan_sides;        // SOP_INSTANCE_UID:SIDE
  std::vector<std::string> counting_scans;    // SIDE:SOP_INSTANCE_UID
  std::vector<std::string> edit_follicles;    // SIDE:ID:LONG,SHORT
  std::vector<std::string> add_follicles;     // SIDE:LONG,SHORT
  std::vector<std::string> ovary_diameters;   // SIDE:L,W[,H]
  std::vector<std::string> ovary_boxes;       // SOP_INSTANCE_UID:X,Y,WIDTH,HEIGHT
  std::string preset, params;                 // pipeline options for --ovary-box
};

Result<std::pair<Side, std::string>> SideAndValue(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return MakeError(ErrorCode::kInvalidArgument, "expected SIDE:VALUE, got '" + text + "'");
  auto side = SideFromString(text.substr(0, colon));
  if (!side || !IsOvarySide(*side)) return MakeError(ErrorCode::kInvalidArgument, "side must be left or right");
  return std::pair{*side, text.substr(colon + 1)};
}

// "8.5,6" or "31,22,18": between min_count and max_count millimetre values.
Result<std::vector<double>> Millimetres(const std::string& text, size_t min_count, size_t max_count) {
  std::vector<double> values;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || !std::isfinite(v)) {
      return MakeError(ErrorCode::kInvalidArgument, "'" + text + "': expected millimetres separated by commas");
    }
    values.push_back(v);
    start = comma + 1;
  }
  if (values.size() < min_count || values.size() > max_count) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + text + "': expected " + std::to_string(min_count) +
                                                      (max_count > min_count ? " to " + std::to_string(max_count) : "") +
                                                      " diameters in mm");
  }
  return values;
}

// "1.2.840...:left": UIDs hold digits and dots only, so the last colon splits.
Result<std::pair<std::string, Side>> ScanAndSide(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "expected SOP_INSTANCE_UID:SIDE, got '" + text + "'");
  }
  auto side = SideFromString(text.substr(colon + 1));
  if (!side) return MakeError(ErrorCode::kInvalidArgument, "scan side must be left, right, not-ovary or unknown");
  return std::pair{text.substr(0, colon), *side};
}

// One option's value applied to the visit; each returns the editor's refusal.
using Correction = Status (*)(const std::string& item, VisitEditor& editor, const std::string& who,
                              const std::string& reason);

Status SetScanSideFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = ScanAndSide(item);
  if (!parsed) return parsed.error();
  return e.SetScanSide(parsed->first, parsed->second, who, reason);
}

Status SetCountingScanFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);
  if (!parsed) return parsed.error();
  return e.SetCountingScan(parsed->first, parsed->second, who, reason);
}

Status SetStatusFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);
  if (!parsed) return parsed.error();
  auto status = OvaryStatusFromString(parsed->second);
  if (!status) return MakeError(ErrorCode::kInvalidArgument, "status must be measured, not-visualised or not-scanned");
  return e.SetOvaryStatus(parsed->first, *status, who, reason);
}

Status EditFollicleFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);  // left:L3:8.5,6
  if (!parsed) return parsed.error();
  const auto colon = parsed->second.find(':');
  if (colon == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "expected SIDE:ID:LONG,SHORT, got '" + item + "'");
  }
  auto mm = Millimetres(parsed->second.substr(colon + 1), 2, 2);
  if (!mm) return mm.error();
  return e.EditFollicle(parsed->first, parsed->second.substr(0, colon), (*mm)[0], (*mm)[1], who, reason);
}

Status AddFollicleFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);  // right:5.5,4 (typed in: no calipers on the image)
  if (!parsed) return parsed.error();
  auto mm = Millimetres(parsed->second, 2, 2);
  if (!mm) return mm.error();
  FollicleInput input;
  input.long_mm = (*mm)[0];
  input.short_mm = (*mm)[1];
  auto id = e.AddFollicle(parsed->first, input, who, reason);
  return id ? Status::Ok() : Status(id.error());
}

Status SetOvaryDiametersFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);  // left:31,22,18 (height optional)
  if (!parsed) return parsed.error();
  auto mm = Millimetres(parsed->second, 2, 3);
  if (!mm) return mm.error();
  const std::optional<double> height = mm->size() == 3 ? std::optional((*mm)[2]) : std::nullopt;
  return e.SetOvaryDiameters(parsed->first, (*mm)[0], (*mm)[1], height, who, reason);
}

Status DeleteFollicleFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason) {
  auto parsed = SideAndValue(item);
  if (!parsed) return parsed.error();
  return e.DeleteFollicle(parsed->first, parsed->second, who, reason);
}

// What --ovary-box needs besides the visit: where the scans are, and the
// pipeline options to analyse them with.
struct BoxAnalysis {
  const ScanPathLookup& path_of;
  const pipeline::AnalyzeOptions& options;
  const std::vector<AuditEntry>& saved_trail;
};

Result<std::pair<std::string, cv::Rect>> ScanAndBox(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "expected SOP_INSTANCE_UID:X,Y,WIDTH,HEIGHT, got '" + text + "'");
  }
  std::vector<int> v;
  std::stringstream parts(text.substr(colon + 1));
  for (std::string part; std::getline(parts, part, ',');) {
    char* end = nullptr;
    const long n = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || n < 0 || n > 100000) {
      return MakeError(ErrorCode::kInvalidArgument, "ovary box: '" + part + "' is not a pixel position");
    }
    v.push_back(static_cast<int>(n));
  }
  if (v.size() != 4) return MakeError(ErrorCode::kInvalidArgument, "ovary box: give X,Y,WIDTH,HEIGHT in image pixels");
  return std::pair{text.substr(0, colon), cv::Rect(v[0], v[1], v[2], v[3])};
}

// The reviewer's box around the ovary on a scan, as the viewer's Shift+O: the
// box recorded, on the counting scan the automatic follicles outside it
// deleted (each its own entry), and the scan analysed with the box given (its
// new follicles inside added; see VisitEditor::ApplyOvaryBoxAnalysis).
Status BoxOvaryFrom(const std::string& item, VisitEditor& e, const std::string& who, const std::string& reason,
                    const BoxAnalysis& with) {
  auto parsed = ScanAndBox(item);
  if (!parsed) return parsed.error();
  const auto& [uid, box] = *parsed;
  if (Status s = e.SetOvaryBox(uid, box, who, reason); !s) return s;
  const ScanEntry* scan = e.visit().FindScan(uid);
  const pipeline::GivenOvary ovary = pipeline::GivenOvaryFromBox(box);
  if (IsOvarySide(scan->side) && e.visit().ovary(scan->side).counting_scan == uid) {
    std::vector<std::string> outside;
    for (const auto& f : e.visit().ovary(scan->side).follicles) {
      if (f.sop_instance_uid == uid && f.origin == FollicleOrigin::kAutomatic && !ovary.Contains(f.center_px)) {
        outside.push_back(f.id);
      }
    }
    for (const auto& id : outside) {
      if (Status s = e.DeleteFollicle(scan->side, id, who, reason); !s) return s;
    }
  }
  const auto path = with.path_of(uid);
  if (!path) return MakeError(ErrorCode::kNotFound, "no file known for scan " + uid + " (private/scan-paths.csv)");
  auto source = OpenImage(*path);
  if (!source) return MakeError(source.error().code, path->string() + ": " + source.error().message);
  pipeline::AnalyzeOptions options = with.options;
  options.ovary = ovary;
  auto analysis = pipeline::AnalyzeImage(**source, options);
  if (!analysis) return MakeError(analysis.error().code, path->string() + ": " + analysis.error().message);
  auto added = e.ApplyOvaryBoxAnalysis(uid, box, *analysis, with.saved_trail, who, reason);
  if (!added) return added.error();
  return Status::Ok();
}

// In this order: sides and counting scans decide which follicles an ovary
// has before they are corrected (ovary boxes next, as they add follicles);
// deletions last; sign-off after everything.
Status ApplyCorrections(const ReviewOptions& o, VisitEditor& editor, const BoxAnalysis& box_analysis) {
  if (o.reopen) {
    if (Status s = editor.Reopen(o.reviewer, o.reason); !s) return s;
  }
  const std::pair<const std::vector<std::string>*, Correction> before_boxes[] = {
      {&o.scan_sides, SetScanSideFrom}, {&o.counting_scans, SetCountingScanFrom}};
  for (const auto& [items, apply] : before_boxes) {
    for (const auto& item : *items) {
      if (Status s = apply(item, editor, o.reviewer, o.reason); !s) return s;
    }
  }
  for (const auto& item : o.ovary_boxes) {
    if (Status s = BoxOvaryFrom(item, editor, o.reviewer, o.reason, box_analysis); !s) return s;
  }
  const std::pair<const std::vector<std::string>*, Correction> steps[] = {
      {&o.statuses, SetStatusFrom},             {&o.edit_follicles, EditFollicleFrom},
      {&o.add_follicles, AddFollicleFrom},      {&o.ovary_diameters, SetOvaryDiametersFrom},
      {&o.delete_follicles, DeleteFollicleFrom},
  };
  for (const auto& [items, apply] : steps) {
    for (const auto& item : *items) {
      if (Status s = apply(item, editor, o.reviewer, o.reason); !s) return s;
    }
  }
  if (o.sign_off) return editor.SignOff(o.reviewer, o.reason);
  return Status::Ok();
}

int RunReview(const ReviewOptions& o) {
  ResultsStore store(o.results);
  const VisitRef ref{o.subject, o.visit};
  const std::string where = o.subject + "/" + ResultsStore::VisitFolderName(o.visit);
  if (o.adopt_pending || o.discard_pending) {
    Status s = o.adopt_pending ? store.AdoptPendingAutomatic(ref, o.reviewer, o.reason)
                               : store.DiscardPendingAutomatic(ref, o.reviewer, o.reason);
    if (!s) {
      ReportFileError(where, s.error().message);
      return kExitSomeFailed;
    }
    std::cout << where << ": " << (o.adopt_pending ? "pending automatic result adopted" : "pending automatic result discarded") << "\n";
    return kExitOk;
  }
  auto visit = store.Load(ref);
  if (!visit) {
    ReportFileError(where, visit.error().message);
    return kExitSomeFailed;
  }
  VisitEditor editor(std::move(*visit));
  auto fail = [&](const Error& e) {
    ReportFileError(where, e.message);
    return kExitSomeFailed;
  };
  // An unreadable scan-paths.csv must not stop the review being saved: the
  // key images then cannot be drawn (the notes say so), nor a box analysed.
  std::vector<std::string> key_notes;
  std::map<std::string, std::filesystem::path> paths;
  if (auto scan_paths = LoadScanPaths(o.results)) {
    paths = std::move(*scan_paths);
  } else {
    key_notes.push_back("private/scan-paths.csv: " + scan_paths.error().message);
  }
  const ScanPathLookup path_of = LookupIn(std::move(paths));
  pipeline::AnalyzeOptions box_options;
  std::vector<AuditEntry> trail;
  if (!o.ovary_boxes.empty()) {
    auto loaded = pipeline::LoadParamsOrPreset(o.params, o.preset);
    if (!loaded) return fail(loaded.error());
    box_options.pipeline = std::move(loaded).value();
    box_options.software_version = kVersion;
    if (Status s = box_options.Check(); !s) return fail(s.error());
    auto saved = store.LoadAudit(ref);
    if (!saved) return fail(saved.error());
    trail = std::move(saved).value();
  }
  if (Status s = ApplyCorrections(o, editor, {path_of, box_options, trail}); !s) return fail(s.error());
  // The key images are drawn again from the reviewed visit, from the scans
  // where the study found them.
  if (Status s = SaveReviewedVisit(store, editor, path_of, key_notes); !s) return fail(s.error());
  for (const auto& e : editor.audit()) std::cout << where << ": " << e.action << " " << e.target << "\n";
  for (const auto& note : key_notes) std::cout << where << ": " << note << "\n";
  return kExitOk;
}

}  // namespace

CommandRunner RegisterReviewCommand(CLI::App& app) {
  auto o = std::make_shared<ReviewOptions>();
  auto* cmd = app.add_subcommand("review", "Reviewer actions on one visit (audited): sign off, reopen, corrections");
  cmd->add_option("results", o->results, "Results folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("subject", o->subject, "Subject ID")->required();
  cmd->add_option("visit", o->visit, "Visit number")->required();
  cmd->add_option("--reviewer", o->reviewer, "Who is acting (recorded in the audit trail)")->required();
  cmd->add_option("--reason", o->reason, "Why (required for every change except sign-off)");
  cmd->add_flag("--sign-off", o->sign_off, "Sign the visit off (locks it against automatic runs)");
  cmd->add_flag("--reopen", o->reopen, "Reopen a signed-off visit");
  cmd->add_option("--delete-follicle", o->delete_follicles, "Delete a follicle, e.g. left:L3");
  cmd->add_option("--set-status", o->statuses, "Set an ovary status, e.g. right:not-visualised");
  cmd->add_option("--counting-scan", o->counting_scans, "Count an ovary on another of its scans, e.g. left:1.2.840...");
  cmd->add_option("--edit-follicle", o->edit_follicles, "Correct a follicle's two diameters in mm, e.g. left:L3:8.5,6");
  cmd->add_option("--add-follicle", o->add_follicles,
                  "Add a follicle measured on the counting scan, by its two diameters in mm, e.g. right:5.5,4");
  cmd->add_option("--ovary-diameters", o->ovary_diameters,
                  "The ovary's length, width and (for the volume) height in mm, e.g. left:31,22,18");
  cmd->add_option("--set-scan-side", o->scan_sides,
                  "Assign a scan to an ovary, or mark it as showing none: SOP_INSTANCE_UID:left|right|not-ovary|unknown");
  cmd->add_option("--ovary-box", o->ovary_boxes,
                  "Box the ovary on a scan and analyse it again with the box given, as the viewer's Shift+O: "
                  "SOP_INSTANCE_UID:X,Y,WIDTH,HEIGHT (image pixels)");
  auto* preset = cmd->add_option("--preset", o->preset, "Pipeline preset models/NAME.json for --ovary-box");
  cmd->add_option("--params", o->params, "Pipeline options from this JSON file for --ovary-box")->excludes(preset);
  cmd->add_flag("--adopt-pending", o->adopt_pending, "Replace the visit with its pending automatic result");
  cmd->add_flag("--discard-pending", o->discard_pending, "Drop the pending automatic result");
  return [o] { return RunReview(*o); };
}

}  // namespace antra::cli
