// Coordinatewise slice sampling (core/include/dmt/samplers/slice_step.hpp) and SMC's slice move.
#include "dmt/samplers/slice_step.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "dmt/native/thread_pool.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/smc.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

// The sweep leaves N(m, diag(s^2)) invariant whatever the widths: a chain of 20 000 sweeps (seed 3) on
// two coordinates whose scales differ by 1000 (s = 2 and 0.002, both widths 1) has the exact mean and
// variance within 6 standard errors of the time averages (integrated autocorrelation time at most 5:
// slice sampling of a 1-D Gaussian mixes in about one sweep; measured lag-1 correlation below 0.3).
// Mean shrinkage evaluations per coordinate: about log2(w / s) + 2 for the narrow one.
TEST(SliceStep, LeavesAGaussianInvariantAcrossScales) {
  const double m[2] = {1.0, -0.5}, s[2] = {2.0, 0.002}, width[2] = {1.0, 1.0};
  const auto f = [&](const float* x) {
    double q = 0.0;
    for (int j = 0; j < 2; ++j) q += (x[j] - m[j]) * (x[j] - m[j]) / (s[j] * s[j]);
    return -0.5 * q;
  };
  float x[2] = {0.0f, 0.0f};
  double fx = f(x);
  dmt::philox_stream rng(dmt::make_philox_key(3), 0, 77);
  const long sweeps = 20000;
  double sum[2] = {0, 0}, sum2[2] = {0, 0};
  long evals = 0;
  for (long k = 0; k < sweeps + 100; ++k) {
    evals += dmt::slice_sweep(f, 2, x, fx, width, 20, rng);
    ASSERT_DOUBLE_EQ(fx, f(x));  // the value handed back is the density at the new point
    if (k < 100) continue;
    for (int j = 0; j < 2; ++j) {
      sum[j] += x[j];
      sum2[j] += (x[j] - m[j]) * (x[j] - m[j]);
    }
  }
  std::printf("[ slice ] seed 3: evaluations per sweep %.1f\n", double(evals) / (sweeps + 100));
  for (int j = 0; j < 2; ++j) {
    const double mean = sum[j] / sweeps, var = sum2[j] / sweeps;
    const double se_mean = s[j] * std::sqrt(5.0 / sweeps), se_var = s[j] * s[j] * std::sqrt(2.0 * 5.0 / sweeps);
    std::printf("[ slice ] coordinate %d: mean %.6f vs %.6f, variance %.4g vs %.4g\n", j, mean, m[j], var, s[j] * s[j]);
    EXPECT_NEAR(mean, m[j], 6 * se_mean) << j;
    EXPECT_NEAR(var, s[j] * s[j], 6 * se_var) << j;
  }
  EXPECT_LT(double(evals) / (sweeps + 100), 40.0);  // shrinkage is geometric, not linear in w / s
}

// SMC with slice moves: thread independence, the evaluation count (counted, since it varies), the
// parameter errors.
TEST(SliceStep, SmcSliceMovesAreDeterministicAndCounted) {
  const auto t = dmt::make_target("funnel", {});
  dmt::params p;
  p.set("move", std::string("slice")).set("moves", 2.0);
  dmt::thread_pool one(1), three(3);
  dmt::smc_sampler a(*t, dmt::parse_smc(p), 300, 5, one), b(*t, dmt::parse_smc(p), 300, 5, three);
  a.run(6, one);
  b.run(6, three);
  EXPECT_EQ(a.particles(), b.particles());
  EXPECT_EQ(*a.log_z(), *b.log_z());
  EXPECT_EQ(a.energy_evaluations(), b.energy_evaluations());
  // at least the entry value, 2 sweeps x 10 coordinates x one shrinkage draw, and log R after the moves
  EXPECT_GE(a.energy_evaluations(), 300L * (1 + 6 * (1 + 2 * 10 + 1)));
  EXPECT_EQ(a.acceptance_rate(), 1.0);
  const auto message = [](const dmt::params& q) { return dmt_test::error_message([&] { dmt::parse_smc(q); }); };
  EXPECT_EQ(message(dmt::params().set("move", std::string("hmc"))), "smc: move must be mala, ula or slice (got 'hmc')");
  EXPECT_EQ(message(dmt::params().set("move", std::string("slice")).set("slice_width", 0.0)),
            "smc: slice_width must be positive");
  EXPECT_EQ(message(dmt::params().set("move", std::string("slice")).set("slice_max_steps", 0.0)),
            "smc: slice_max_steps must be between 1 and 1e6");
}

}  // namespace
