// antra report RESULTS_DIR [SUBJECT] [--chart PNG]

#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "core/atomic_file.h"
#include "study/safe_names.h"
#include "study/study_report.h"

namespace antra::cli {

namespace {

struct ReportOptions {
  std::string results;
  std::string subject;
  std::string chart;
};

int RunReport(const ReportOptions& o) {
  if (!o.subject.empty()) {
    if (Status s = CheckSubjectId(o.subject); !s) {
      std::cerr << "antra: error: " << s.error().message << "\n";
      return kExitUsage;
    }
  }
  ResultsStore store(o.results);
  auto study = SummariseStudy(store);
  if (!study) {
    ReportFileError(o.results, study.error().message);
    return kExitSomeFailed;
  }
  if (o.subject.empty()) {
    std::cout << StudyTable(*study);
    return kExitOk;
  }
  auto it = std::find_if(study->begin(), study->end(), [&](const SubjectSummary& s) { return s.subject_id == o.subject; });
  if (it == study->end()) {
    ReportFileError(o.results, "no visits for subject " + o.subject);
    return kExitSomeFailed;
  }
  std::cout << SubjectTable(*it);
  const std::filesystem::path chart =
      o.chart.empty() ? std::filesystem::path(o.results) / "reports" / (o.subject + "-afc.png") : std::filesystem::path(o.chart);
  auto png = SubjectChartPng(*it);
  if (!png) {
    ReportFileError(chart.string(), png.error().message);
    return kExitSomeFailed;
  }
  if (Status s = WriteFileAtomically(chart, *png); !s) {
    ReportFileError(chart.string(), s.error().message);
    return kExitSomeFailed;
  }
  std::cout << "chart: " << chart.string() << "\n";
  return kExitOk;
}

}  // namespace

CommandRunner RegisterReportCommand(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  auto* cmd = app.add_subcommand("report", "AFC over visits: one participant (table + chart) or the whole study");
  cmd->add_option("results", o->results, "Results folder")->required()->check(CLI::ExistingDirectory);
  cmd->add_option("subject", o->subject, "Subject ID; without it, a study-wide table of missing and unreviewed visits");
  cmd->add_option("--chart", o->chart, "Where to write the PNG chart (default RESULTS/reports/SUBJECT-afc.png)");
  return [o] { return RunReport(*o); };
}

}  // namespace antra::cli
