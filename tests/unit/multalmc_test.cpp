// MultALMC: the fast chains' score estimate against the exact score of the Gaussian path on a
// Gaussian target (where rho_{lambda,x} is Gaussian and the exponential Euler recursion's
// stationary mean is its exact mean, so only Monte-Carlo error remains), thread independence, the
// evaluation count and the parameter errors. Its sampling run on gmm25 is in tests/heavy/.
#include "dmt/samplers/multalmc.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <cstdio>

#include "dmt/native/thread_pool.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

// N(m, S) in 2-D, lambda = 0.6, every particle at the same x: the score of mu_lambda at x is
// -(lambda S + (1 - lambda) I)^-1 (x - sqrt(lambda) m). 400 particles x 16 chains after 300 fast
// steps (the chains forget their start in about 30: the slowest rate is about lambda / (1 - lambda)
// + 1 / s_max); tolerance 5 standard errors of the mean over the particles. Seed 17.
TEST(Multalmc, FastChainsEstimateTheExactScore) {
  const Eigen::Vector2d m(1.0, -0.5);
  Eigen::Matrix2d s;
  s << 2.0, 0.6, 0.6, 1.0;
  const auto t = dmt::make_target("gaussian", dmt::params()
                                                  .set("dim", 2.0)
                                                  .set("mean", std::vector<double>{m[0], m[1]})
                                                  .set("covariance", std::vector<double>{2.0, 0.6, 0.6, 1.0}));
  const std::size_t n = 400;
  dmt::multalmc_sampler sp(*t, dmt::parse_multalmc(dmt::params().set("fast_chains", 16.0).set("fast_step_size", 0.1)),
                           n, 17);
  const Eigen::Vector2d x(0.8, 0.9);
  std::vector<float> xs(2 * n);
  for (std::size_t i = 0; i < n; ++i) xs[2 * i] = float(x[0]), xs[2 * i + 1] = float(x[1]);
  sp.set_particles(xs);
  const double lambda = 0.6;
  sp.run_fast(lambda, 300);
  const Eigen::Vector2d exact =
      -(lambda * s + (1 - lambda) * Eigen::Matrix2d::Identity()).inverse() * (x - std::sqrt(lambda) * m);
  Eigen::Vector2d mean = Eigen::Vector2d::Zero(), sq = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d v(sp.last_scores()[2 * i], sp.last_scores()[2 * i + 1]);
    mean += v / double(n);
    sq += v.cwiseAbs2() / double(n);
  }
  const Eigen::Vector2d se = ((sq - mean.cwiseAbs2()) / double(n - 1)).cwiseSqrt();
  std::printf("[ multalmc ] seed 17: score (%.4f, %.4f) +- (%.4f, %.4f), exact (%.4f, %.4f)\n", mean[0], mean[1], se[0],
              se[1], exact[0], exact[1]);
  EXPECT_NEAR(mean[0], exact[0], 5 * se[0]);
  EXPECT_NEAR(mean[1], exact[1], 5 * se[1]);
  EXPECT_EQ(sp.energy_evaluations(), long(n) * 16 * 300);
}

// The SK-ROCK fast integrator on a stiff Gaussian target (covariance diag(0.004, 1): the target's own
// stiffness 250): its chains' stationary mean is exact for a linear drift, so the score estimate
// matches the closed form above within 5 standard errors, at a fast step 0.05 where the exponential
// Euler integrator (exact only for the Gaussian factor) is unstable (0.05 x 250 > 2) and diverges.
// 400 particles x 8 chains, 200 fast steps of s = 20 stages; seed 19.
TEST(Multalmc, SkrockFastChainsHandleAStiffTarget) {
  const Eigen::Vector2d m(0.3, -0.5);
  const Eigen::Matrix2d s = Eigen::Vector2d(0.004, 1.0).asDiagonal();
  const auto t = dmt::make_target("gaussian", dmt::params()
                                                  .set("dim", 2.0)
                                                  .set("mean", std::vector<double>{m[0], m[1]})
                                                  .set("covariance", std::vector<double>{0.004, 0.0, 0.0, 1.0}));
  const std::size_t n = 400;
  const Eigen::Vector2d x(0.8, 0.9);
  std::vector<float> xs(2 * n);
  for (std::size_t i = 0; i < n; ++i) xs[2 * i] = float(x[0]), xs[2 * i + 1] = float(x[1]);
  const double lambda = 0.6;
  const auto base = dmt::params().set("fast_chains", 8.0).set("fast_step_size", 0.05);
  dmt::multalmc_sampler sk(*t, dmt::parse_multalmc(dmt::params(base).set("fast", std::string("skrock")).set("fast_stages", 20.0)),
                           n, 19);
  sk.set_particles(xs);
  sk.run_fast(lambda, 200);
  const Eigen::Vector2d exact =
      -(lambda * s + (1 - lambda) * Eigen::Matrix2d::Identity()).inverse() * (x - std::sqrt(lambda) * m);
  Eigen::Vector2d mean = Eigen::Vector2d::Zero(), sq = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d v(sk.last_scores()[2 * i], sk.last_scores()[2 * i + 1]);
    mean += v / double(n);
    sq += v.cwiseAbs2() / double(n);
  }
  const Eigen::Vector2d se = ((sq - mean.cwiseAbs2()) / double(n - 1)).cwiseSqrt();
  std::printf("[ multalmc ] seed 19, skrock: score (%.4f, %.4f) +- (%.4f, %.4f), exact (%.4f, %.4f)\n", mean[0], mean[1],
              se[0], se[1], exact[0], exact[1]);
  EXPECT_NEAR(mean[0], exact[0], 5 * se[0]);
  EXPECT_NEAR(mean[1], exact[1], 5 * se[1]);
  EXPECT_EQ(sk.energy_evaluations(), long(n) * 8 * 200 * 20);  // s evaluations per fast step
  dmt::multalmc_sampler ee(*t, dmt::parse_multalmc(base), n, 19);
  ee.set_particles(xs);
  ee.run_fast(lambda, 200);
  bool diverged = false;
  for (const float v : ee.last_scores()) diverged = diverged || !std::isfinite(v) || std::abs(v) > 1e6f;
  EXPECT_TRUE(diverged) << "the exponential Euler step was expected to be unstable here";
}

