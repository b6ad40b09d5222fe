// Rank-normalised split R-hat (core/include/dmt/metrics/split_rhat.hpp) against
// tests/reference/split_rhat_reference.py (the R code of Vehtari et al. 2021 transcribed to numpy;
// values recorded with `/usr/bin/python3 tests/reference/split_rhat_reference.py`), the normal
// quantile against published values, and the cases R-hat exists to catch: chains in different places,
// a drift within chains (the split), and chains of different spread (the folded R-hat).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dmt/metrics/split_rhat.hpp"

namespace {

template <class F>
std::vector<float> trace(std::size_t n, std::size_t m, F f) {
  std::vector<float> x(n * m);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t c = 0; c < m; ++c) x[t * m + c] = static_cast<float>(f(double(t), double(c)));
  return x;
}

TEST(SplitRhat, NormalQuantileAgainstPublishedValues) {
  // Abramowitz and Stegun table 26.5 / R's qnorm to 16 digits
  EXPECT_NEAR(dmt::normal_quantile(0.975), 1.959963984540054, 1e-14);
  EXPECT_NEAR(dmt::normal_quantile(0.001), -3.090232306167814, 1e-13);
  EXPECT_NEAR(dmt::normal_quantile(1e-10), -6.361340902404056, 1e-12);
  EXPECT_NEAR(dmt::normal_quantile(0.5), 0.0, 1e-16);
  EXPECT_NEAR(dmt::normal_quantile(0.8413447460685429), 1.0, 1e-13);
}

TEST(SplitRhat, MatchesTheReferenceImplementation) {
  const auto a = trace(101, 4, [](double t, double c) { return std::sin(1.3 * t + c) + 0.1 * c; });
  EXPECT_NEAR(dmt::split_rhat(a.data(), 101, 4), 1.0307952900601862, 1e-10);
  const auto b = trace(64, 6, [](double t, double c) { return std::cos(0.7 * t * (c + 1)) * (1 + 0.5 * c) + 0.002 * t; });
  EXPECT_NEAR(dmt::split_rhat(b.data(), 64, 6), 1.137902599919895, 1e-10);
  const auto c = trace(40, 3, [](double t, double c) { return std::round(std::sin(2.1 * t + 3 * c) * 2); });  // ties
  EXPECT_NEAR(dmt::split_rhat(c.data(), 40, 3), 0.9802889326353564, 1e-10);
}

TEST(SplitRhat, FlagsChainsThatHaveNotMixedAndPassesOnesThatHave) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z;
  const std::size_t n = 1000, m = 64;
  // independent N(0, 1) draws: R-hat - 1 is of order 1 / (chains x steps); measured 1.0016 at this seed
  const auto iid = trace(n, m, [&](double, double) { return z(rng); });
  const double r_iid = dmt::split_rhat(iid.data(), n, m);
  EXPECT_GT(r_iid, 0.99);
  EXPECT_LT(r_iid, 1.01);  // also below the paper's stricter threshold
  // half the chains around 0, half around 3 (two modes, no crossing)
  const auto modes = trace(n, m, [&](double, double c) { return z(rng) + (c < m / 2 ? 0.0 : 3.0); });
  EXPECT_GT(dmt::split_rhat(modes.data(), n, m), 1.5);
  // every chain drifts from -1 to 1: the chains agree with each other, only the split sees it
  const auto drift = trace(n, m, [&](double t, double) { return 0.3 * z(rng) + 2.0 * t / n - 1.0; });
  EXPECT_GT(dmt::split_rhat(drift.data(), n, m), 1.1);
  // same centre, half the chains three times as wide: the bulk R-hat is blind, the folded one is not
  const auto wide = trace(n, m, [&](double, double c) { return z(rng) * (c < m / 2 ? 1.0 : 3.0); });
  EXPECT_GT(dmt::split_rhat(wide.data(), n, m), 1.05);
  // too short a trace
  EXPECT_TRUE(std::isnan(dmt::split_rhat(iid.data(), 3, m)));
}

}  // namespace
