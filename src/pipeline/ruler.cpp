#include "pipeline/ruler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>

#include <opencv2/imgproc.hpp>

namespace antra::pipeline {

Status RulerOptions::Check() const {
  if (min_mark_level < 1 || min_mark_level > 255) return MakeError(ErrorCode::kInvalidArgument, "ruler.min_mark_level must be in 1..255");
  if (max_mark_width_px < 1 || max_mark_width_px > 100 || max_mark_height_px < 1 || max_mark_height_px > 50) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler mark size limits must be positive and small");
  }
  if (min_mark_contrast < 0 || min_mark_contrast > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler.min_mark_contrast must be in 0..255");
  }
  if (!(min_span_fraction >= 0 && min_span_fraction <= 1)) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler.min_span_fraction must be in 0..1");
  }
  if (min_faint_mark_contrast < 0 || min_faint_mark_contrast > 255) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler.min_faint_mark_contrast must be in 0..255");
  }
  if (min_marks < 3 || min_marks > 100) return MakeError(ErrorCode::kInvalidArgument, "ruler.min_marks must be in 3..100");
  if (!(column_tolerance_px > 0 && column_tolerance_px < 20)) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler.column_tolerance_px must be in (0, 20)");
  }
  if (!(spacing_tolerance > 0 && spacing_tolerance < 0.3)) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler.spacing_tolerance must be in (0, 0.3)");
  }
  if (!(min_px_per_cm > 0 && min_px_per_cm < max_px_per_cm)) {
    return MakeError(ErrorCode::kInvalidArgument, "ruler: need 0 < min_px_per_cm < max_px_per_cm");
  }
  return Status::Ok();
}

namespace {

struct Mark {
  cv::Rect box;
  cv::Point2d center;
  bool faint = false;  // found by the second pass, at a position the clear marks predict
};

// Where a column's marks line up: their left edge, centre or right edge,
// depending on the vendor.
double AlignedX(const Mark& m, int alignment) {
  return alignment == 0 ? m.box.x : (alignment == 1 ? m.center.x : double(m.box.x + m.box.width));
}

// A drawn mark stands out from what is around it; a bright speckle grain
// fades into bright neighbours.
bool Isolated(const cv::Mat& luma, const cv::Rect& box, int min_step) {
  const cv::Rect ring = cv::Rect(box.x - 2, box.y - 2, box.width + 4, box.height + 4) & cv::Rect(0, 0, luma.cols, luma.rows);
  double inside = 0, outside = 0;
  int n_in = 0, n_out = 0;
  for (int y = ring.y; y < ring.br().y; ++y) {
    for (int x = ring.x; x < ring.br().x; ++x) {
      if (box.contains({x, y})) inside += luma.at<uchar>(y, x), ++n_in;
      else outside += luma.at<uchar>(y, x), ++n_out;
    }
  }
  return n_in > 0 && n_out > 0 && inside / n_in - outside / n_out >= min_step;
}

std::vector<Mark> FindMarks(const cv::Mat& luma, const RulerOptions& o) {
  cv::Mat bright = luma >= o.min_mark_level;
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(bright, labels, stats, centroids, 8, CV_32S);
  std::vector<Mark> marks;
  for (int i = 1; i < n; ++i) {
    const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (w > o.max_mark_width_px || h > o.max_mark_height_px || w < h - 1) continue;
    // A drawn mark is solid (a bar or a dot), unlike a speckle streak.
    if (area < 0.6 * w * h) continue;
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), w, h);
    if (!Isolated(luma, box, o.min_mark_contrast)) continue;
    marks.push_back({cv::Rect(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP), w, h),
                     {centroids.at<double>(i, 0), centroids.at<double>(i, 1)}});
  }
  return marks;
}

struct Fit {
  double period = 0, origin = 0;
  std::vector<int> members;  // indices into the column's marks
  std::vector<int> steps;    // k for each member: y = origin + k * period
  double rms = 0;
};

