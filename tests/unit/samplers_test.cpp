// Langevin-family samplers on targets with known stationary laws. Moment checks use Monte-Carlo
// bands of z_band(1e-6, k) standard errors (Bonferroni over the k checked moments) around the exact
// stationary values: N(m, S) for MALA and BAOAB (exact for Gaussians), the discretisation-biased
// covariance for ULA and SK-ROCK (derived here from the linear recursions).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "dmt/native/thread_pool.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

const std::vector<double> kMean = {1.0, -2.0};
const std::vector<double> kCov = {2.0, 0.6, 0.6, 0.5};

std::unique_ptr<dmt::target> correlated_gaussian() {
  return dmt::make_target("gaussian", dmt::params().set("mean", kMean).set("covariance", kCov));
}

// Checks the sample mean and covariance of x (n x 2) against (mean, cov) within Monte-Carlo bands;
// returns false (and reports) if any is outside.
bool moments_match(const std::vector<float>& x, const Eigen::Vector2d& mean, const Eigen::Matrix2d& cov) {
  const std::size_t n = x.size() / 2;
  Eigen::Vector2d m = Eigen::Vector2d::Zero();
  for (std::size_t i = 0; i < n; ++i) m += Eigen::Vector2d(x[2 * i], x[2 * i + 1]);
  m /= double(n);
  Eigen::Matrix2d c = Eigen::Matrix2d::Zero();
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::Vector2d r = Eigen::Vector2d(x[2 * i], x[2 * i + 1]) - m;
    c += r * r.transpose();
  }
  c /= double(n - 1);
  const double z = dmt_test::z_band(1e-6, 5);
  bool ok = true;
  auto check = [&](const char* what, double got, double want, double se) {
    const bool in = std::fabs(got - want) <= z * se;
    std::printf("[ moment   ] %-5s got %9.5f want %9.5f band +-%.5f %s\n", what, got, want, z * se,
                in ? "" : "OUTSIDE");
    ok = ok && in;
  };
  check("m0", m[0], mean[0], std::sqrt(cov(0, 0) / n));
  check("m1", m[1], mean[1], std::sqrt(cov(1, 1) / n));
  check("c00", c(0, 0), cov(0, 0), cov(0, 0) * std::sqrt(2.0 / (n - 1)));
  check("c11", c(1, 1), cov(1, 1), cov(1, 1) * std::sqrt(2.0 / (n - 1)));
  check("c01", c(0, 1), cov(0, 1), std::sqrt((cov(0, 0) * cov(1, 1) + cov(0, 1) * cov(0, 1)) / (n - 1)));
  return ok;
}

Eigen::Matrix2d exact_cov() { return Eigen::Map<const Eigen::Matrix2d>(kCov.data()); }

std::vector<float> run(const dmt::target& t, const std::string& kind, dmt::params p, std::size_t n, long steps,
                       std::uint64_t seed, const dmt::executor& exec = dmt::serial_executor(),
                       double* accept = nullptr) {
  dmt::sampler s(t, dmt::parse_sampler(kind, p), n, seed, exec);
  s.run(steps, exec);
  if (accept) *accept = s.acceptance_rate();
  return s.particles();
}

TEST(Samplers, MalaIsExactOnAGaussian) {
  const auto seed = dmt_test::test_seed(1);
  const auto t = correlated_gaussian();
  double acc;
  const auto x = run(*t, "mala", dmt::params().set("step_size", 0.1).set("adapt_steps", 200.0), 20000, 500, seed,
                     dmt::serial_executor(), &acc);
  std::printf("[ mala     ] acceptance %.3f\n", acc);
  EXPECT_NEAR(acc, 0.574, 0.05);  // adaptation reached its target
  EXPECT_TRUE(moments_match(x, Eigen::Vector2d(kMean[0], kMean[1]), exact_cov()));
}

TEST(Samplers, UlaHasItsKnownDiscretisationBias) {
  // x' = (I - hP) x + hPm + sqrt(2h) xi has stationary covariance (P (I - hP/2))^-1.
  const auto seed = dmt_test::test_seed(2);
  const auto t = correlated_gaussian();
  const double h = 0.25;
  const auto x = run(*t, "ula", dmt::params().set("step_size", h), 20000, 400, seed);
  const Eigen::Matrix2d p = exact_cov().inverse();
  const Eigen::Matrix2d biased = (p * (Eigen::Matrix2d::Identity() - 0.5 * h * p)).inverse();
  EXPECT_TRUE(moments_match(x, Eigen::Vector2d(kMean[0], kMean[1]), biased));
  EXPECT_FALSE(moments_match(x, Eigen::Vector2d(kMean[0], kMean[1]), exact_cov()))
      << "the bias should be visible at this step size";
}