// Student-t noise (df 3, scale sqrt(1 - lambda)) on N(0, 1), lambda = 0.6: the chains' score estimate
// at fixed x against the score of the convolved density by the trapezoid rule on y in [-12, 12]
// (24 001 nodes; as Dalmc.StudentTScoresMatchQuadrature). 400 particles x 16 chains, 400 SK-ROCK
// fast steps of 0.05 (5 stages); tolerance 5 standard errors over the particles + 0.01 (SK-ROCK's
// O(step) bias in the chains' law: with 2000 particles the estimates at steps 0.05 and 0.0125 differed
// by 0.003 and 0.006 +- 0.004 at x = -2 and 2.5, both within 0.005 of the quadrature). Seed 23.
TEST(Multalmc, StudentTScoreMatchesQuadrature) {
  const auto t = dmt::make_target("gaussian", dmt::params().set("dim", 1.0));
  const double lambda = 0.6, df = 3.0;
  const std::size_t n = 400;
  for (const double x : {-2.0, 0.7, 2.5}) {
    const double quad = dmt_test::student_t_convolved_score(x, lambda, df);
    dmt::multalmc_sampler sp(*t,
                             dmt::parse_multalmc(dmt::params()
                                                     .set("noise", std::string("student_t"))
                                                     .set("df", df)
                                                     .set("fast", std::string("skrock"))
                                                     .set("fast_stages", 5.0)
                                                     .set("fast_chains", 16.0)
                                                     .set("fast_step_size", 0.05)),
                             n, 23);
    sp.set_particles(std::vector<float>(n, static_cast<float>(x)));
    sp.run_fast(lambda, 400);
    double mean = 0.0, sq = 0.0;
    for (const float v : sp.last_scores()) {
      mean += v / double(n);
      sq += double(v) * v / double(n);
    }
    const double se = std::sqrt((sq - mean * mean) / double(n - 1));
    std::printf("[ multalmc ] seed 23, student_t x %+.1f: quadrature %.5f, chains %.5f +- %.5f\n", x, quad, mean, se);
    EXPECT_NEAR(mean, quad, 5 * se + 0.01);
  }
}

TEST(Multalmc, DeterministicAcrossThreadCountsAndCountsEvaluations) {
  const auto t = dmt::make_target("gmm25", {});
  const auto settings =
      dmt::parse_multalmc(dmt::params().set("levels", 10.0).set("fast_chains", 3.0).set("fast_steps", 2.0));
  dmt::thread_pool one(1), three(3);
  dmt::multalmc_sampler a(*t, settings, 300, 4, one), b(*t, settings, 300, 4, three);
  a.run(14, one);
  b.run(14, three);
  EXPECT_EQ(a.particles(), b.particles());
  EXPECT_EQ(a.chains(), b.chains());
  // the 10th level is lambda = 1 (as in DALMC): 9 annealing steps of 3 x 2 fast evaluations, then
  // 5 ULA steps on the target of one each
  EXPECT_LT(a.lambda_at(8), 1.0);
  EXPECT_EQ(a.lambda_at(9), 1.0);
  EXPECT_EQ(a.energy_evaluations(), 300L * (9 * 3 * 2 + 5));
}

