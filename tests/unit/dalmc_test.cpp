// DALMC (core/include/dmt/samplers/dalmc.hpp): the Monte-Carlo scores converge to the exact mixture
// score at the K^-1/2 rate, the Student-t forms agree with a quadrature of the convolved density,
// thread independence, schedules, errors. The sampling runs are in tests/heavy/dalmc_path_test.cpp.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "dmt/native/thread_pool.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/dalmc.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

dmt::dalmc_settings settings(const dmt::params& p) { return dmt::parse_dalmc(p); }

// RMS error of the Monte-Carlo score against the exact one on gmm25 at lambda = 0.5, over 12 points
// drawn from mu_t and 16 seeds, for K = 16 .. 1024: the fitted log-log slope must be near -1/2
// (self-normalised importance sampling; accepted [-0.75, -0.35]) and the error at K = 1024 below a
// stated fraction of the score's RMS size (observed: Tweedie 0.08 / 1.10, target-score form
// 0.15 / 1.10, whose lambda^-1/2 grad log R terms vary more at lambda = 0.5).
void check_rate(const std::string& kind, double max_relative_error) {
  const auto t = dmt::make_target("gmm25", {});
  const double lambda = 0.5;
  const dmt::diffusion_score exact(*t, settings(dmt::params().set("score", std::string("exact"))));
  const int m = 12, d = 2;
  std::vector<float> xs(m * d), noise(m * d);
  t->sample_exact(21, m, xs.data());
  dmt::philox_stream rng(dmt::make_philox_key(22), 0, 1);
  for (int i = 0; i < m * d; ++i) xs[i] = float(std::sqrt(lambda) * xs[i] + std::sqrt(1 - lambda) * rng.normal());
  std::vector<float> ref(m * d);
  exact(lambda, xs.data(), m, dmt::make_philox_key(0), 0, 0, ref.data());
  double size = 0.0;
  for (float v : ref) size += double(v) * v;
  size = std::sqrt(size / ref.size());
  std::vector<double> lk, le;
  for (int K : {16, 64, 256, 1024}) {
    const dmt::diffusion_score mc(
        *t, settings(dmt::params().set("score", kind).set("inner_samples", double(K))));
    double sq = 0.0;
    for (int seed = 0; seed < 16; ++seed) {
      std::vector<float> est(m * d);
      mc(lambda, xs.data(), m, dmt::make_philox_key(100 + seed), 7, 0, est.data());
      for (int i = 0; i < m * d; ++i) sq += (double(est[i]) - ref[i]) * (double(est[i]) - ref[i]);
    }
    const double rms = std::sqrt(sq / (16.0 * m * d));
    std::printf("[ dalmc    ] %s K %5d: RMS error %.4f (score RMS %.3f)\n", kind.c_str(), K, rms, size);
    lk.push_back(std::log(double(K)));
    le.push_back(std::log(rms));
  }
  const double mk = (lk[0] + lk[1] + lk[2] + lk[3]) / 4, me = (le[0] + le[1] + le[2] + le[3]) / 4;
  double num = 0, den = 0;
  for (int i = 0; i < 4; ++i) {
    num += (lk[i] - mk) * (le[i] - me);
    den += (lk[i] - mk) * (lk[i] - mk);
  }
  const double slope = num / den;
  std::printf("[ dalmc    ] %s: slope %.3f\n", kind.c_str(), slope);
  EXPECT_GE(slope, -0.75);
  EXPECT_LE(slope, -0.35);
  EXPECT_LT(std::exp(le.back()), max_relative_error * size);
}

TEST(Dalmc, TweedieScoreConvergesToTheExactMixtureScore) { check_rate("tweedie", 0.1); }
TEST(Dalmc, TargetScoreFormConvergesToTheExactMixtureScore) { check_rate("dem", 0.2); }