TEST(Samplers, UnderdampedBaoabIsExactInXOnAGaussian) {
  const auto seed = dmt_test::test_seed(3);
  const auto t = correlated_gaussian();
  const auto x = run(*t, "underdamped", dmt::params().set("step_size", 0.4).set("friction", 1.0), 20000, 600, seed);
  EXPECT_TRUE(moments_match(x, Eigen::Vector2d(kMean[0], kMean[1]), exact_cov()));
}

// Stationary variance of SK-ROCK on N(0, 1/p) in 1-D: the step is X' = a X + b Q, Q = sqrt(2h) xi,
// with a and b read off the recursion applied to (X, Q) = (1, 0) and (0, 1) in double.
double skrock_stationary_variance(double p, double h, int s, double eta) {
  auto step = [&](double x, double q) {
    const double w0 = 1 + eta / (s * s);
    std::vector<double> t(s + 1), u(s + 1);
    t[0] = 1;
    t[1] = w0;
    u[0] = 1;
    u[1] = 2 * w0;
    for (int j = 2; j <= s; ++j) {
      t[j] = 2 * w0 * t[j - 1] - t[j - 2];
      u[j] = 2 * w0 * u[j - 1] - u[j - 2];
    }
    const double w1 = t[s] / (s * u[s - 1]);
    const double mu1 = w1 / w0, nu1 = s * w1 / 2, k1 = s * w1 / w0;
    double k_prev2 = x, k_prev = x - mu1 * h * p * (x + nu1 * q) + k1 * q;
    for (int j = 2; j <= s; ++j) {
      const double mu = 2 * w1 * t[j - 1] / t[j], nu = 2 * w0 * t[j - 1] / t[j];
      const double k = -mu * h * p * k_prev + nu * k_prev + (1 - nu) * k_prev2;
      k_prev2 = k_prev;
      k_prev = k;
    }
    return k_prev;
  };
  const double a = step(1, 0), b = step(0, 1);
  return b * b * 2 * h / (1 - a * a);
}

TEST(Samplers, SkrockStableWhereUlaDivergesOnAStiffGaussian) {
  const auto seed = dmt_test::test_seed(4);
  // precisions 1 and 100 (L = 100): Euler/ULA is stable only for h < 2/L = 0.02
  const auto t = dmt::make_target("gaussian", dmt::params().set("covariance", std::vector<double>{1.0, 0.01}));
  const double h = 0.05;
  EXPECT_THROW(run(*t, "ula", dmt::params().set("step_size", h), 1000, 2000, seed), dmt::nonfinite_error);
  const auto x = run(*t, "skrock", dmt::params().set("step_size", h).set("stages", 10.0), 20000, 300, seed);
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  cov(0, 0) = skrock_stationary_variance(1.0, h, 10, 0.05);
  cov(1, 1) = skrock_stationary_variance(100.0, h, 10, 0.05);
  std::printf("[ skrock   ] stationary variances %.5f (exact 1) %.6f (exact 0.01)\n", cov(0, 0), cov(1, 1));
  EXPECT_TRUE(moments_match(x, Eigen::Vector2d::Zero(), cov));
}

TEST(Samplers, MalaMarginalsMatchExactSamplesOnFunnelAndGmm25) {
  // MALA started from the exact law must keep it: two-sample KS of every marginal against
  // independent exact samples (p = 1e-6 each).
  const auto seed = dmt_test::test_seed(5);
  for (const std::string name : {"funnel", "gmm25"}) {
    const auto t = dmt::make_target(name, {});
    const std::size_t n = 10000;
    const dmt::params p =
        dmt::params().set("init", std::string("exact")).set("step_size", 0.05).set("adapt_steps", 100.0);
    double acc = 0.0;
    const auto x = run(*t, "mala", p, n, 400, seed, dmt::serial_executor(), &acc);
    std::vector<float> ref(n * t->dim());
    t->sample_exact(seed + 1000, n, ref.data());
    for (int j = 0; j < t->dim(); ++j)
      EXPECT_TRUE(dmt_test::ks_two_sample_accepts(dmt_test::column(x, t->dim(), j), dmt_test::column(ref, t->dim(), j)))
          << name << " coordinate " << j;
    // a sampler that never moved would pass the KS tests above: the chains must have moved. Adapted
    // MALA accepts 40-90 % here, and after 400 steps the particles have left their exact start (the
    // same draw: 0 steps, same seed); the median displacement exceeds half the smallest mode's sd
    // (gmm25: sqrt(0.3) = 0.55; the funnel's x0 has sd 3).
    EXPECT_GT(acc, 0.4) << name;
    EXPECT_LT(acc, 0.95) << name;
    const auto x0 = run(*t, "mala", p, n, 0, seed);
    std::vector<double> moved(n);
    for (std::size_t i = 0; i < n; ++i) {
      double r2 = 0.0;
      for (int j = 0; j < t->dim(); ++j) r2 += std::pow(double(x[i * t->dim() + j]) - x0[i * t->dim() + j], 2);
      moved[i] = std::sqrt(r2);
    }
    std::nth_element(moved.begin(), moved.begin() + n / 2, moved.end());
    EXPECT_GT(moved[n / 2], 0.27) << name << ": median displacement";
    std::printf("[ mala     ] %s from its exact law: acceptance %.3f, median displacement %.3f\n", name.c_str(), acc,
                moved[n / 2]);
  }
}

