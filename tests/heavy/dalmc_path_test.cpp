// DALMC's sampling runs (seconds each, so not under the sanitizers): the exact-score path on a
// Gaussian target ends at the target (mean and covariance of ULA's stationary law, a closed
// form), and the path from noise covers every mode of gmm25.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "dmt/samplers/dalmc.hpp"
#include "dmt/samplers/multalmc.hpp"
#include "dmt/targets/registry.hpp"

namespace {

dmt::dalmc_settings settings(const dmt::params& p) { return dmt::parse_dalmc(p); }

// The fewest particles within a mode's radius over gmm25's 25 modes, and the total on modes.
std::pair<int, int> mode_counts(const dmt::target& t, const std::vector<float>& x) {
  const auto modes = t.mode_locations();
  const double radius = t.mode_radius();
  std::vector<int> counts(modes.size() / 2, 0);
  for (std::size_t i = 0; i < x.size() / 2; ++i)
    for (std::size_t k = 0; k < counts.size(); ++k) {
      const double dx = x[2 * i] - modes[2 * k], dy = x[2 * i + 1] - modes[2 * k + 1];
      if (dx * dx + dy * dy < radius * radius) ++counts[k];
    }
  int low = 1 << 30, total = 0;
  for (int c : counts) {
    low = std::min(low, c);
    total += c;
  }
  return {low, total};
}

// Seed 3; N = 40000. The reference is ULA's stationary law on N(m, S): mean m, covariance
// (P - h P^2 / 2)^-1 with P = S^-1 (closed form of the linear recursion). Tolerance: 5 standard
// errors of the sample mean / covariance entries, plus 0.01 for the path's lag (the annealing ends
// 500 steps before; measured lag 0.002-0.004).
TEST(Dalmc, ExactScorePathEndsAtTheGaussianTarget) {
  const auto t = dmt::make_target("gaussian", dmt::params()
                                                  .set("dim", 2.0)
                                                  .set("mean", std::vector<double>{1.0, -1.0})
                                                  .set("covariance", std::vector<double>{2.0, 0.6, 0.6, 1.0}));
  const double h = 0.01;
  dmt::dalmc_sampler s(*t,
                       settings(dmt::params()
                                    .set("score", std::string("exact"))
                                    .set("levels", 500.0)
                                    .set("steps_per_level", 4.0)
                                    .set("step_size", h)),
                       40000, 3);
  EXPECT_EQ(s.score().kind(), "exact");
  s.run(2500);
  const auto& x = s.particles();
  const std::size_t n = s.size();
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < n; ++i) mean += Eigen::Vector2d(x[2 * i], x[2 * i + 1]);
  mean /= double(n);
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d r = Eigen::Vector2d(x[2 * i], x[2 * i + 1]) - mean;
    cov += r * r.transpose();
  }
  cov /= double(n - 1);
  Eigen::Matrix2d S;
  S << 2.0, 0.6, 0.6, 1.0;
  const Eigen::Matrix2d P = S.inverse();
  const Eigen::Matrix2d ula = (P - 0.5 * h * P * P).inverse();
  std::printf("[ dalmc    ] seed 3: mean (%.4f, %.4f) vs (1, -1); cov [%.4f %.4f; %.4f] vs ULA's [%.4f %.4f; %.4f]\n",
              mean(0), mean(1), cov(0, 0), cov(0, 1), cov(1, 1), ula(0, 0), ula(0, 1), ula(1, 1));
  for (int j = 0; j < 2; ++j) EXPECT_NEAR(mean(j), j == 0 ? 1.0 : -1.0, 5.0 * std::sqrt(ula(j, j) / n));
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) {
      const double se = std::sqrt((ula(a, a) * ula(b, b) + ula(a, b) * ula(a, b)) / n);
      EXPECT_NEAR(cov(a, b), ula(a, b), 5.0 * se + 0.01) << a << b;
    }
}

// gmm25 from noise with the exact score (seed 5, N = 5000, 300 levels x 10 steps, h 0.05): every one
// of the 25 modes holds at least half of its expected 200 particles. (With 4 steps per level at
// h = 0.02 the outer modes get too few, 57: the path must be followed slowly enough.)
TEST(Dalmc, PathCoversEveryModeOfGmm25) {
  const auto t = dmt::make_target("gmm25", {});
  dmt::dalmc_sampler s(
      *t, settings(dmt::params().set("levels", 300.0).set("steps_per_level", 10.0).set("step_size", 0.05)), 5000, 5);
  s.run(3000);
  const auto [low, total] = mode_counts(*t, s.particles());
  std::printf("[ dalmc    ] gmm25: fewest particles on a mode %d, on modes %d / %zu\n", low, total, s.size());
  EXPECT_GE(low, 100);
  EXPECT_GE(total, 4900);
}

// MultALMC on gmm25 from noise, overdamped and underdamped (seed 5, N = 2000, 300 levels x 3 slow
// steps, h 0.05; 4 fast chains x 5 exponential-Euler steps of 0.2 per slow step): every mode holds at
// least half of its expected 80 particles.
TEST(Multalmc, PathCoversEveryModeOfGmm25) {
  const auto t = dmt::make_target("gmm25", {});
  for (const char* slow : {"overdamped", "underdamped"}) {
    dmt::multalmc_sampler s(*t,
                            dmt::parse_multalmc(dmt::params()
                                                    .set("levels", 300.0)
                                                    .set("steps_per_level", 3.0)
                                                    .set("step_size", 0.05)
                                                    .set("fast_step_size", 0.2)
                                                    .set("slow", std::string(slow))),
                            2000, 5);
    s.run(1000);
    const auto [low, total] = mode_counts(*t, s.particles());
    std::printf("[ multalmc ] gmm25, %s: fewest particles on a mode %d, on modes %d / %zu\n", slow, low, total,
                s.size());
    EXPECT_GE(low, 40) << slow;
    EXPECT_GE(total, 1950) << slow;
  }
}

}  // namespace
