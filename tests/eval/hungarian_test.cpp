#include "eval/hungarian.h"

#include <algorithm>
#include <numeric>
#include <random>

#include <gtest/gtest.h>

namespace antra::eval {
namespace {

double Total(const std::vector<std::vector<double>>& cost, const std::vector<int>& match) {
  double sum = 0;
  for (size_t i = 0; i < match.size(); ++i) {
    if (match[i] >= 0) sum += cost[i][static_cast<size_t>(match[i])];
  }
  return sum;
}

// Exhaustive minimum over all assignments of min(n, m) pairs.
double BruteForce(const std::vector<std::vector<double>>& cost) {
  const size_t n = cost.size(), m = cost.front().size();
  const bool transpose = n > m;
  const size_t small = std::min(n, m), large = std::max(n, m);
  std::vector<size_t> perm(large);
  std::iota(perm.begin(), perm.end(), 0);
  double best = 1e300;
  do {
    double sum = 0;
    for (size_t k = 0; k < small; ++k) sum += transpose ? cost[perm[k]][k] : cost[k][perm[k]];
    best = std::min(best, sum);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

TEST(Hungarian, SolvesAKnownSquareProblem) {
  // The cheapest diagonal is not the greedy choice.
  const std::vector<std::vector<double>> cost{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
  const auto match = SolveAssignment(cost);
  EXPECT_EQ(match, (std::vector<int>{1, 0, 2}));
  EXPECT_DOUBLE_EQ(Total(cost, match), 5.0);
}

TEST(Hungarian, HandlesEmptyAndRectangularInputs) {
  EXPECT_TRUE(SolveAssignment({}).empty());
  EXPECT_EQ(SolveAssignment({{}, {}}), (std::vector<int>{-1, -1}));
  // More rows than columns: one row stays unassigned.
  const auto tall = SolveAssignment({{5}, {1}, {3}});
  EXPECT_EQ(tall, (std::vector<int>{-1, 0, -1}));
  const auto wide = SolveAssignment({{5, 1, 3}});
  EXPECT_EQ(wide, (std::vector<int>{1}));
}

TEST(Hungarian, MatchesBruteForceOnRandomProblems) {
  std::mt19937 gen(42);
  std::uniform_real_distribution<double> u(0, 10);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + gen() % 6, m = 1 + gen() % 6;
    std::vector<std::vector<double>> cost(n, std::vector<double>(m));
    for (auto& row : cost) for (auto& c : row) c = u(gen);
    const auto match = SolveAssignment(cost);
    // Every column is used at most once, and min(n, m) pairs are made.
    std::vector<int> used(m, 0);
    size_t pairs = 0;
    for (int j : match) {
      if (j < 0) continue;
      ++pairs;
      ASSERT_EQ(++used[static_cast<size_t>(j)], 1);
    }
    ASSERT_EQ(pairs, std::min(n, m));
    ASSERT_NEAR(Total(cost, match), BruteForce(cost), 1e-9) << "trial " << trial;
  }
}

TEST(Hungarian, GatedMatchingPrefersMorePairsOverLowerCost) {
  // Row 0 fits column 0 closely and column 1 loosely; row 1 fits only column 0.
  // The cheapest single pair (0,0) would leave row 1 unmatched.
  const std::vector<std::vector<double>> cost{{0.1, 0.9}, {0.5, 5.0}};
  const auto match = MatchWithinLimits(cost, {1.0, 1.0});
  EXPECT_EQ(match, (std::vector<int>{1, 0}));
}

TEST(Hungarian, GatedMatchingNeverReturnsForbiddenPairs) {
  const std::vector<std::vector<double>> cost{{3.0, 4.0}, {0.2, 9.0}};
  const auto match = MatchWithinLimits(cost, {1.0, 1.0});
  EXPECT_EQ(match, (std::vector<int>{-1, 0}));
  EXPECT_THROW(MatchWithinLimits(cost, {1.0}), std::invalid_argument);
}

}  // namespace
}  // namespace antra::eval
