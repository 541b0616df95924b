#include "study/study_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace antra {

namespace {

std::string Int(const std::optional<int>& v) { return v ? std::to_string(*v) : "-"; }
std::string Mm(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

std::string OvaryCell(const std::string& status, const std::optional<int>& afc) {
  if (status == "not-visualised") return "not vis.";
  if (status == "not-scanned") return "not scanned";
  return afc ? std::to_string(*afc) : "n/a";
}

std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

Result<std::vector<SubjectSummary>> SummariseStudy(const ResultsStore& store) {
  auto refs = store.ListVisits();
  if (!refs) return refs.error();
  std::map<std::string, SubjectSummary> subjects;
  for (const auto& ref : *refs) {
    auto v = store.Load(ref);
    if (!v) return MakeError(v.error().code, ref.subject_id + "/" + ResultsStore::VisitFolderName(ref.visit_number) + ": " + v.error().message);
    SubjectSummary& s = subjects[v->subject_id];
    s.subject_id = v->subject_id;
    s.baseline_date = v->baseline_date;
    VisitSummary row;
    row.visit = v->visit_number;
    const auto dates = v->ScanDates();
    row.date = dates.empty() ? v->TargetDate() : dates.front();
    if (auto b = Date::Parse(v->baseline_date), d = Date::Parse(row.date); b && d) row.days_from_baseline = b->DaysUntil(*d);
    row.left_status = ToString(v->left.status);
    row.right_status = ToString(v->right.status);
    row.left_afc = v->left.Afc();
    row.right_afc = v->right.Afc();
    row.total_afc = v->TotalAfc();
    row.largest_mm = v->LargestFollicleMm();
    row.calibrated = v->Calibrated();
    row.signed_off = v->signed_off();
    row.pending_automatic = store.HasPendingAutomatic(ref);
    row.scans_without_side = static_cast<int>(
        std::count_if(v->scans.begin(), v->scans.end(), [](const ScanEntry& scan) { return scan.side == Side::kUnknown; }));
    s.visits.push_back(row);
  }
  std::vector<SubjectSummary> out;
  for (auto& [id, s] : subjects) {
    std::sort(s.visits.begin(), s.visits.end(), [](const auto& a, const auto& b) { return a.visit < b.visit; });
    out.push_back(std::move(s));
  }
  return out;
}

std::string SubjectTable(const SubjectSummary& subject) {
  std::ostringstream out;
  out << "Subject " << subject.subject_id << "  (baseline " << subject.baseline_date << ")\n";
  const std::vector<std::pair<std::string, size_t>> columns = {
      {"visit", 7}, {"date", 12}, {"day", 6}, {"left AFC", 13}, {"right AFC", 13}, {"total", 7}, {"largest mm", 12}, {"review", 24}};
  // The review column is last, so its notes may run past its width.
  for (const auto& [name, width] : columns) out << Pad(name, width);
  out << "\n";
  for (const auto& v : subject.visits) {
    std::string review = v.signed_off ? "signed off" : "UNREVIEWED";
    if (v.pending_automatic) review += " +new result";
    if (!v.calibrated) review += " uncalibrated";
    if (v.scans_without_side > 0) review += " " + std::to_string(v.scans_without_side) + " scan(s) need a side";
    char visit[16];
    std::snprintf(visit, sizeof visit, "%02d", v.visit);
    out << Pad(visit, 7) << Pad(v.date, 12) << Pad(std::to_string(v.days_from_baseline), 6)
        << Pad(OvaryCell(v.left_status, v.left_afc), 13) << Pad(OvaryCell(v.right_status, v.right_afc), 13)
        << Pad(Int(v.total_afc), 7) << Pad(Mm(v.largest_mm), 12) << review << "\n";
  }
  out << "AFC: follicles of 2 to 10 mm mean diameter; 'not vis.' = ovary not visualised (not AFC 0).\n";
  return out.str();
}

std::string StudyTable(const std::vector<SubjectSummary>& subjects) {
  int last = -1;
  for (const auto& s : subjects) {
    for (const auto& v : s.visits) last = std::max(last, v.visit);
  }
  std::ostringstream out;
  out << Pad("subject", 14);
  for (int n = 0; n <= last; ++n) {
    char h[16];
    std::snprintf(h, sizeof h, "v%02d", n);
    out << Pad(h, 7);
  }
  out << "\n";
  std::vector<std::string> missing, unreviewed, pending, without_side;
  for (const auto& s : subjects) {
    out << Pad(s.subject_id, 14);
    std::map<int, const VisitSummary*> by_number;
    for (const auto& v : s.visits) by_number[v.visit] = &v;
    for (int n = 0; n <= last; ++n) {
      char name[48];
      std::snprintf(name, sizeof name, "%s visit-%02d", s.subject_id.c_str(), n);
      auto it = by_number.find(n);
      if (it == by_number.end()) {
        out << Pad("-", 7);
        missing.push_back(name);
        continue;
      }
      std::string cell = Int(it->second->total_afc);
      if (!it->second->signed_off) cell += "*", unreviewed.push_back(name);
      if (it->second->pending_automatic) cell += "!", pending.push_back(name);
      if (it->second->scans_without_side > 0) {
        without_side.push_back(std::string(name) + ": " + std::to_string(it->second->scans_without_side) + " scan(s)");
      }
      out << Pad(cell, 7);
    }
    out << "\n";
  }
  out << "Cells: total AFC (both ovaries); '-' missing visit; '*' unreviewed; '!' new automatic result pending.\n";
  auto list = [&](const char* title, const std::vector<std::string>& items) {
    out << title << " (" << items.size() << ")" << (items.empty() ? "" : ":") << "\n";
    for (const auto& i : items) out << "  " << i << "\n";
  };
  list("Missing visits", missing);
  list("Unreviewed visits", unreviewed);
  list("Pending automatic results", pending);
  list("Visits with scans waiting for a side (no sign-off until assigned)", without_side);
  return out.str();
}

Result<std::string> SubjectChartPng(const SubjectSummary& subject) {
  if (subject.visits.empty()) return MakeError(ErrorCode::kInvalidArgument, "no visits to chart");
  const int width = 900, panel_height = 230, margin_left = 70, margin_right = 150, top = 40, gap = 50;
  const int height = top + 2 * panel_height + gap + 60;
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const cv::Scalar black(0, 0, 0), grey(200, 200, 200), blue(200, 90, 30), red(40, 40, 210), green(40, 150, 40),
      purple(150, 50, 150);
  long max_day = 1;
  int max_afc = 1;
  double max_mm = 1;
  for (const auto& v : subject.visits) {
    max_day = std::max(max_day, v.days_from_baseline);
    for (const auto& a : {v.left_afc, v.right_afc, v.total_afc}) {
      if (a) max_afc = std::max(max_afc, *a);
    }
    if (v.largest_mm) max_mm = std::max(max_mm, *v.largest_mm);
  }
  max_afc = static_cast<int>(std::ceil(max_afc * 1.15)) + 1;
  max_mm = std::ceil(max_mm * 1.15) + 1;
  const int plot_w = width - margin_left - margin_right;
  auto x_of = [&](long day) { return margin_left + static_cast<int>(std::lround(static_cast<double>(day) / max_day * plot_w)); };

  auto panel = [&](int y0, const std::string& title, double y_max, bool integer_ticks) {
    cv::rectangle(img, {margin_left, y0}, {margin_left + plot_w, y0 + panel_height}, black, 1);
    cv::putText(img, title, {margin_left, y0 - 8}, cv::FONT_HERSHEY_SIMPLEX, 0.5, black, 1, cv::LINE_AA);
    for (int i = 0; i <= 4; ++i) {
      const double value = y_max * i / 4.0;
      const int y = y0 + panel_height - static_cast<int>(std::lround(panel_height * i / 4.0));
      cv::line(img, {margin_left, y}, {margin_left + plot_w, y}, grey, 1);
      char label[16];
      std::snprintf(label, sizeof label, integer_ticks ? "%.0f" : "%.1f", value);
      cv::putText(img, label, {8, y + 4}, cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
    }
    return [=](double v) { return y0 + panel_height - static_cast<int>(std::lround(panel_height * v / y_max)); };
  };
  const auto y_afc = panel(top, "AFC (2-10 mm)  - subject " + subject.subject_id, max_afc, true);
  const int top2 = top + panel_height + gap;
  const auto y_mm = panel(top2, "Largest follicle (mm, mean of two diameters)", max_mm, false);

  auto series = [&](auto value_of, auto y_of, const cv::Scalar& colour) {
    cv::Point previous(-1, -1);
    for (const auto& v : subject.visits) {
      const auto value = value_of(v);
      if (!value) {
        previous = {-1, -1};  // a gap, never a line across a missing value
        continue;
      }
      const cv::Point p(x_of(v.days_from_baseline), y_of(static_cast<double>(*value)));
      if (previous.x >= 0) cv::line(img, previous, p, colour, 2, cv::LINE_AA);
      cv::circle(img, p, 5, colour, v.signed_off ? cv::FILLED : 2, cv::LINE_AA);
      previous = p;
    }
  };
  series([](const VisitSummary& v) { return v.left_afc; }, y_afc, blue);
  series([](const VisitSummary& v) { return v.right_afc; }, y_afc, red);
  series([](const VisitSummary& v) { return v.total_afc; }, y_afc, green);
  series([](const VisitSummary& v) { return v.largest_mm; }, y_mm, purple);

  // X axis: days from baseline, with visit numbers.
  for (const auto& v : subject.visits) {
    const int x = x_of(v.days_from_baseline);
    char label[32];
    std::snprintf(label, sizeof label, "v%02d", v.visit);
    cv::putText(img, label, {x - 12, top2 + panel_height + 18}, cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
    std::snprintf(label, sizeof label, "d%ld", v.days_from_baseline);
    cv::putText(img, label, {x - 12, top2 + panel_height + 34}, cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
  }
  cv::putText(img, "days from baseline", {margin_left + plot_w / 2 - 60, height - 6}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black, 1, cv::LINE_AA);
  const int lx = margin_left + plot_w + 15;
  int ly = top + 15;
  for (const auto& [name, colour] : {std::pair{"left", blue}, std::pair{"right", red}, std::pair{"total", green},
                                     std::pair{"largest", purple}}) {
    cv::circle(img, {lx + 5, ly - 4}, 5, colour, cv::FILLED, cv::LINE_AA);
    cv::putText(img, name, {lx + 15, ly}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black, 1, cv::LINE_AA);
    ly += 22;
  }
  cv::circle(img, {lx + 5, ly - 4}, 5, black, 2, cv::LINE_AA);
  cv::putText(img, "unreviewed", {lx + 15, ly}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black, 1, cv::LINE_AA);

  std::vector<unsigned char> png;
  if (!cv::imencode(".png", img, png)) return MakeError(ErrorCode::kIo, "PNG encoding failed");
  return std::string(png.begin(), png.end());
}

}  // namespace antra
