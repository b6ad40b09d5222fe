// Exact W2 by assignment against two independent references: in 1-D the optimal matching pairs
// the sorted samples; for 7 points the minimum over all 5040 permutations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "dmt/metrics/wasserstein2.hpp"
#include "dmt/params.hpp"

TEST(Wasserstein2, OneDimensionalEqualsSortedMatching) {
  std::mt19937 gen(2);
  std::normal_distribution<float> a(0.0f, 1.0f), b(1.5f, 2.0f);
  const int n = 300;
  std::vector<float> x(n), y(n);
  for (auto& v : x) v = a(gen);
  for (auto& v : y) v = b(gen);
  auto xs = x, ys = y;
  std::sort(xs.begin(), xs.end());
  std::sort(ys.begin(), ys.end());
  double s = 0;
  for (int i = 0; i < n; ++i) s += (double(xs[i]) - ys[i]) * (double(xs[i]) - ys[i]);
  EXPECT_NEAR(dmt::wasserstein2_exact(x.data(), y.data(), n, 1), std::sqrt(s / n), 1e-9);
}

TEST(Wasserstein2, SmallProblemEqualsBruteForce) {
  std::mt19937 gen(5);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  const int n = 7, d = 3;
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<float> x(n * d), y(n * d);
    for (auto& v : x) v = u(gen);
    for (auto& v : y) v = u(gen);
    std::vector<int> p(n);
    std::iota(p.begin(), p.end(), 0);
    double best = INFINITY;
    do {
      double s = 0;
      for (int i = 0; i < n; ++i)
        for (int k = 0; k < d; ++k) s += std::pow(double(x[i * d + k]) - y[p[i] * d + k], 2);
      best = std::min(best, s);
    } while (std::next_permutation(p.begin(), p.end()));
    EXPECT_NEAR(dmt::wasserstein2_exact(x.data(), y.data(), n, d), std::sqrt(best / n), 1e-9);
  }
}

TEST(Wasserstein2, RejectsNonFinitePoints) {
  std::vector<float> x = {0.0f, NAN}, y = {0.0f, 1.0f};
  EXPECT_THROW(dmt::wasserstein2_exact(x.data(), y.data(), 2, 1), dmt::input_error);
}
