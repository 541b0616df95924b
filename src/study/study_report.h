#pragma once
// What `antra report` shows, computed once for the command line and the
// viewer: a participant's visits in order (AFC per ovary, total, largest
// follicle, review state), a chart of AFC and largest follicle over time, and
// a study-wide grid that shows missing and unreviewed visits. The treatment
// arm is never part of any of it.

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "study/visit_store.h"

namespace antra {

struct VisitSummary {
  int visit = 0;
  std::string date;              // first scan date (ISO), else the target date
  long days_from_baseline = 0;
  std::string left_status, right_status;
  std::optional<int> left_afc, right_afc, total_afc;
  std::optional<double> largest_mm;
  bool calibrated = false;
  bool signed_off = false;
  bool pending_automatic = false;  // a newer automatic result waits for review
  int scans_without_side = 0;      // laterality unknown: the visit cannot be signed off yet
};

struct SubjectSummary {
  std::string subject_id;
  std::string baseline_date;
  std::vector<VisitSummary> visits;  // by visit number
};

// Every subject in the results, sorted. A visit.json that cannot be read
// fails the summary (naming it) rather than hiding a visit.
Result<std::vector<SubjectSummary>> SummariseStudy(const ResultsStore& store);

// Fixed-width text tables.
std::string SubjectTable(const SubjectSummary& subject);
// One row per subject, one column per visit number up to the highest in the
// study: total AFC ("12"), "*" after it when unreviewed, "!" when a newer
// automatic result is pending, "-" for a missing visit. A list of missing
// and unreviewed visits follows.
std::string StudyTable(const std::vector<SubjectSummary>& subjects);

// PNG: AFC (left, right, total) and largest follicle against days from
// baseline. Unreviewed visits are drawn as hollow markers.
Result<std::string> SubjectChartPng(const SubjectSummary& subject);

}  // namespace antra
