// The proximal Newton adaptive importance sampler (pnais). log Z within 3 standard errors of the
// exact value (the standard error from 8 seeds' estimates, printed; a 1e-6 floor covers float
// rounding when the proposals match the target exactly), posterior means against quadrature,
// thread independence, parameter errors.
#include "dmt/samplers/pnais.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dmt/native/thread_pool.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

struct summary {
  double log_z_mean = 0, log_z_se = 0;
  Eigen::VectorXd mean, mean_se;
};

// 8 seeds of pnais: N particles, `steps` iterations; the mean of log Z and of the pooled
// self-normalised posterior mean, with their standard errors over the seeds.
summary run_seeds(const dmt::target& t, const dmt::params& p, std::size_t n, long steps) {
  const int seeds = 8, d = t.dim();
  std::vector<double> lz;
  std::vector<Eigen::VectorXd> means;
  for (int s = 0; s < seeds; ++s) {
    dmt::pnais_sampler sp(t, dmt::parse_pnais(p), n, 100 + s);
    sp.run(steps);
    lz.push_back(*sp.log_z());
    means.push_back(sp.pooled_mean());
  }
  summary r;
  r.mean = r.mean_se = Eigen::VectorXd::Zero(d);
  for (int s = 0; s < seeds; ++s) r.log_z_mean += lz[s] / seeds, r.mean += means[s] / seeds;
  for (int s = 0; s < seeds; ++s) {
    r.log_z_se += (lz[s] - r.log_z_mean) * (lz[s] - r.log_z_mean) / (seeds - 1);
    r.mean_se += (means[s] - r.mean).cwiseAbs2() / (seeds - 1);
  }
  r.log_z_se = std::sqrt(r.log_z_se / seeds);
  r.mean_se = (r.mean_se / seeds).cwiseSqrt();
  return r;
}

// log Z and the mean of a 2-D density exp(log_r) by the midpoint rule on [lo, hi]^2 (m x m cells).
template <class F>
std::pair<double, Eigen::Vector2d> quadrature_2d(F log_r, double lo0, double hi0, double lo1, double hi1, int m) {
  const double h0 = (hi0 - lo0) / m, h1 = (hi1 - lo1) / m;
  double z = 0.0;
  Eigen::Vector2d mean = Eigen::Vector2d::Zero();
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < m; ++k) {
      const double x[2] = {lo0 + (i + 0.5) * h0, lo1 + (k + 0.5) * h1};
      const double w = std::exp(log_r(x)) * h0 * h1;
      z += w;
      mean += w * Eigen::Vector2d(x[0], x[1]);
    }
  return {std::log(z), mean / z};
}

// The default box_gaussian (2-D correlated Gaussian, mean (1, 1), box [0, 1.5]^2; log Z = -1.0397):
// 2000 particles (J = 10 proposals of 200), 30 iterations, the last 20 pooled.
TEST(Pnais, BoxGaussianLogZAndMean) {
  const auto t = dmt::make_target("box_gaussian", {});
  const auto s = run_seeds(*t, {}, 2000, 30);
  const double exact = *t->log_normaliser();
  double g[2];
  const auto [qz, qmean] =
      quadrature_2d([&](const double* x) { return t->evaluate_double(x, g); }, 0, 1.5, 0, 1.5, 1500);
  std::printf(
      "[ pnais    ] box_gaussian seeds 100..107: log Z %.5f +- %.5f (exact %.5f, quadrature %.5f); mean (%.4f, %.4f) "
      "+- (%.4f, %.4f), quadrature (%.4f, %.4f)\n",
      s.log_z_mean, s.log_z_se, exact, qz, s.mean[0], s.mean[1], s.mean_se[0], s.mean_se[1], qmean[0], qmean[1]);
  EXPECT_NEAR(s.log_z_mean, exact, 3 * std::min(s.log_z_se, 0.005) + 1e-6);  // SE capped: ~2x the 0.0021 measured
  // the posterior mean: relative error below 0.5% (its Monte-Carlo standard error over the 8 seeds
  // is about 0.1%; 64 seeds of the CLI gave log Z -1.03798 +- 0.00081, so no bias at this level)
  EXPECT_LT((s.mean - qmean).norm() / qmean.norm(), 5e-3);
}

