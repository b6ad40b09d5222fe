// log Z of the targets against independent references: published values (ALGORITHMS.md),
// composite Simpson quadrature of the target's own density in 2-D (sometimes after a
// unit-Jacobian or explicit change of variables), and importance sampling for heavy tails.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

// Composite Simpson on [a0,b0] x [a1,b1] with n (even) panels per axis of
// f(u, v) = exp(log R(map(u, v))) * jacobian(u, v), evaluated in float batches.
double simpson_2d(const dmt::target& t, double a0, double b0, double a1, double b1, int n,
                  const std::function<void(double, double, float*, double*)>& map) {
  const double h0 = (b0 - a0) / n, h1 = (b1 - a1) / n;
  auto w = [n](int i) { return (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0); };
  std::vector<float> pts(static_cast<std::size_t>(n + 1) * 2), lr(n + 1);
  std::vector<double> jac(n + 1);
  double total = 0.0;
  for (int i = 0; i <= n; ++i) {
    for (int k = 0; k <= n; ++k) map(a0 + i * h0, a1 + k * h1, &pts[2 * k], &jac[k]);
    t.evaluate(pts.data(), n + 1, lr.data(), nullptr);
    double row = 0.0;
    for (int k = 0; k <= n; ++k) row += w(k) * std::exp(double(lr[k])) * jac[k];
    total += w(i) * row;
  }
  return total * h0 * h1 / 9.0;
}

auto identity_map = [](double u, double v, float* x, double* jac) {
  x[0] = static_cast<float>(u);
  x[1] = static_cast<float>(v);
  *jac = 1.0;
};

TEST(LogNormaliser, PublishedValues) {
  // ALGORITHMS.md section 1: manywell 164.6957 (dim 32); doublewell by quadrature.
  EXPECT_NEAR(*dmt::make_target("manywell", {})->log_normaliser(), 164.6957, 1e-4);
  const double table[3][4] = {{50, 5, 2, 42.8172}, {10, 5, 3, 4.8303}, {5, 5, 4, -0.5411}};
  for (const auto& r : table) {
    const auto t = dmt::make_target("doublewell", dmt::params().set("dim", r[0]).set("m", r[1]).set("delta", r[2]));
    EXPECT_NEAR(*t->log_normaliser(), r[3], 1e-4) << "doublewell(" << r[0] << ", " << r[1] << ", " << r[2] << ")";
  }
}

TEST(LogNormaliser, QuadratureIn2D) {
  struct item {
    std::string name;
    dmt::params p;
    double a0, b0, a1, b1;
  };
  const std::vector<item> items = {
      {"gmm25", {}, -14, 14, -14, 14},
      {"gmm9", {}, -9, 9, -9, 9},
      {"gmm40", {}, -48, 48, -48, 48},
      {"gaussian",
       dmt::params().set("mean", std::vector<double>{1, -1}).set("covariance", std::vector<double>{2, 0.8, 0.8, 1}),
       -14, 16, -12, 10},
      {"manywell", dmt::params().set("dim", 2.0), -4, 4, -9, 9},
      {"doublewell", dmt::params().set("dim", 2.0).set("m", 1.0).set("delta", 3.0), -4, 4, -9, 9},
  };
  for (const auto& it : items) {
    const auto t = dmt::make_target(it.name, it.p);
    const double z = simpson_2d(*t, it.a0, it.b0, it.a1, it.b1, 1600, identity_map);
    // float32 log-densities: relative error of exp(log R) about 1e-6 per point, averaging out
    EXPECT_NEAR(std::log(z), *t->log_normaliser(), 2e-5) << it.name;
  }
}

TEST(LogNormaliser, FunnelByChangeOfVariables) {
  // x1 = exp(x0 / 2) u has Jacobian exp(x0 / 2); the integrand is smooth in (x0, u).
  const auto t = dmt::make_target("funnel", dmt::params().set("dim", 2.0));
  const double z = simpson_2d(*t, -30, 30, -9, 9, 1600, [](double x0, double u, float* x, double* jac) {
    x[0] = static_cast<float>(x0);
    x[1] = static_cast<float>(std::exp(0.5 * x0) * u);
    *jac = std::exp(0.5 * x0);
  });
  EXPECT_NEAR(std::log(z), 0.0, 2e-5);
}

TEST(LogNormaliser, BananaByChangeOfVariables) {
  // y2 = r + b (y1^2 - w^2) has unit Jacobian.
  const auto t = dmt::make_target("banana", {});
  const double z = simpson_2d(*t, -70, 70, -9, 9, 2000, [](double y1, double r, float* x, double* jac) {
    x[0] = static_cast<float>(y1);
    x[1] = static_cast<float>(r + 0.1 * (y1 * y1 - 100.0));
    *jac = 1.0;
  });
  EXPECT_NEAR(std::log(z), 0.0, 2e-5);
}

TEST(LogNormaliser, HeavyTailsByImportanceSampling) {
  // Z = E_q[R / q] with q a product Cauchy (scale c), whose tails dominate Student-t(2), so the
  // ratio is bounded. Tolerance: z_band(1e-6) standard errors of the estimate.
  const auto seed = dmt_test::test_seed(4242);
  struct item {
    std::string name;
    double scale;
  };
  for (const item& it : {item{"student_t", 1.0}, item{"student_t_mixture", 12.0}}) {
    const auto t = dmt::make_target(it.name, {});
    const std::size_t n = 400000;
    std::vector<float> x(2 * n), lr(n);
    std::vector<double> logq(n);
    for (std::size_t i = 0; i < n; ++i) {
      dmt::philox_stream rng(dmt::make_philox_key(seed), static_cast<std::uint32_t>(i), 1);
      logq[i] = 0.0;
      for (int j = 0; j < 2; ++j) {
        const double c = it.scale * std::tan(M_PI * (rng.uniform() - 0.5));
        x[2 * i + j] = static_cast<float>(c);
        logq[i] += -std::log(M_PI * it.scale * (1.0 + (c / it.scale) * (c / it.scale)));
      }
    }
    t->evaluate(x.data(), n, lr.data(), nullptr);
    double s = 0.0, s2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double w = std::exp(double(lr[i]) - logq[i]);
      s += w;
      s2 += w * w;
    }
    const double mean = s / n, se = std::sqrt((s2 / n - mean * mean) / n);
    std::printf("[ is       ] %s: Z = %.5f +- %.5f\n", it.name.c_str(), mean, se);
    EXPECT_NEAR(mean, 1.0, dmt_test::z_band(1e-6) * se) << it.name;
  }
}

}  // namespace
