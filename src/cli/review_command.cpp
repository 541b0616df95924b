// antra review RESULTS SUBJECT VISIT --reviewer NAME [--reason TEXT] ACTION
//
// Reviewer actions from the command line, through the same library calls as
// the viewer: each one is an audit entry, and a signed-off visit is locked
// until reopened.

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
};

Result<std::pair<Side, std::string>> SideAndValue(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return MakeError(ErrorCode::kInvalidArgument, "expected SIDE:VALUE, got '" + text + "'");
  auto side = SideFromString(text.substr(0, colon));
  if (!side || *side == Side::kUnknown) return MakeError(ErrorCode::kInvalidArgument, "side must be left or right");
  return std::pair{*side, text.substr(colon + 1)};
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
  if (o.reopen) {
    if (Status s = editor.Reopen(o.reviewer, o.reason); !s) return fail(s.error());
  }
  // Sides first: a scan assigned here can then be counted, and its follicles edited.
  for (const auto& item : o.scan_sides) {
    auto parsed = ScanAndSide(item);
    if (!parsed) return fail(parsed.error());
    if (Status s = editor.SetScanSide(parsed->first, parsed->second, o.reviewer, o.reason); !s) return fail(s.error());
  }
  for (const auto& item : o.delete_follicles) {
    auto parsed = SideAndValue(item);
    if (!parsed) return fail(parsed.error());
    if (Status s = editor.DeleteFollicle(parsed->first, parsed->second, o.reviewer, o.reason); !s) return fail(s.error());
  }
  for (const auto& item : o.statuses) {
    auto parsed = SideAndValue(item);
    if (!parsed) return fail(parsed.error());
    auto status = OvaryStatusFromString(parsed->second);
    if (!status) return fail(MakeError(ErrorCode::kInvalidArgument, "status must be measured, not-visualised or not-scanned"));
    if (Status s = editor.SetOvaryStatus(parsed->first, *status, o.reviewer, o.reason); !s) return fail(s.error());
  }
  if (o.sign_off) {
    if (Status s = editor.SignOff(o.reviewer, o.reason); !s) return fail(s.error());
  }
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
  cmd->add_option("--set-scan-side", o->scan_sides,
                  "Assign a scan to an ovary, or mark it as showing none: SOP_INSTANCE_UID:left|right|not-ovary|unknown");
  cmd->add_flag("--adopt-pending", o->adopt_pending, "Replace the visit with its pending automatic result");
  cmd->add_flag("--discard-pending", o->discard_pending, "Drop the pending automatic result");
  return [o] { return RunReview(*o); };
}

}  // namespace antra::cli
