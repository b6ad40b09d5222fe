// MultCDiff and MultALMC sampling runs (seconds each, so not under the sanitizers): MultCDiff on a
// Gaussian target ends at the target, and the multiscale paper's comparison with SMC on the 40-mode
// mixture holds in direction at an equal number of target evaluations.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>

#include "dmt/metrics/wasserstein2.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/samplers/multalmc.hpp"
#include "dmt/samplers/multcdiff.hpp"
#include "dmt/samplers/smc.hpp"
#include "dmt/targets/registry.hpp"

namespace {

// N(m, S) in 2-D, seed 3, N = 10000, 1000 reverse steps, 4 chains x 10 exponential-Euler steps of 0.2
// (2 units of fast time per slow step: the chains' posterior relaxes in at most 1 / (kappa + 1/2) = 2).
// Tolerance: 5 standard errors of the sample mean / covariance entries plus 0.02 for the first-order
// integrator's bias at 1000 steps (the same scheme with the exact posterior mean on a variance-2
// Gaussian ends at variance 1.984: tests/reference/multcdiff_recursion.py). With 100 steps the
// variance comes out 1.87 (outside).
TEST(Multcdiff, ReverseDiffusionEndsAtTheGaussianTarget) {
  const auto t = dmt::make_target("gaussian", dmt::params()
                                                  .set("dim", 2.0)
                                                  .set("mean", std::vector<double>{1.0, -0.5})
                                                  .set("covariance", std::vector<double>{2.0, 0.6, 0.6, 1.0}));
  Eigen::Matrix2d S;
  S << 2.0, 0.6, 0.6, 1.0;
  const Eigen::Vector2d m(1.0, -0.5);
  dmt::thread_pool pool(2);
  // the third run: Student-t noise (df 3), whose particles follow exact Gaussian diffusions given their
  // noise scales, so it ends at the same target
  for (const std::string run : {"cld", "ou", "cld student_t"}) {
    const std::string forward = run.substr(0, run.find(' '));
    dmt::multcdiff_sampler s(*t,
                             dmt::parse_multcdiff(dmt::params()
                                                      .set("forward", forward)
                                                      .set("noise", std::string(run == forward ? "gaussian" : "student_t"))
                                                      .set("levels", 1000.0)
                                                      .set("fast_chains", 4.0)
                                                      .set("fast_steps", 10.0)
                                                      .set("fast_step_size", 0.2)),
                             10000, 3, pool);
    s.run(1000, pool);
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
    std::printf("[ multcdiff ] %s, seed 3: mean (%.4f, %.4f) vs (1, -0.5); cov [%.4f %.4f; %.4f] vs [2 0.6; 1]\n",
                run.c_str(), mean(0), mean(1), cov(0, 0), cov(0, 1), cov(1, 1));
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(mean(j), m(j), 5.0 * std::sqrt(S(j, j) / n)) << run;
    for (int a = 0; a < 2; ++a)
      for (int b = 0; b < 2; ++b) {
        const double se = std::sqrt((S(a, a) * S(b, b) + S(a, b) * S(a, b)) / n);
        EXPECT_NEAR(cov(a, b), S(a, b), 5.0 * se + 0.02) << run << " " << a << b;
      }
  }
}

// A Cauchy target (student_t, df 1, d = 2), where the mass beyond |x| = 10 is 1 - 2 atan(10) / pi =
// 0.0635 per coordinate. MultCDiff with Gaussian noise starts from light tails and the fast chains
// (Langevin on a target whose gradient decays like 1 / y) do not carry particles out: measured 0.0001
// (cld) / 0.0004 (ou) at seed 3. With Student-t noise of df 1 the particles start heavy-tailed: 0.042 /
// 0.040 (the rest of the gap is the chains' slow mixing in the tails: 25 fast steps instead of 5 do not
// close it). Asserted: Student-t noise above half the exact mass, Gaussian noise below a tenth (the
// binomial standard error of the 20 000 coordinates is 0.0017). Chains start at the particles: from
// the centre c(u), far out at t = T, Langevin on a heavy-tailed target does not come back.
TEST(Multcdiff, StudentTNoiseReachesACauchyTargetsTails) {
  const auto t = dmt::make_target("student_t", dmt::params().set("dim", 2.0).set("df", 1.0));
  const double exact = 1.0 - 2.0 * std::atan(10.0) / M_PI;
  dmt::thread_pool pool(2);
  for (const std::string forward : {"cld", "ou"}) {
    double tail[2];
    for (int student = 0; student < 2; ++student) {
      dmt::multcdiff_sampler s(*t,
                               dmt::parse_multcdiff(dmt::params()
                                                        .set("forward", forward)
                                                        .set("noise", std::string(student ? "student_t" : "gaussian"))
                                                        .set("df", 1.0)
                                                        .set("levels", 200.0)
                                                        .set("chain_init", std::string("particle"))),
                               10000, 3, pool);
      s.run(200, pool);
      long far = 0;
      for (const float v : s.particles()) far += std::abs(v) > 10.0f;
      tail[student] = double(far) / double(s.particles().size());
    }
    std::printf("[ multcdiff ] Cauchy target, %s, seed 3: P(|x| > 10) Gaussian noise %.4f, Student-t noise %.4f, exact %.4f\n",
                forward.c_str(), tail[0], tail[1], exact);
    EXPECT_GT(tail[1], 0.5 * exact) << forward;
    EXPECT_LT(tail[0], 0.1 * exact) << forward;
  }
}

// W2 of a sampler's particles (a systematic resample first if weighted) to n exact samples (seed 99).
double w2_to_exact(const dmt::particle_sampler& s, const dmt::target& t) {
  const std::size_t n = s.size();
  const int d = t.dim();
  std::vector<float> ref(n * d), x = s.particles();
  t.sample_exact(99, n, ref.data());
  if (const auto* lw = s.log_weights()) {
    std::vector<float> r(n * d);
    double cum = 0.0;
    std::size_t i = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double u = (k + 0.5) / double(n);
      while (i + 1 < n && cum + std::exp((*lw)[i]) < u) cum += std::exp((*lw)[i++]);
      std::copy(x.begin() + i * d, x.begin() + (i + 1) * d, r.begin() + k * d);
    }
    x = r;
  }
  return dmt::wasserstein2_exact(x.data(), ref.data(), n, d);
}