// A 2-D Bayesian LASSO with a strong L1 weight (8 rows, lambda 4: the posterior has mass on both
// sides of the kink at b_2 = 0): log Z (the evidence) and the mean by the midpoint rule on
// [-6, 6]^2 (2400 x 2400).
TEST(Pnais, LassoEvidenceAndMean) {
  const dmt::params tp = dmt::params().set("dim", 2.0).set("rows", 8.0).set("lambda", 4.0);
  const auto t = dmt::make_target("lasso_regression", tp);
  double g[2];
  const auto [qz, qmean] = quadrature_2d([&](const double* x) { return t->evaluate_double(x, g); }, -6, 6, -6, 6, 2400);
  const auto s = run_seeds(*t, dmt::params().set("cov_scale", 1.5), 2000, 30);
  std::printf(
      "[ pnais    ] lasso_regression seeds 100..107: log Z %.5f +- %.5f (quadrature %.5f); mean (%.4f, %.4f) "
      "+- (%.4f, %.4f), quadrature (%.4f, %.4f)\n",
      s.log_z_mean, s.log_z_se, qz, s.mean[0], s.mean[1], s.mean_se[0], s.mean_se[1], qmean[0], qmean[1]);
  // 1e-4: the float32-stored kernel and the quadrature; the SEs capped at about twice those measured
  // (log Z 0.00058, means 0.0003), so that a noisier sampler cannot widen its own band
  EXPECT_NEAR(s.log_z_mean, qz, 3 * std::min(s.log_z_se, 0.0012) + 1e-4);
  EXPECT_NEAR(s.mean[0], qmean[0], 4 * std::min(s.mean_se[0], 0.0006) + 1e-3);
  EXPECT_NEAR(s.mean[1], qmean[1], 4 * std::min(s.mean_se[1], 0.0006) + 1e-3);
}

// A smooth target (g = 0, Hessian by central differences): gaussian d = 10, mean 1, variances
// 0.5 .. 2.3 (log Z = 0).
TEST(Pnais, SmoothTargetLogZ) {
  std::vector<double> var(10), mean(10, 1.0);
  for (int i = 0; i < 10; ++i) var[i] = 0.5 + 0.2 * i;
  const auto t = dmt::make_target("gaussian", dmt::params().set("dim", 10.0).set("mean", mean).set("covariance", var));
  const auto s = run_seeds(*t, {}, 1000, 15);
  std::printf("[ pnais    ] gaussian-10 seeds 100..107: log Z %.2e +- %.2e (exact 0)\n", s.log_z_mean, s.log_z_se);
  EXPECT_NEAR(s.log_z_mean, 0.0, 3 * std::min(s.log_z_se, 3e-5) + 1e-4);  // SE capped: ~2x the 1.2e-5 measured
}

TEST(Pnais, MeansReachTheMapAndThreadsDoNotMatter) {
  const auto t = dmt::make_target("box_gaussian", dmt::params().set("mean", std::vector<double>{2.5, -1}));
  dmt::thread_pool one(1), three(3);
  dmt::pnais_sampler a(*t, dmt::parse_pnais({}), 400, 9, one), b(*t, dmt::parse_pnais({}), 400, 9, three);
  a.run(25, one);
  b.run(25, three);
  EXPECT_EQ(a.particles(), b.particles());
  EXPECT_EQ(*a.log_z(), *b.log_z());
  // the MAP of N((2.5, -1), S) on [0, 1.5]^2 with S = [[1, .7], [.7, 1]], by enumeration: the corner
  // or an edge; the proximal Newton iteration (gamma 0.5) converges linearly to it
  Eigen::Matrix2d s;
  s << 1, 0.7, 0.7, 1;
  const Eigen::Matrix2d p = s.inverse();
  double best = INFINITY;
  Eigen::Vector2d map;
  for (int k = 0; k < 4000; ++k)  // a fine search on the box's boundary and interior grid
    for (int l = 0; l <= 300; ++l) {
      const Eigen::Vector2d x(1.5 * (k % 301) / 300.0, 1.5 * l / 300.0);
      const Eigen::Vector2d r = x - Eigen::Vector2d(2.5, -1);
      if (r.dot(p * r) < best) best = r.dot(p * r), map = x;
      if (k >= 300) break;
    }
  for (const auto& mu : a.means()) EXPECT_LT((mu - map).norm(), 1e-2) << mu.transpose();
  EXPECT_EQ(a.energy_evaluations(), 25L * (400 + 10));
}

TEST(Pnais, ParameterErrors) {
  const auto t = dmt::make_target("box_gaussian", {});
  const auto message = [&](const dmt::params& p, std::size_t n = 100) {
    return dmt_test::error_message([&] { dmt::make_particle_sampler("pnais", p, *t, n, 1); });
  };
  EXPECT_EQ(message(dmt::params().set("gamma", 0.0)), "pnais: gamma must be in (0, 1] (got 0.000000)");
  EXPECT_EQ(message(dmt::params().set("proposals", 0.0)), "pnais: proposals must be between 1 and 100000");
  EXPECT_EQ(message(dmt::params().set("cov_scale", -1.0)), "pnais: cov_scale must be positive");
  EXPECT_EQ(message(dmt::params().set("burn_in", -1.0)), "pnais: burn_in must be non-negative");
  EXPECT_EQ(message({}, 105),
            "pnais: the particle count (105) must be a multiple of proposals (10), at least 2 per proposal");
  EXPECT_EQ(message(dmt::params().set("steps", 3.0)), "unknown parameter 'steps' for sampler pnais");
  dmt::pnais_sampler s(*t, dmt::parse_pnais({}), 100, 1);
  EXPECT_EQ(dmt_test::error_message([&] { s.set_particles(std::vector<float>(200), dmt::serial_executor()); }),
            "pnais draws its particles from its proposals; it takes no initial particles");
  EXPECT_FALSE(s.log_z().has_value());
}

}  // namespace
