// Diagnostics of weighted estimates (metrics/pareto_k.hpp, metrics/weight_diagnostics.hpp). The Pareto
// k-hat references are R's loo 2.5.1 (Debian r-cran-loo 2.5.1-1) on the same deterministic log-weights:
//   Rscript -e 'library(loo); k <- function(lw) pareto_k_values(suppressWarnings(psis(lw, r_eff = 1)));
//     u <- (seq_len(1000) - 0.5) / 1000; print(k(-0.5 * log1p(-u)), digits = 15)'   (and so on per case)
// Pareto quantiles -xi log(1 - u) are log-weights whose tail index is xi, so loo's values are also
// near xi; the tests compare to 1e-9 relative (the arithmetic is the same; only summation order differs).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "dmt/metrics/pareto_k.hpp"
#include "dmt/metrics/weight_diagnostics.hpp"

namespace {

std::vector<double> pareto_quantiles(double xi, int s) {
  std::vector<double> lw(s);
  for (int i = 0; i < s; ++i) lw[i] = -xi * std::log1p(-(i + 0.5) / s);
  return lw;
}

TEST(ParetoK, MatchesLoo) {
  const auto near = [](double a, double b) { EXPECT_NEAR(a, b, 1e-9 * std::abs(b)); };
  near(*dmt::pareto_k_hat(pareto_quantiles(0.2, 1000)), 0.236787735857508);
  near(*dmt::pareto_k_hat(pareto_quantiles(0.5, 1000)), 0.497085961262518);
  near(*dmt::pareto_k_hat(pareto_quantiles(0.9, 1000)), 0.844266433403064);
  near(*dmt::pareto_k_hat(pareto_quantiles(1.5, 5000)), 1.43591222195935);
  std::vector<double> wave(400), expo(30);
  for (int i = 1; i <= 400; ++i) wave[i - 1] = 3 * std::sin(0.7 * i) + 0.5 * std::log(double(i));
  for (int i = 1; i <= 30; ++i) expo[i - 1] = std::log(-std::log1p(-(i - 0.5) / 30));
  near(*dmt::pareto_k_hat(wave), -0.47282514940252);
  near(*dmt::pareto_k_hat(expo), 0.303030667717765);
  // a common shift and the order of the weights change nothing
  auto shifted = pareto_quantiles(0.9, 1000);
  for (auto& l : shifted) l -= 700.0;
  std::swap(shifted[3], shifted[999]);
  near(*dmt::pareto_k_hat(shifted), 0.844266433403064);
}

TEST(ParetoK, UndefinedCases) {
  EXPECT_FALSE(dmt::pareto_k_hat(std::vector<double>(1000, -std::log(1000.0))));  // resampled: all equal
  std::vector<double> rounded(1000, -std::log(1000.0));  // equal up to the rounding of a normalisation
  for (int i = 0; i < 1000; i += 3) rounded[i] = std::nextafter(rounded[i], 0.0);
  EXPECT_FALSE(dmt::pareto_k_hat(rounded));
  EXPECT_FALSE(dmt::pareto_k_hat(pareto_quantiles(0.5, 20)));                      // tail of 4 < 5
  auto nan = pareto_quantiles(0.5, 100);
  nan[7] = std::nan("");
  EXPECT_FALSE(dmt::pareto_k_hat(nan));
  auto zero = pareto_quantiles(0.5, 1000);  // -inf: weight 0, left out (999 weights remain)
  zero[0] = -std::numeric_limits<double>::infinity();
  EXPECT_TRUE(dmt::pareto_k_hat(zero));
  EXPECT_DOUBLE_EQ(dmt::pareto_k_threshold(100), 0.5);
  EXPECT_DOUBLE_EQ(dmt::pareto_k_threshold(100000), 0.7);
}

TEST(WeightDiagnostics, WarnsOnEachFailedDiagnosticAndNotOnHealthyWeights) {
  // healthy: light-tailed weights, ESS never below N/2
  const auto good = dmt::diagnose_weights(pareto_quantiles(0.2, 1000), {900, 600, 510}, 1L, 3);
  EXPECT_TRUE(good.warnings.empty()) << good.warnings.front();
  EXPECT_DOUBLE_EQ(good.min_ess, 510);
  EXPECT_EQ(good.min_ess_step, 3);
  EXPECT_DOUBLE_EQ(*good.resampled_fraction, 1.0 / 3.0);
  // ESS collapse at step 2 (below N/100 = 10)
  const auto collapse = dmt::diagnose_weights(pareto_quantiles(0.2, 1000), {900, 7.5, 600}, 2L, 3);
  ASSERT_EQ(collapse.warnings.size(), 1u);
  EXPECT_EQ(collapse.warnings[0].substr(0, 44), "ESS fell to 7.5 of 1000 particles at step 2 ");
  // heavy tail: k-hat 0.84 > 1 - 1/log10(1000) = 0.67
  const auto heavy = dmt::diagnose_weights(pareto_quantiles(0.9, 1000), {}, std::nullopt, 3);
  ASSERT_EQ(heavy.warnings.size(), 1u) << heavy.warnings.front();
  EXPECT_EQ(heavy.warnings[0].substr(0, 50), "Pareto k-hat of the final weights is 0.84 > 0.67 (");
  EXPECT_FALSE(heavy.resampled_fraction);
  // non-finite
  auto bad = pareto_quantiles(0.2, 1000);
  bad[5] = std::nan("");
  const auto nonfinite = dmt::diagnose_weights(bad, {}, std::nullopt, 3);
  EXPECT_EQ(nonfinite.non_finite, 1u);
  EXPECT_EQ(nonfinite.warnings.at(0).substr(0, 42), "1 of the final log-weights are not finite ");
  // the largest normalised weight: 1/N for equal weights
  EXPECT_DOUBLE_EQ(dmt::diagnose_weights(std::vector<double>(8, 0.0), {}, std::nullopt, 1).max_weight, 0.125);
}

}  // namespace