// Least squares y = origin + k * period over the fit's members, and the rms
// residual.
void LeastSquares(const std::vector<Mark>& column, Fit& fit) {
  double sk = 0, sy = 0, skk = 0, sky = 0;
  const double n = double(fit.members.size());
  for (size_t i = 0; i < fit.members.size(); ++i) {
    const double k = fit.steps[i], y = column[size_t(fit.members[i])].center.y;
    sk += k, sy += y, skk += k * k, sky += k * y;
  }
  const double denominator = n * skk - sk * sk;
  if (denominator > 0) {
    fit.period = (n * sky - sk * sy) / denominator;
    fit.origin = (sy - fit.period * sk) / n;
  }
  double sq = 0;
  for (size_t i = 0; i < fit.members.size(); ++i) {
    const double r = column[size_t(fit.members[i])].center.y - (fit.origin + fit.steps[i] * fit.period);
    sq += r * r;
  }
  fit.rms = std::sqrt(sq / n);
}

// The regular spacing that explains most marks of a column (sorted by y).
// Fits whose marks fill less than `min_density` of the slots they span are
// refused (a subharmonic, half the true period, leaves every other slot
// empty). With `refine`, the marks are assigned again from the least-squares
// period until the assignment settles: a period measured between two
// neighbouring marks is a pixel or so off, which puts marks ten periods away
// outside the tolerance.
Fit FitPeriod(const std::vector<Mark>& column, const RulerOptions& o, double min_period, double max_period,
              double min_density = 0.7, bool refine = false) {
  Fit best;
  std::set<long> tried;
  for (size_t i = 0; i + 1 < column.size(); ++i) {
    for (size_t j = i + 1; j < std::min(column.size(), i + 3); ++j) {
      const double d = column[j].center.y - column[i].center.y;
      if (d < min_period || d > max_period || !tried.insert(std::lround(d * 4)).second) continue;
      for (size_t a = 0; a < column.size(); ++a) {
        Fit fit;
        fit.period = d;
        fit.origin = column[a].center.y;
        for (size_t m = 0; m < column.size(); ++m) {
          const double k = (column[m].center.y - fit.origin) / d;
          if (std::abs(k - std::round(k)) <= o.spacing_tolerance) {
            fit.members.push_back(int(m));
            fit.steps.push_back(int(std::lround(k)));
          }
        }
        if (fit.members.size() < 2) continue;
        const int span = *std::max_element(fit.steps.begin(), fit.steps.end()) -
                         *std::min_element(fit.steps.begin(), fit.steps.end()) + 1;
        if (fit.members.size() < min_density * span) continue;
        if (fit.members.size() > best.members.size() ||
            (fit.members.size() == best.members.size() && d > best.period)) {
          best = fit;
        }
      }
    }
  }
  if (best.members.size() < 2) return best;
  LeastSquares(column, best);
  for (int round = 0; refine && round < 4; ++round) {
    Fit again;
    again.period = best.period;
    again.origin = best.origin;
    for (size_t m = 0; m < column.size(); ++m) {
      const double k = (column[m].center.y - again.origin) / again.period;
      if (std::abs(k - std::round(k)) <= o.spacing_tolerance) {
        again.members.push_back(int(m));
        again.steps.push_back(int(std::lround(k)));
      }
    }
    if (again.members.size() <= best.members.size()) break;
    LeastSquares(column, again);
    best = std::move(again);
  }
  return best;
}