struct comparison {
  double smc, almc, cdiff;
  long smc_evals, almc_evals, cdiff_evals;
};

// SMC with its default N(0, I) reference (100 linear temperatures, 20 MALA moves each), MultALMC and
// MultCDiff, 2000 particles, seed 1, about 4.0 M target evaluations each (bench/multiscale_comparison.sh
// runs the same rows for seeds 1-3, with the floors and an SMC with a wide reference).
comparison compare(const std::string& name, const dmt::params& almc_params, const dmt::params& cdiff_params) {
  const auto t = dmt::make_target(name, {});
  const std::size_t n = 2000;
  dmt::thread_pool pool(2);
  auto smc = dmt::make_particle_sampler(
      "smc", dmt::params().set("schedule", std::string("linear")).set("levels", 100.0).set("moves", 20.0), *t, n, 1, pool);
  smc->run(100, pool);
  auto almc = dmt::make_particle_sampler("multalmc", almc_params, *t, n, 1, pool);
  almc->run(100, pool);
  auto cdiff = dmt::make_particle_sampler("multcdiff", cdiff_params, *t, n, 1, pool);
  cdiff->run(100, pool);
  comparison c{w2_to_exact(*smc, *t),         w2_to_exact(*almc, *t),         w2_to_exact(*cdiff, *t),
               smc->energy_evaluations(), almc->energy_evaluations(), cdiff->energy_evaluations()};
  std::printf("[ multiscale ] %s seed 1: evaluations SMC %ld, MultALMC %ld, MultCDiff %ld; W2 %.3f / %.3f / %.3f\n",
              name.c_str(), c.smc_evals, c.almc_evals, c.cdiff_evals, c.smc, c.almc, c.cdiff);
  EXPECT_LE(c.almc_evals, c.smc_evals);
  EXPECT_LE(c.cdiff_evals, c.smc_evals);
  return c;
}

// The direction of the multiscale paper's comparison (arXiv 2508.15069, W2 on 40-MoG d = 2: SMC 4.79,
// MultALMC 0.91, MultCDiff 0.93; DW10: SMC 11.86, MultALMC 4.48, MultCDiff 4.23), W2 exact (Hungarian)
// to 2000 exact samples. gmm40: measured SMC 32.1, MultALMC 21.6, MultCDiff 11.1 (the floor of two
// exact sample sets is 5.0); asserted: each multiscale sampler at least 5 below SMC. (An SMC with a
// reference as wide as the mixture, N(0, 25^2 I), reaches 5.2-6.5 at this budget and beats both:
// bench/README.md.)
TEST(Multiscale, BeatSmcOnGmm40AtAnEqualBudget) {
  const comparison c = compare("gmm40",
                               dmt::params()
                                   .set("levels", 100.0)
                                   .set("step_size", 0.2)
                                   .set("fast_step_size", 0.2)
                                   .set("lambda_min", 0.001),
                               dmt::params().set("horizon", 0.7));
  EXPECT_LT(c.almc, c.smc - 5.0);
  EXPECT_LT(c.cdiff, c.smc - 5.0);
}

// doublewell(10, 5, 3): every sampler is near the floor of 2000 samples (1.833), so the differences are
// small but of one sign on seeds 1-3 (SMC - MultALMC 0.045 / 0.028 / 0.001, SMC - MultCDiff 0.071 /
// 0.083 / 0.052; bench/README.md). Asserted at seed 1: both at least 0.02 below SMC. The fast chains
// start at the particles (their start x / sqrt(lambda_0) puts them where the quartic's gradient
// overflows) and take steps of 0.02 (0.05 is unstable in the wells' walls).
TEST(Multiscale, BeatSmcOnDoublewellAtAnEqualBudget) {
  const comparison c = compare("doublewell",
                               dmt::params()
                                   .set("levels", 100.0)
                                   .set("step_size", 0.02)
                                   .set("fast_step_size", 0.02)
                                   .set("chain_init", std::string("particle")),
                               dmt::params().set("fast_step_size", 0.02).set("chain_init", std::string("particle")));
  EXPECT_LT(c.almc, c.smc - 0.02);
  EXPECT_LT(c.cdiff, c.smc - 0.02);
}

}  // namespace
