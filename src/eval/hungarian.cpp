#include "eval/hungarian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace antra::eval {

namespace {

// Rows <= columns. Classic shortest-augmenting-path Hungarian with
// potentials u (rows) and v (columns); index 0 is a sentinel.
std::vector<int> SolveWide(const std::vector<std::vector<double>>& a, size_t n, size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0), v(m + 1, 0);
  std::vector<size_t> p(m + 1, 0), way(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    p[0] = i;
    size_t j0 = 0;
    std::vector<double> minv(m + 1, inf);
    std::vector<char> used(m + 1, 0);
    do {
      used[j0] = 1;
      const size_t i0 = p[j0];
      double delta = inf;
      size_t j1 = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<int> row_to_col(n, -1);
  for (size_t j = 1; j <= m; ++j) {
    if (p[j] != 0) row_to_col[p[j] - 1] = static_cast<int>(j - 1);
  }
  return row_to_col;
}

}  // namespace

std::vector<int> SolveAssignment(const std::vector<std::vector<double>>& cost) {
  const size_t n = cost.size();
  if (n == 0) return {};
  const size_t m = cost.front().size();
  for (const auto& row : cost) {
    if (row.size() != m) throw std::invalid_argument("SolveAssignment: rows of different lengths");
    for (double c : row) {
      if (!std::isfinite(c)) throw std::invalid_argument("SolveAssignment: costs must be finite");
    }
  }
  if (m == 0) return std::vector<int>(n, -1);
  if (n <= m) return SolveWide(cost, n, m);
  // More rows than columns: solve the transpose.
  std::vector<std::vector<double>> t(m, std::vector<double>(n));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) t[j][i] = cost[i][j];
  }
  const auto col_to_row = SolveWide(t, m, n);
  std::vector<int> row_to_col(n, -1);
  for (size_t j = 0; j < m; ++j) {
    if (col_to_row[j] >= 0) row_to_col[static_cast<size_t>(col_to_row[j])] = static_cast<int>(j);
  }
  return row_to_col;
}

std::vector<int> MatchWithinLimits(const std::vector<std::vector<double>>& cost, const std::vector<double>& limit) {
  const size_t n = cost.size();
  if (limit.size() != n) throw std::invalid_argument("MatchWithinLimits: one limit per row");
  if (n == 0) return {};
  const size_t m = cost.front().size();
  // A forbidden pair costs more than any set of allowed pairs together, so
  // the optimum has the most allowed pairs, then the least cost among them.
  double allowed_total = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      if (cost[i][j] <= limit[i]) allowed_total += std::max(0.0, cost[i][j]);
    }
  }
  const double forbidden = 2.0 * allowed_total + 1.0;
  std::vector<std::vector<double>> gated(n, std::vector<double>(m));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) gated[i][j] = cost[i][j] <= limit[i] ? std::max(0.0, cost[i][j]) : forbidden;
  }
  auto match = SolveAssignment(gated);
  for (size_t i = 0; i < n; ++i) {
    if (match[i] >= 0 && !(cost[i][static_cast<size_t>(match[i])] <= limit[i])) match[i] = -1;
  }
  return match;
}

}  // namespace antra::eval
