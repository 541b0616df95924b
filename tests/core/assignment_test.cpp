#include "core/assignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace antra {
namespace {

double Total(const std::vector<std::vector<double>>& cost, const std::vector<std::pair<int, int>>& pairs) {
  double t = 0;
  for (auto [r, c] : pairs) t += cost[r][c];
  return t;
}

TEST(AssignmentTest, FindsTheOptimumNotTheGreedyChoice) {
  // Greedy takes (0,0)=1 then (1,1)=10: total 11; optimum is 2 + 3 = 5.
  const std::vector<std::vector<double>> cost{{1, 2}, {3, 10}};
  const auto pairs = SolveAssignment(cost);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0], std::make_pair(0, 1));
  EXPECT_EQ(pairs[1], std::make_pair(1, 0));
}

TEST(AssignmentTest, RectangularAndGatedPairsStayUnmatched) {
  const std::vector<std::vector<double>> cost{{5, 1, 9}};
  EXPECT_EQ(SolveAssignment(cost), (std::vector<std::pair<int, int>>{{0, 1}}));
  const std::vector<std::vector<double>> tall{{1}, {0.5}, {7}};
  EXPECT_EQ(SolveAssignment(tall), (std::vector<std::pair<int, int>>{{1, 0}}));
  // Nothing under the gate: no pairs at all.
  EXPECT_TRUE(SolveAssignment(cost, 0.5).empty());
  EXPECT_TRUE(SolveAssignment({}).empty());
}

TEST(AssignmentTest, MatchesBruteForceOnRandomMatrices) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> dist(0, 10);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + trial % 6;
    std::vector<std::vector<double>> cost(n, std::vector<double>(n));
    for (auto& row : cost) for (double& c : row) c = dist(rng);
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best = 1e18;
    do {
      double t = 0;
      for (int r = 0; r < n; ++r) t += cost[r][perm[r]];
      best = std::min(best, t);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const auto pairs = SolveAssignment(cost);
    ASSERT_EQ(static_cast<int>(pairs.size()), n);
    EXPECT_NEAR(Total(cost, pairs), best, 1e-9);
  }
}

}  // namespace
}  // namespace antra
