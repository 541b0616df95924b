#pragma once
// Minimum-cost one-to-one assignment (Hungarian / Kuhn-Munkres, O(n^3)).
// Used to match detections to tracks across cine frames and to truth when
// scoring. Pairs whose cost exceeds `max_cost` are treated as unmatched.

#include <limits>
#include <utility>
#include <vector>

namespace antra {

// cost[r][c] for rows r (e.g. tracks) and columns c (e.g. detections); rows may
// differ in count from columns. Returns (row, column) pairs, sorted by row.
std::vector<std::pair<int, int>> SolveAssignment(const std::vector<std::vector<double>>& cost,
                                                 double max_cost = std::numeric_limits<double>::infinity());

}  // namespace antra