// slow = underdamped with levels = 1 runs OBABO on the target itself. On N(m, diag(1, 2)) its
// stationary law is known in closed form: velocity Verlet conserves p^2/2 + (1 - h^2 w^2/4) w^2 x^2/2
// and the O steps keep p ~ N(0, 1), so x_j ~ N(m_j, s_j^2 / (1 - h^2 / (4 s_j^2))) (checked by a
// separate numpy simulation: 1.0678 vs 1.0667 at h = 0.5, s^2 = 1). Seed 21, N = 20000, h = 0.5,
// 200 steps; 5 standard errors (mean: s / sqrt(N); variance: var sqrt(2 / N)). The target's own
// variances (1, 2) are 6.3 and 4.4 standard errors away.
TEST(Multalmc, UnderdampedStepsHaveTheObaboStationaryLaw) {
  const auto t = dmt::make_target("gaussian", dmt::params()
                                                  .set("dim", 2.0)
                                                  .set("mean", std::vector<double>{0.5, -1.0})
                                                  .set("covariance", std::vector<double>{1.0, 2.0}));
  const double h = 0.5;
  const std::size_t n = 20000;
  dmt::multalmc_sampler sp(
      *t,
      dmt::parse_multalmc(dmt::params().set("slow", std::string("underdamped")).set("levels", 1.0).set("step_size", h)),
      n, 21);
  EXPECT_EQ(sp.lambda_at(0), 1.0);
  sp.run(200);
  const double m[2] = {0.5, -1.0}, var[2] = {1.0, 2.0};
  for (int j = 0; j < 2; ++j) {
    double mean = 0, sq = 0;
    for (std::size_t i = 0; i < n; ++i) mean += sp.particles()[2 * i + j] / double(n);
    for (std::size_t i = 0; i < n; ++i) sq += std::pow(sp.particles()[2 * i + j] - mean, 2) / double(n - 1);
    const double predicted = var[j] / (1 - h * h / (4 * var[j]));
    std::printf("[ multalmc ] OBABO coordinate %d: mean %.4f (target %.1f), variance %.4f (predicted %.4f)\n", j, mean,
                m[j], sq, predicted);
    EXPECT_NEAR(mean, m[j], 5 * std::sqrt(predicted / double(n)));
    EXPECT_NEAR(sq, predicted, 5 * predicted * std::sqrt(2.0 / double(n)));
  }
  EXPECT_EQ(sp.energy_evaluations(), long(n) * 201);  // one gradient per step, one more at the start
}

TEST(Multalmc, UnderdampedIsDeterministicAcrossThreadCounts) {
  const auto t = dmt::make_target("gmm25", {});
  const auto settings = dmt::parse_multalmc(dmt::params()
                                                .set("slow", std::string("underdamped"))
                                                .set("levels", 6.0)
                                                .set("fast_chains", 2.0)
                                                .set("fast_steps", 2.0));
  dmt::thread_pool one(1), three(3);
  dmt::multalmc_sampler a(*t, settings, 200, 8, one), b(*t, settings, 200, 8, three);
  a.run(9, one);
  b.run(9, three);
  EXPECT_EQ(a.particles(), b.particles());
  // 5 annealing steps of 2 x 2 fast evaluations (+ one more estimate at the start), 4 at the target
  EXPECT_EQ(a.energy_evaluations(), 200L * (6 * 4 + 4));
}

TEST(Multalmc, ParameterErrors) {
  const auto message = [](const dmt::params& p) { return dmt_test::error_message([&] { dmt::parse_multalmc(p); }); };
  EXPECT_EQ(message(dmt::params().set("fast_chains", 0.0)), "multalmc: fast_chains must be between 1 and 4096");
  EXPECT_EQ(message(dmt::params().set("fast_steps", 0.0)), "multalmc: fast_steps must be between 1 and 1e5");
  EXPECT_EQ(message(dmt::params().set("fast_step_size", -1.0)), "multalmc: fast_step_size must be positive");
  EXPECT_EQ(message(dmt::params().set("lambda_min", 1.0)), "multalmc: lambda_min must be in (0, 1)");
  EXPECT_EQ(message(dmt::params().set("schedule", std::string("cubic"))),
            "multalmc: schedule must be linear or cosine (got 'cubic')");
  EXPECT_EQ(message(dmt::params().set("inner_samples", 3.0)), "unknown parameter 'inner_samples' for sampler multalmc");
  EXPECT_EQ(message(dmt::params().set("slow", std::string("fast"))),
            "multalmc: slow must be overdamped or underdamped (got 'fast')");
  EXPECT_EQ(message(dmt::params().set("friction", 0.0)), "multalmc: friction must be positive");
  EXPECT_EQ(message(dmt::params().set("fast", std::string("rk4"))),
            "multalmc: fast must be exponential or skrock (got 'rk4')");
  EXPECT_EQ(message(dmt::params().set("fast_stages", 0.0)), "multalmc: fast_stages must be between 1 and 64");
  EXPECT_EQ(message(dmt::params().set("fast_damping", -1.0)), "multalmc: fast_damping must be non-negative");
  EXPECT_EQ(message(dmt::params().set("chain_init", std::string("zero"))),
            "multalmc: chain_init must be centre or particle (got 'zero')");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("student_t"))),
            "multalmc: noise student_t needs fast=skrock (exponential Euler is exact only for Gaussian noise)");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("student_t")).set("df", 0.0).set("fast", std::string("skrock"))),
            "multalmc: df must be positive");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("laplace"))),
            "multalmc: noise must be gaussian or student_t (got 'laplace')");
}

}  // namespace