// Student-t noise (df 3, scale sqrt(1 - lambda)) on N(0, 1), lambda = 0.6: the score of the
// convolved density by the trapezoid rule on y in [-12, 12] (24 001 nodes) against the mean of 20
// Monte-Carlo estimates with K = 4096 (seeds 200..219), within 4 standard errors + 2e-3 (the
// self-normalised estimator's O(1/K) bias).
TEST(Dalmc, StudentTScoresMatchQuadrature) {
  const auto t = dmt::make_target("gaussian", dmt::params().set("dim", 1.0));
  const double lambda = 0.6, df = 3.0;
  for (const std::string kind : {"tweedie", "dem"}) {
    const dmt::diffusion_score mc(*t, settings(dmt::params()
                                                   .set("noise", std::string("student_t"))
                                                   .set("df", df)
                                                   .set("score", kind)
                                                   .set("inner_samples", 4096.0)));
    for (double x : {-2.0, -0.5, 0.7, 2.5}) {
      const double quad = dmt_test::student_t_convolved_score(x, lambda, df);
      double sum = 0.0, sum2 = 0.0;
      const float xf = static_cast<float>(x);
      for (int seed = 0; seed < 20; ++seed) {
        float est;
        mc(lambda, &xf, 1, dmt::make_philox_key(200 + seed), 0, 0, &est);
        sum += est;
        sum2 += double(est) * est;
      }
      const double mean = sum / 20, se = std::sqrt((sum2 / 20 - mean * mean) / 19);
      std::printf("[ dalmc    ] student_t %s x %+.1f: quadrature %.5f, Monte Carlo %.5f +- %.5f\n", kind.c_str(), x,
                  quad, mean, se);
      EXPECT_NEAR(mean, quad, 4 * se + 2e-3);
    }
  }
}

TEST(Dalmc, ThreadCountDoesNotChangeTheResult) {
  const auto t = dmt::make_target("funnel", {});
  const auto cfg = settings(dmt::params().set("levels", 10.0).set("inner_samples", 16.0).set("step_size", 0.005));
  dmt::thread_pool one(1), three(3);
  dmt::dalmc_sampler a(*t, cfg, 300, 4, one), b(*t, cfg, 300, 4, three);
  a.run(15, one);
  b.run(15, three);
  EXPECT_EQ(a.particles(), b.particles());
  // levels 1..9 below lambda = 1 (16 inner samples each), level 10 and the 5 after at the target
  EXPECT_EQ(a.energy_evaluations(), 300L * 9 * 16 + 300L * 6);
  EXPECT_EQ(a.score().kind(), "tweedie");
}

TEST(Dalmc, BadParameters) {
  auto message = [](const dmt::params& p) {
    try {
      dmt::parse_dalmc(p);
    } catch (const dmt::input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(dmt::params().set("noise", std::string("student_t")).set("df", 0.0)), "dalmc: df must be positive");
  EXPECT_EQ(message(dmt::params().set("df", -1.0)), "dalmc: df must be positive");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("laplace"))),
            "dalmc: noise must be gaussian or student_t (got 'laplace')");
  EXPECT_EQ(message(dmt::params().set("schedule", std::string("sigmoid"))),
            "dalmc: schedule must be linear or cosine (got 'sigmoid')");
  EXPECT_EQ(message(dmt::params().set("lambda_min", 1.0)), "dalmc: lambda_min must be in (0, 1)");
  EXPECT_EQ(message(dmt::params().set("levels", 0.0)), "dalmc: levels must be between 1 and 1e8");
  EXPECT_EQ(message(dmt::params().set("inner_samples", 0.0)), "dalmc: inner_samples must be between 1 and 1e6");
  EXPECT_EQ(message(dmt::params().set("score", std::string("sliced"))),
            "dalmc: score must be auto, exact, tweedie or dem (got 'sliced')");
  EXPECT_EQ(message(dmt::params().set("step_size", 0.0)), "dalmc: step_size must be positive");
  const auto funnel = dmt::make_target("funnel", {});
  try {
    dmt::diffusion_score(*funnel, dmt::parse_dalmc(dmt::params().set("score", std::string("exact"))));
    FAIL();
  } catch (const dmt::input_error& e) {
    EXPECT_STREQ(e.what(),
                 "dalmc: score 'exact' needs Gaussian noise and a Gaussian or Gaussian-mixture target (got gaussian "
                 "noise, target funnel)");
  }
  const auto gmm = dmt::make_target("gmm25", {});
  EXPECT_EQ(dmt::diffusion_score(*gmm, dmt::parse_dalmc(dmt::params().set("noise", std::string("student_t")))).kind(),
            "tweedie");
}

TEST(Dalmc, CosineScheduleRunsFromLambdaMinToOne) {
  const auto s = settings(dmt::params().set("schedule", std::string("cosine")).set("lambda_min", 0.05));
  EXPECT_DOUBLE_EQ(dmt::dalmc_lambda(s, 0.0), 0.05);
  EXPECT_DOUBLE_EQ(dmt::dalmc_lambda(s, 1.0), 1.0);
  EXPECT_NEAR(dmt::dalmc_lambda(s, 0.5), 0.05 + 0.95 * 0.5, 1e-12);
}

}  // namespace
