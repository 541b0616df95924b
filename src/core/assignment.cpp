#include "core/assignment.h"

#include <algorithm>
#include <cmath>

namespace antra {

std::vector<std::pair<int, int>> SolveAssignment(const std::vector<std::vector<double>>& cost, double max_cost) {
  const int rows = static_cast<int>(cost.size());
  const int cols = rows ? static_cast<int>(cost[0].size()) : 0;
  if (rows == 0 || cols == 0) return {};
  // Square matrix; forbidden and padding cells cost more than any real pair so
  // they are only used when nothing else fits, and are dropped afterwards.
  const int n = std::max(rows, cols);
  double largest = 0;
  for (const auto& row : cost) {
    for (double c : row) {
      if (std::isfinite(c) && c <= max_cost) largest = std::max(largest, std::abs(c));
    }
  }
  const double forbidden = (largest + 1) * (n + 1);
  std::vector<std::vector<double>> a(n + 1, std::vector<double>(n + 1, forbidden));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const double v = cost[r][c];
      if (std::isfinite(v) && v <= max_cost) a[r + 1][c + 1] = v;
    }
  }
  // Potentials u (rows), v (columns); p[c] = row assigned to column c (1-based).
  std::vector<double> u(n + 1, 0), v(n + 1, 0);
  std::vector<int> p(n + 1, 0), way(n + 1, 0);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::vector<double> min_v(n + 1, std::numeric_limits<double>::infinity());
    std::vector<bool> used(n + 1, false);
    do {
      used[j0] = true;
      const int i0 = p[j0];
      double delta = std::numeric_limits<double>::infinity();
      int j1 = 0;
      for (int j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = a[i0][j] - u[i0] - v[j];
        if (cur < min_v[j]) {
          min_v[j] = cur;
          way[j] = j0;
        }
        if (min_v[j] < delta) {
          delta = min_v[j];
          j1 = j;
        }
      }
      for (int j = 0; j <= n; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          min_v[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<std::pair<int, int>> pairs;
  for (int j = 1; j <= n; ++j) {
    const int r = p[j] - 1;
    const int c = j - 1;
    if (r < rows && c < cols && std::isfinite(cost[r][c]) && cost[r][c] <= max_cost) pairs.emplace_back(r, c);
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

}  // namespace antra