TEST(Samplers, TwoSampleTestDetectsUlaBiasOnGmm25) {
  // Negative control for the test above: ULA at h = 0.5 inflates each mode's variance sixfold
  // (0.3 / (1 - h p / 2) with p = 1 / 0.3).
  const auto t = dmt::make_target("gmm25", {});
  const std::size_t n = 10000;
  const auto x = run(*t, "ula", dmt::params().set("init", std::string("exact")).set("step_size", 0.5), n, 100, 9);
  std::vector<float> ref(n * 2);
  t->sample_exact(1009, n, ref.data());
  EXPECT_FALSE(dmt_test::ks_two_sample_accepts(dmt_test::column(x, 2, 0), dmt_test::column(ref, 2, 0)));
}

TEST(Samplers, ResultsDoNotDependOnThreadCount) {
  const auto t = dmt::make_target("manywell", dmt::params().set("dim", 6.0));
  dmt::thread_pool one(1), two(2), three(3);
  for (const std::string kind : {"ula", "mala", "underdamped", "skrock"}) {
    dmt::params p = dmt::params().set("step_size", 0.01);
    if (kind == "mala") p.set("adapt_steps", 5.0);
    const auto a = run(*t, kind, p, 1000, 20, 77, one);
    const auto b = run(*t, kind, p, 1000, 20, 77, two);
    const auto c = run(*t, kind, p, 1000, 20, 77, three);
    EXPECT_EQ(a, b) << kind;
    EXPECT_EQ(a, c) << kind;
  }
}

TEST(Samplers, SimdPathMatchesScalarReference) {
  const auto t = dmt::make_target("funnel", {});
  for (const std::string kind : {"ula", "underdamped", "skrock", "mala"}) {
    dmt::params p = dmt::params().set("step_size", 0.01);
    if (kind == "mala") p.set("adapt_steps", 0.0);
    const auto a = run(*t, kind, p, 203, 10, 5);
    const auto b = run(*t, kind, p.set("simd", 0.0), 203, 10, 5);
    ASSERT_EQ(a.size(), b.size());
    // per particle (203 = 25 full batches of 8 and a remainder of 3, or 12 of 16 and 11): every
    // coordinate within 1e-4 relative; MALA may flip a rare accept decision on a last-bit difference
    // of libm vs xsimd logs, so one particle in it may differ, never a remainder tile's worth
    const int d = t->dim();
    std::size_t differ = 0;
    for (std::size_t i = 0; i < a.size() / d; ++i) {
      bool same = true;
      for (int j = 0; j < d; ++j) same = same && std::fabs(a[i * d + j] - b[i * d + j]) <= 1e-4f * (1 + std::fabs(b[i * d + j]));
      differ += !same;
    }
    std::printf("[ simd     ] %s: %zu of 203 particles differ from the scalar path\n", kind.c_str(), differ);
    EXPECT_LE(differ, kind == "mala" ? 1u : 0u) << kind;
  }
}

TEST(Samplers, ErrorsNameTheProblem) {
  auto message = [](const std::string& kind, const dmt::params& p) {
    return dmt_test::error_message([&] { dmt::parse_sampler(kind, p); });
  };
  EXPECT_EQ(message("hmc", {}), "unknown sampler 'hmc' (known: ula, mala, underdamped, skrock, smc, jala, dalmc, multalmc, multcdiff, pnais)");
  EXPECT_EQ(message("mala", dmt::params().set("step_size", 0.0)), "step_size must be positive");
  EXPECT_EQ(message("mala", dmt::params().set("step_size", -1.0)), "step_size must be positive");
  EXPECT_EQ(message("ula", dmt::params().set("friction", 1.0)), "unknown parameter 'friction' for sampler ula");
  EXPECT_EQ(message("mala", dmt::params().set("target_accept", 1.5)), "target_accept must be in (0, 1)");
  EXPECT_EQ(message("skrock", dmt::params().set("stages", 100.0)), "skrock: stages must be in [1, 64]");
  EXPECT_EQ(message("underdamped", dmt::params().set("friction", 0.0)), "friction must be positive");
  EXPECT_EQ(message("ula", dmt::params().set("init", std::string("uniform"))),
            "init must be normal, exact or zeros (got 'uniform')");
  const auto t = dmt::make_target("gmm25", {});
  EXPECT_THROW(dmt::sampler(*t, dmt::parse_sampler("ula", {}), 0, 1), dmt::input_error);
  try {
    run(*t, "ula", dmt::params().set("step_size", 10.0), 50, 200, 1);
    FAIL() << "expected a non-finite error";
  } catch (const dmt::nonfinite_error& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite value in particle "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(" at step "), std::string::npos) << e.what();
  }
}

}  // namespace
