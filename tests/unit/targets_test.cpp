// Targets: analytic gradients against central finite differences (double-precision kernel), the
// float SIMD and scalar paths against the double kernel, and JSON-style construction errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "dmt/rng/stream.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

struct target_case {
  std::string name;
  dmt::params p;
  double spread;  // test points: exact samples if available, else offset + spread * N(0, 1)
  double offset;
  int checked_coordinates;  // finite-difference coordinates checked (all if >= dim)
};

std::vector<target_case> all_targets() {
  return {
      {"gaussian",
       dmt::params()
           .set("dim", 3.0)
           .set("mean", std::vector<double>{1, -2, 0.5})
           .set("covariance", std::vector<double>{2, 0.3, 0.1, 0.3, 1, -0.2, 0.1, -0.2, 0.5}),
       1, 0, 99},
      {"gmm25", {}, 1, 0, 99},
      {"gmm9", {}, 1, 0, 99},
      {"gmm40", dmt::params().set("dim", 3.0), 1, 0, 99},
      {"funnel", {}, 1, 0, 99},
      {"manywell", {}, 1, 0, 99},
      {"doublewell", dmt::params().set("dim", 8.0).set("m", 3.0).set("delta", 2.0), 1.5, 0, 99},
      {"student_t", dmt::params().set("dim", 4.0), 1, 0, 99},
      {"student_t_mixture", dmt::params().set("dim", 3.0), 1, 0, 99},
      {"banana", dmt::params().set("dim", 3.0), 1, 0, 99},
      {"blr", {}, 0.3, 0, 99},
      {"lgcp", {}, 0.5, std::log(126.0) - 1.91 / 2, 24},
  };
}

std::vector<double> test_points(const dmt::target& t, const target_case& c, std::size_t n) {
  std::vector<double> x(n * t.dim());
  if (t.has_exact_sampler()) {
    std::vector<float> f(x.size());
    t.sample_exact(11, n, f.data());
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = f[i];
  } else {
    dmt::philox_stream rng(dmt::make_philox_key(5), 0, 0);
    for (double& v : x) v = c.offset + c.spread * rng.normal();
  }
  // round to float so that the float and double paths see the same point
  for (double& v : x) v = static_cast<float>(v);
  return x;
}

TEST(Targets, GradientMatchesFiniteDifferences) {
  for (const auto& c : all_targets()) {
    const auto t = dmt::make_target(c.name, c.p);
    const int d = t->dim();
    const auto x = test_points(*t, c, 4);
    std::vector<double> g(d), gp(d), gm(d);
    for (int i = 0; i < 4; ++i) {
      std::vector<double> xi(x.begin() + i * d, x.begin() + (i + 1) * d);
      t->evaluate_double(xi.data(), g.data());
      const int stride = std::max(1, d / c.checked_coordinates);
      for (int j = 0; j < d; j += stride) {
        const double eps = 1e-5 * std::max(1.0, std::fabs(xi[j]));
        std::vector<double> a = xi, b = xi;
        a[j] += eps;
        b[j] -= eps;
        const double fd =
            (t->evaluate_double(a.data(), gp.data()) - t->evaluate_double(b.data(), gm.data())) / (2 * eps);
        // central differences in double: truncation ~ eps^2 |f'''|, rounding ~ 1e-16 |f| / eps
        EXPECT_NEAR(g[j], fd, 1e-5 * (1.0 + std::fabs(fd))) << c.name << " point " << i << " coordinate " << j;
      }
    }
  }
}