double MedianOf(std::vector<int> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// Reads the period as 0.5 or 1 cm from the marks' widths. Faint marks are
// left out: their boxes are the size searched for, not a measured width.
void ReadPeriod(const std::vector<Mark>& column, const Fit& all, RulerReading& out) {
  Fit fit;
  fit.period = all.period;
  for (size_t i = 0; i < all.members.size(); ++i) {
    if (column[size_t(all.members[i])].faint) continue;
    fit.members.push_back(all.members[i]);
    fit.steps.push_back(all.steps[i]);
  }
  // Marks at even and odd steps: dots and dashes alternate on a 0.5 cm ruler.
  // Medians, so that the few long marks do not sway them.
  std::vector<int> even, odd;
  for (size_t i = 0; i < fit.members.size(); ++i) {
    const int w = column[size_t(fit.members[i])].box.width;
    ((fit.steps[i] % 2 + 2) % 2 == 0 ? even : odd).push_back(w);
  }
  const double even_width = MedianOf(even), odd_width = MedianOf(odd);
  // Long marks: clearly wider than both kinds.
  const double long_width = std::max(1.6 * std::max(even_width, odd_width), std::max(even_width, odd_width) + 3.0);
  std::vector<int> long_steps;
  // Neighbouring marks (one step apart, neither long): is the even one
  // consistently wider, or the odd one? Dots and dashes may differ by a single
  // pixel after JPEG, so consistency counts more than size.
  int pairs = 0, even_wider = 0, odd_wider = 0;
  double difference = 0;
  for (size_t i = 0; i < fit.members.size(); ++i) {
    const int w = column[size_t(fit.members[i])].box.width;
    if (w >= long_width) {
      long_steps.push_back(fit.steps[i]);
      continue;
    }
    if (i + 1 >= fit.members.size() || fit.steps[i + 1] != fit.steps[i] + 1) continue;
    const int next = column[size_t(fit.members[i + 1])].box.width;
    if (next >= long_width) continue;
    const bool even_first = (fit.steps[i] % 2 + 2) % 2 == 0;
    const int even_w = even_first ? w : next, odd_w = even_first ? next : w;
    ++pairs;
    if (even_w > odd_w) ++even_wider;
    if (odd_w > even_w) ++odd_wider;
    difference += std::abs(even_w - odd_w);
  }
  const int agreeing = std::max(even_wider, odd_wider);
  const bool alternating = pairs >= 2 && difference / pairs >= 0.8 &&
                           (agreeing == pairs || (pairs >= 4 && agreeing >= 0.8 * pairs));
  // Long marks every 10 periods: 0.5 cm periods; every 5 (and not 10): 1 cm.
  // Between two long marks 10 periods apart there may be a third that was
  // only seen as a faint mark (whose width is not measured): such a gap says
  // nothing about 10 against 5, and reading it as 10 would halve every size.
  std::set<int> faint_steps;
  for (size_t i = 0; i < all.members.size(); ++i) {
    if (column[size_t(all.members[i])].faint) faint_steps.insert(all.steps[i]);
  }
  int long_every = 0;
  for (size_t i = 1; i < long_steps.size(); ++i) {
    const int gap = long_steps[i] - long_steps[i - 1];
    const bool hides_a_mark = faint_steps.lower_bound(long_steps[i - 1] + 1) != faint_steps.lower_bound(long_steps[i]);
    if (hides_a_mark && gap % 10 == 0) continue;
    if (gap > 0) long_every = long_every == 0 ? gap : std::gcd(long_every, gap);
  }
  std::ostringstream detail;
  detail << all.members.size() << " marks " << std::fixed;
  detail.precision(2);
  detail << fit.period << " px apart";
  if (alternating) {
    out.period_cm = 0.5;
    out.confidence = long_every == 10 ? 0.95 : (long_every == 5 ? 0.5 : 0.85);
    detail << ", alternating dots and dashes: 0.5 cm apart";
  } else if (long_every == 10) {
    out.period_cm = 0.5;
    out.confidence = 0.8;
    detail << ", a long mark every 10: 0.5 cm apart";
  } else if (long_every == 5) {
    out.period_cm = 1.0;
    out.confidence = 0.85;
    detail << ", a long mark every 5: 1 cm apart";
  } else {
    out.period_cm = 1.0;
    out.confidence = 0.5;
    detail << ", all marks alike: read as 1 cm apart";
  }
  out.detail = detail.str();
}

struct ColumnReading {
  RulerReading reading;
  double score = 0;
};

// One column of marks (sorted by y) read as a depth ruler, if it is one.
std::optional<ColumnReading> ReadColumn(const std::vector<Mark>& column, int alignment, int image_rows,
                                        const RulerOptions& o) {
  const Fit fit = FitPeriod(column, o, 0.5 * o.min_px_per_cm, o.max_px_per_cm);
  if (int(fit.members.size()) < o.min_marks || fit.rms > 0.04 * fit.period) return std::nullopt;
  // A depth ruler runs down a good part of the image.
  const double span = fit.period * (*std::max_element(fit.steps.begin(), fit.steps.end()) -
                                    *std::min_element(fit.steps.begin(), fit.steps.end()));
  if (span < o.min_span_fraction * image_rows) return std::nullopt;
  ColumnReading out;
  RulerReading& reading = out.reading;
  ReadPeriod(column, fit, reading);
  reading.period_px = fit.period;
  reading.px_per_cm = fit.period / reading.period_cm;
  if (reading.px_per_cm < o.min_px_per_cm || reading.px_per_cm > o.max_px_per_cm) return std::nullopt;
  reading.mm_per_px = 10.0 / reading.px_per_cm;
  double x = 0;
  int faint = 0;
  for (int m : fit.members) {
    reading.marks.push_back(column[size_t(m)].center);
    x += AlignedX(column[size_t(m)], alignment);
    faint += column[size_t(m)].faint ? 1 : 0;
  }
  reading.column_x = int(std::lround(x / fit.members.size()));
  // More marks, a tighter fit and a clearer pattern make a better ruler.
  reading.confidence *= std::clamp(1.0 - fit.rms / (0.04 * fit.period) * 0.3, 0.5, 1.0);
  if (faint > 0) {
    reading.confidence *= 0.8;
    reading.detail += ", " + std::to_string(faint) + " of them faint (over tissue)";
  }
  out.score = double(fit.members.size()) * (0.5 + reading.confidence);
  return out;
}

// Columns of marks that line up (at least `min_count`), each sorted by y.
// Bounds on the work a frame can ask for. The column search is quadratic in
// the marks and the period fit cubic in a column's, and a hostile or odd
// frame (a dense grid of dots) can hold tens of thousands of mark-like spots.
// The 205 real screens hold at most 79 marks, at most 19 in one column.
constexpr size_t kMaxMarks = 2000;       // more: not a screen with a ruler
constexpr size_t kMaxColumnMarks = 150;  // more in one column: not a ruler
// The second pass predicts faint marks from a run of at least this many
// evenly spaced clear ones.
constexpr int kMinClearRun = 4;

std::vector<std::vector<Mark>> Columns(const std::vector<Mark>& marks, int alignment, double tolerance_px,
                                       int min_count) {
  std::vector<std::vector<Mark>> columns;
  std::set<std::vector<int>> seen;
  for (const auto& anchor : marks) {
    std::vector<int> members;
    for (size_t i = 0; i < marks.size(); ++i) {
      if (std::abs(AlignedX(marks[i], alignment) - AlignedX(anchor, alignment)) <= tolerance_px) {
        members.push_back(int(i));
      }
    }
    if (int(members.size()) < min_count || members.size() > kMaxColumnMarks || !seen.insert(members).second) continue;
    std::vector<Mark> column;
    for (int i : members) column.push_back(marks[size_t(i)]);
    std::sort(column.begin(), column.end(), [](const Mark& a, const Mark& b) { return a.center.y < b.center.y; });
    columns.push_back(std::move(column));
  }
  return columns;
}

double MeanOver(const cv::Mat& luma, const cv::Rect& box) { return cv::mean(luma(box))[0]; }

// The second pass. Where the fan's edge crosses the ruler, its marks lie over
// bright tissue and are not `min_mark_contrast` brighter than all around them,
// so too few clear marks remain, or clear marks with a gap the subharmonic
// test rejects. A run of at least four evenly spaced clear marks fixes the
// column and the period (or, where tissue hides every other mark or so, at
// least min_marks clear marks on one period with gaps between them); at
// every position they predict along the column, a mark-sized box as bright
// as a mark and `min_faint_mark_contrast` brighter than the rows just above
// and below it counts as a faint mark.
// Speckle rarely does that at an exact predicted spot, and the column with its
// faint marks must still pass every test of the first pass.
std::vector<Mark> WithFaintMarks(const cv::Mat& luma, const std::vector<Mark>& column, int alignment,
                                 const RulerOptions& o) {
  // What predicts the faint marks: the longest run of consecutive marks with
  // even spacing, else (where tissue hides every other mark or so) at least
  // min_marks clear marks on one period with gaps between them.
  std::vector<size_t> predictors;
  double origin = 0, period = 0;
  size_t best_first = 0, best_count = 0;
  for (size_t i = 0; i + 1 < column.size(); ++i) {
    const double gap = column[i + 1].center.y - column[i].center.y;
    if (gap < 0.5 * o.min_px_per_cm || gap > o.max_px_per_cm) continue;
    size_t j = i + 1;
    while (j + 1 < column.size() &&
           std::abs(column[j + 1].center.y - column[j].center.y - gap) <= o.spacing_tolerance * gap) {
      ++j;
    }
    if (j - i + 1 > best_count) best_first = i, best_count = j - i + 1;
  }
  if (best_count >= size_t(kMinClearRun)) {
    const Mark& first = column[best_first];
    const Mark& last = column[best_first + best_count - 1];
    origin = first.center.y;
    period = (last.center.y - first.center.y) / double(best_count - 1);
    for (size_t i = best_first; i < best_first + best_count; ++i) predictors.push_back(i);
  } else {
    const Fit gapped = FitPeriod(column, o, 0.5 * o.min_px_per_cm, o.max_px_per_cm, /*min_density=*/0.0, /*refine=*/true);
    if (int(gapped.members.size()) < o.min_marks || gapped.rms > 0.04 * gapped.period) return {};
    origin = gapped.origin;
    period = gapped.period;
    for (int m : gapped.members) predictors.push_back(size_t(m));
  }
  // The box searched for: as narrow as the predictors' narrowest mark (a dot
  // fits inside a dash), as tall as their typical mark, at their alignment.
  int w = column[predictors.front()].box.width;
  std::vector<int> heights, keys;
  for (size_t i : predictors) {
    w = std::min(w, column[i].box.width);
    heights.push_back(column[i].box.height);
    keys.push_back(int(std::lround(AlignedX(column[i], alignment))));
  }
  const int h = int(MedianOf(heights));
  const int key = int(MedianOf(keys));
  const int left = alignment == 0 ? key : (alignment == 1 ? key - w / 2 : key - w);
  const cv::Rect image(0, 0, luma.cols, luma.rows);
  std::vector<Mark> out = column;
  const int k_low = int(std::ceil((0 - origin) / period));
  const int k_high = int(std::floor((luma.rows - 1 - origin) / period));
  for (int k = k_low; k <= k_high; ++k) {
    const double y = origin + k * period;
    const bool taken = std::any_of(column.begin(), column.end(), [&](const Mark& m) {
      return std::abs(m.center.y - y) <= o.spacing_tolerance * period;
    });
    if (taken) continue;
    double best_contrast = -1;
    cv::Rect best_box;
    for (int dy = -2; dy <= 2; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const cv::Rect box(left + dx, int(std::lround(y - 0.5 * h)) + dy, w, h);
        const cv::Rect above(box.x, box.y - 4, w, 3), below(box.x, box.br().y + 1, w, 3);
        if ((above & image) != above || (below & image) != below) continue;
        const double level = MeanOver(luma, box);
        if (level < o.min_mark_level) continue;
        const double contrast = level - std::max(MeanOver(luma, above), MeanOver(luma, below));
        if (contrast > best_contrast) best_contrast = contrast, best_box = box;
      }
    }
    if (best_contrast < o.min_faint_mark_contrast) continue;
    out.push_back({best_box, {best_box.x + 0.5 * (best_box.width - 1), best_box.y + 0.5 * (best_box.height - 1)}, true});
  }
  std::sort(out.begin(), out.end(), [](const Mark& a, const Mark& b) { return a.center.y < b.center.y; });
  return out;
}

}  // namespace

