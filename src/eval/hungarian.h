#pragma once
// Minimum-cost assignment (Hungarian / Kuhn-Munkres with potentials, O(n^2 m)).

#include <vector>

namespace antra::eval {

// cost[i][j] for row i and column j (all rows the same length; any of the
// dimensions may be zero). Returns, for each row, its column or -1. Every row
// is assigned when rows <= columns, every column otherwise; the total cost of
// the assigned pairs is minimal.
std::vector<int> SolveAssignment(const std::vector<std::vector<double>>& cost);

// Gated matching: pairs (i, j) with cost[i][j] <= limit[i] are allowed, others
// never match. Maximises the number of matched pairs first, then minimises
// their total cost. Returns each row's column or -1.
std::vector<int> MatchWithinLimits(const std::vector<std::vector<double>>& cost, const std::vector<double>& limit);

}  // namespace antra::eval