// Hessian-vector products against central differences of the analytic gradient along v,
// (grad(x + h v) - grad(x - h v)) / 2h, for every target that offers them (and exactly those:
// the list below must match has_hessian_vector_product); the float batch path equals the double one
// rounded to float.
TEST(Targets, HessianVectorProductsMatchDifferencesOfTheGradient) {
  const std::vector<std::string> with_hvp = {"gaussian", "gmm9", "gmm25", "gmm40", "funnel", "manywell"};
  std::mt19937 gen(dmt_test::test_seed(23));
  std::normal_distribution<double> nd;
  int checked = 0;
  for (const auto& c : all_targets()) {
    const auto t = dmt::make_target(c.name, c.p);
    const bool listed = std::find(with_hvp.begin(), with_hvp.end(), t->name()) != with_hvp.end();
    ASSERT_EQ(t->has_hessian_vector_product(), listed) << t->name();
    if (!listed) {
      std::vector<double> x(t->dim(), 0.1), out(t->dim());
      EXPECT_THROW(t->hessian_vector_product(x.data(), x.data(), out.data()), dmt::input_error) << t->name();
      continue;
    }
    const int d = t->dim();
    const auto x = test_points(*t, c, 4);
    std::vector<double> hv(d), gp(d), gm(d);
    for (int i = 0; i < 4; ++i) {
      std::vector<double> xi(x.begin() + i * d, x.begin() + (i + 1) * d), v(d);
      for (double& e : v) e = nd(gen);
      t->hessian_vector_product(xi.data(), v.data(), hv.data());
      const double h = 1e-5;
      std::vector<double> a = xi, b = xi;
      for (int j = 0; j < d; ++j) {
        a[j] += h * v[j];
        b[j] -= h * v[j];
      }
      t->evaluate_double(a.data(), gp.data());
      t->evaluate_double(b.data(), gm.data());
      for (int j = 0; j < d; ++j) {
        const double fd = (gp[j] - gm[j]) / (2 * h);
        EXPECT_NEAR(hv[j], fd, 1e-5 * (1.0 + std::fabs(fd))) << c.name << " point " << i << " coordinate " << j;
      }
      std::vector<float> xf(xi.begin(), xi.end()), vf(v.begin(), v.end()), hf(d);
      t->hessian_vector_products(xf.data(), vf.data(), 1, hf.data());
      std::vector<double> xr(xf.begin(), xf.end()), vr(vf.begin(), vf.end()), hr(d);
      t->hessian_vector_product(xr.data(), vr.data(), hr.data());
      for (int j = 0; j < d; ++j) EXPECT_EQ(hf[j], static_cast<float>(hr[j])) << c.name;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(Targets, FloatPathsMatchDoubleKernel) {
  for (const auto& c : all_targets()) {
    const auto t = dmt::make_target(c.name, c.p);
    const int d = t->dim();
    const std::size_t n = 37;  // not a multiple of the SIMD width: exercises the padded tail
    const auto x = test_points(*t, c, n);
    std::vector<float> xf(x.begin(), x.end()), lr(n), g(n * d);
    t->evaluate(xf.data(), n, lr.data(), g.data());
    std::vector<double> gd(d);
    std::vector<float> gs(d);
    for (std::size_t i = 0; i < n; ++i) {
      const double ref = t->evaluate_double(&x[i * d], gd.data());
      float lr_scalar;
      t->evaluate_tile(&xf[i * d], &lr_scalar, gs.data());
      double gscale = 1.0;
      for (double v : gd) gscale = std::max(gscale, std::fabs(v));
      // float32 accumulation over up to d^2 = 2.6e6 terms (lgcp): relative 1e-3 of the magnitude
      const double tol_lr = 1e-3 * (1.0 + std::fabs(ref)), tol_g = 1e-3 * gscale;
      EXPECT_NEAR(lr[i], ref, tol_lr) << c.name << " particle " << i;
      EXPECT_NEAR(lr_scalar, ref, tol_lr) << c.name << " particle " << i << " (scalar)";
      for (int j = 0; j < d; ++j) {
        ASSERT_NEAR(g[i * d + j], gd[j], tol_g) << c.name << " particle " << i << " coordinate " << j;
        ASSERT_NEAR(gs[j], gd[j], tol_g) << c.name << " particle " << i << " coordinate " << j << " (scalar)";
      }
    }
  }
}

TEST(Targets, GradientOnlyOptional) {
  const auto t = dmt::make_target("manywell", {});
  std::vector<float> x(3 * 32, 0.5f), lr(3);
  t->evaluate(x.data(), 3, lr.data(), nullptr);
  double g[32];
  std::vector<double> xd(32, 0.5);
  EXPECT_NEAR(lr[0], t->evaluate_double(xd.data(), g), 1e-4);
}

TEST(Targets, ConstructionErrorsNameTheProblem) {
  auto message = [](const std::string& name, const dmt::params& p) {
    return dmt_test::error_message([&] { dmt::make_target(name, p); });
  };
  EXPECT_EQ(message("nosuch", {}),
            "unknown target 'nosuch' (known: gaussian, gmm25, gmm9, gmm40, funnel, manywell, doublewell, "
            "student_t, student_t_mixture, banana, blr, lgcp, box_gaussian, lasso_regression)");
  EXPECT_EQ(message("gmm25", dmt::params().set("dim", 3.0)), "unknown parameter 'dim' for target gmm25");
  EXPECT_EQ(message("manywell", dmt::params().set("dim", 31.0)), "manywell: dim must be even, in [2, 4096]");
  EXPECT_EQ(message("funnel", dmt::params().set("dim", 2.5)), "parameter 'dim' must be an integer");
  EXPECT_EQ(message("funnel", dmt::params().set("scale", -1.0)), "funnel: scale must be positive");
  EXPECT_EQ(message("funnel", dmt::params().set("scale", std::string("big"))), "parameter 'scale' must be a number");
  EXPECT_EQ(message("gaussian", dmt::params().set("dim", 2.0).set("mean", std::vector<double>{1, 2, 3})),
            "gaussian: mean has 3 entries, expected dim = 2");
  EXPECT_EQ(message("gaussian", dmt::params().set("covariance", std::vector<double>{1, 2, 2, 1})),
            "gaussian: covariance must be symmetric positive definite");
  EXPECT_EQ(message("gaussian", dmt::params().set("covariance", std::vector<double>{1, 2, 3})),
            "gaussian: covariance has 3 entries, expected dim*dim or dim");
  EXPECT_EQ(message("doublewell", dmt::params().set("m", 20.0)), "doublewell: m must be in [0, dim]");
  EXPECT_EQ(message("student_t", dmt::params().set("df", 0.0)), "student_t: df must be positive");
  EXPECT_EQ(message("banana", dmt::params().set("dim", 1.0)), "banana: dim must be in [2, 4096]");
  EXPECT_EQ(message("blr", dmt::params().set("prior_scale", 0.0)), "blr: prior_scale must be positive");
  EXPECT_EQ(message("lgcp", dmt::params().set("grid", 100.0)), "lgcp: grid must be in [2, 64]");
  EXPECT_EQ(message("gmm40", dmt::params().set("seed", -1.0)), "gmm40: seed must be non-negative");
  EXPECT_EQ(message("box_gaussian", dmt::params().set("lower", std::vector<double>{0, 2})),
            "box_gaussian: lower must be below upper in every coordinate (coordinate 1: lower 2.000000, upper 1.500000)");
  EXPECT_EQ(message("box_gaussian", dmt::params().set("upper", std::vector<double>{1})),
            "box_gaussian: upper has 1 entries, expected dim = 2");
  EXPECT_EQ(message("box_gaussian", dmt::params().set("covariance", std::vector<double>{1, 2, 2, 1})),
            "box_gaussian: covariance must be symmetric positive definite");
  EXPECT_EQ(message("lasso_regression", dmt::params().set("lambda", -0.5)),
            "lasso_regression: lambda (the L1 weight) must be finite and non-negative (got -0.500000)");
  EXPECT_EQ(message("lasso_regression", dmt::params().set("noise", 0.0)), "lasso_regression: noise must be positive");
  EXPECT_EQ(message("lasso_regression", dmt::params().set("lambda", 0.0).set("rows", 3.0)),
            "lasso_regression: lambda = 0 (flat prior) needs rows >= dim for a proper posterior");
}

}  // namespace