std::optional<RulerReading> DetectDepthRuler(const cv::Mat& luma, const RulerOptions& o) {
  CV_Assert(luma.type() == CV_8UC1);
  const std::vector<Mark> marks = FindMarks(luma, o);
  if (marks.size() > kMaxMarks) return std::nullopt;
  std::optional<ColumnReading> best;
  auto consider = [&](const std::optional<ColumnReading>& candidate) {
    if (candidate && (!best || candidate->score > best->score)) best = candidate;
  };
  // Columns per alignment, once for both passes.
  std::vector<std::vector<Mark>> columns[3];
  for (int alignment = 0; alignment < 3; ++alignment) {
    columns[alignment] = Columns(marks, alignment, o.column_tolerance_px, std::min(o.min_marks, kMinClearRun));
  }
  // First pass: columns of clear marks alone.
  for (int alignment = 0; alignment < 3; ++alignment) {
    for (const auto& column : columns[alignment]) {
      if (int(column.size()) >= o.min_marks) consider(ReadColumn(column, alignment, luma.rows, o));
    }
  }
  // Second pass, only when the first found nothing (so a ruler read from clear
  // marks never changes): shorter columns of clear marks, completed with
  // faint ones.
  if (!best && o.min_faint_mark_contrast < o.min_mark_contrast) {
    for (int alignment = 0; alignment < 3; ++alignment) {
      for (const auto& column : columns[alignment]) {
        const std::vector<Mark> completed = WithFaintMarks(luma, column, alignment, o);
        if (!completed.empty()) consider(ReadColumn(completed, alignment, luma.rows, o));
      }
    }
  }
  if (!best) return std::nullopt;
  return best->reading;
}

}  // namespace antra::pipeline
