// antra review RESULTS SUBJECT VISIT --reviewer NAME [--reason TEXT] ACTION
//
// Reviewer actions from the command line, through the same library calls as
// the viewer: each one is an audit entry, and a signed-off visit is locked
// until reopened.

#include <cmath>
#include <iostream>
#include <map>

#include "cli/command.h"
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

// In this order: sides and counting scans decide which follicles an ovary
// has before they are corrected; deletions last; sign-off after everything.
Status ApplyCorrections(const ReviewOptions& o, VisitEditor& editor) {
  if (o.reopen) {
    if (Status s = editor.Reopen(o.reviewer, o.reason); !s) return s;
  }
  const std::pair<const std::vector<std::string>*, Correction> steps[] = {
      {&o.scan_sides, SetScanSideFrom},         {&o.counting_scans, SetCountingScanFrom},
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
  if (Status s = ApplyCorrections(o, editor); !s) return fail(s.error());
  // The key images are drawn again from the reviewed visit, from the scans
  // where the study found them.
  // An unreadable scan-paths.csv must not stop the review being saved: the
  // key images then cannot be drawn, and the notes say so.
  std::vector<std::string> key_notes;
  std::map<std::string, std::filesystem::path> paths;
  if (auto scan_paths = LoadScanPaths(o.results)) {
    paths = std::move(*scan_paths);
  } else {
    key_notes.push_back("private/scan-paths.csv: " + scan_paths.error().message);
  }
  const ScanPathLookup path_of = LookupIn(std::move(paths));
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
  cmd->add_flag("--adopt-pending", o->adopt_pending, "Replace the visit with its pending automatic result");
  cmd->add_flag("--discard-pending", o->discard_pending, "Drop the pending automatic result");
  return [o] { return RunReview(*o); };
}

}  // namespace antra::cli
