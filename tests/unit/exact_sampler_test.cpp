// Exact samplers: one-sample KS tests (p = 1e-6) of marginals, or of statistics with a known
// law, against CDFs written independently here (closed forms or quadrature).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "dmt/targets/gaussian_mixture.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

constexpr std::size_t kDraws = 20000;

std::vector<float> draw(const std::string& name, const dmt::params& p, std::uint64_t seed, int* dim) {
  const auto t = dmt::make_target(name, p);
  *dim = t->dim();
  std::vector<float> x(kDraws * t->dim());
  t->sample_exact(seed, kDraws, x.data());
  return x;
}

double grid_mixture_cdf(double x, const std::vector<double>& axis, double sd) {
  // marginal of an equal-weight grid mixture: each axis value carries weight 1/|axis|
  double f = 0.0;
  for (double m : axis) f += dmt_test::normal_cdf(x, m, sd) / axis.size();
  return f;
}

// CDF of coordinate j of an equal-weight mixture whose components are centred at the rows of
// `locations` (k x dim) and have the centred marginal CDF `component`.
double mixture_marginal_cdf(double v, const std::vector<double>& locations, int dim, int j,
                            const std::function<double(double)>& component) {
  const std::size_t k = locations.size() / dim;
  double f = 0.0;
  for (std::size_t c = 0; c < k; ++c) f += component(v - locations[c * dim + j]);
  return f / double(k);
}

TEST(ExactSamplers, Gaussian) {
  const auto seed = dmt_test::test_seed(101);
  int d;
  const auto x =
      draw("gaussian",
           dmt::params().set("mean", std::vector<double>{1, -1}).set("covariance", std::vector<double>{2, 0.8, 0.8, 1}),
           seed, &d);
  EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, 0),
                                   [](double v) { return dmt_test::normal_cdf(v, 1, std::sqrt(2.0)); }));
  EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, 1), [](double v) { return dmt_test::normal_cdf(v, -1, 1); }));
  // x0 + x1 ~ N(0, 2 + 1 + 1.6)
  std::vector<double> s(kDraws);
  for (std::size_t i = 0; i < kDraws; ++i) s[i] = x[2 * i] + x[2 * i + 1];
  EXPECT_TRUE(dmt_test::ks_accepts(s, [](double v) { return dmt_test::normal_cdf(v, 0, std::sqrt(4.6)); }));
}

TEST(ExactSamplers, GridMixtures) {
  const auto seed = dmt_test::test_seed(102);
  int d;
  const auto x25 = draw("gmm25", {}, seed, &d);
  for (int j = 0; j < 2; ++j)
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x25, d, j), [](double v) {
      return grid_mixture_cdf(v, {-10, -5, 0, 5, 10}, std::sqrt(0.3));
    }));
  const auto x9 = draw("gmm9", {}, seed, &d);
  for (int j = 0; j < 2; ++j)
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x9, d, j), [](double v) {
      return grid_mixture_cdf(v, {-5, 0, 5}, 0.5477);
    }));
}

TEST(ExactSamplers, Gmm40) {
  const auto seed = dmt_test::test_seed(103);
  int d;
  const auto x = draw("gmm40", {}, seed, &d);
  const auto means = dmt::gmm40_means(2, 0);
  for (int j = 0; j < 2; ++j)
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, j), [&](double v) {
      return mixture_marginal_cdf(v, means, 2, j, [](double r) { return dmt_test::normal_cdf(r); });
    }));
}

TEST(ExactSamplers, Funnel) {
  const auto seed = dmt_test::test_seed(104);
  int d;
  const auto x = draw("funnel", {}, seed, &d);
  EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, 0), [](double v) { return dmt_test::normal_cdf(v, 0, 3); }));
  // x_i exp(-x0/2) ~ N(0, 1) independently of x0
  for (int j : {1, 9}) {
    std::vector<double> s(kDraws);
    for (std::size_t i = 0; i < kDraws; ++i) s[i] = x[i * d + j] * std::exp(-0.5 * x[i * d]);
    EXPECT_TRUE(dmt_test::ks_accepts(s, [](double v) { return dmt_test::normal_cdf(v); }));
  }
}

TEST(ExactSamplers, Manywell) {
  const auto seed = dmt_test::test_seed(105);
  int d;
  const auto x = draw("manywell", {}, seed, &d);
  // CDF of y by cumulative Simpson quadrature of exp(-(y^4 - 6y^2 - 0.5y)) on [-5, 5]
  const int n = 20000;
  const double a = -5, h = 10.0 / n;
  std::vector<double> cdf(n + 1, 0.0);
  auto f = [](double y) { return std::exp(-(y * y * y * y - 6 * y * y - 0.5 * y)); };
  for (int i = 0; i < n; ++i) {
    const double y0 = a + i * h;
    cdf[i + 1] = cdf[i] + h / 6 * (f(y0) + 4 * f(y0 + h / 2) + f(y0 + h));
  }
  const double z = cdf[n];
  auto y_cdf = [&](double y) {
    if (y <= a) return 0.0;
    if (y >= a + n * h) return 1.0;
    const double pos = (y - a) / h;
    const int i = static_cast<int>(pos);
    return (cdf[i] + (pos - i) * (cdf[i + 1] - cdf[i])) / z;
  };
  for (int j : {0, 30}) EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, j), y_cdf));
  for (int j : {1, 31})
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, j), [](double v) { return dmt_test::normal_cdf(v); }));
}

// doublewell(10, 5, 3) and a negative delta (one well): KS tests of a double-well coordinate
// against the CDF from cumulative Simpson quadrature of exp(-(x^2 - delta)^2), and of a Gaussian one.
TEST(ExactSamplers, Doublewell) {
  for (double delta : {3.0, -1.0}) {
    const auto seed = dmt_test::test_seed(delta > 0 ? 107 : 108);
    int d;
    const auto x = draw("doublewell", dmt::params().set("delta", delta), seed, &d);
    const int n = 20000;
    const double a = -6, h = 12.0 / n;
    std::vector<double> cdf(n + 1, 0.0);
    auto f = [&](double v) { return std::exp(-(v * v - delta) * (v * v - delta)); };
    for (int i = 0; i < n; ++i) {
      const double v0 = a + i * h;
      cdf[i + 1] = cdf[i] + h / 6 * (f(v0) + 4 * f(v0 + h / 2) + f(v0 + h));
    }
    auto well_cdf = [&](double v) {
      if (v <= a) return 0.0;
      if (v >= a + n * h) return 1.0;
      const double pos = (v - a) / h;
      const int i = static_cast<int>(pos);
      return (cdf[i] + (pos - i) * (cdf[i + 1] - cdf[i])) / cdf[n];
    };
    for (int j : {0, 4}) EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, j), well_cdf)) << "delta " << delta;
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, 7), [](double v) { return dmt_test::normal_cdf(v); }));
  }
}

TEST(ExactSamplers, StudentT) {
  const auto seed = dmt_test::test_seed(106);
  int d;
  const auto x = draw("student_t", dmt::params().set("dim", 3.0), seed, &d);
  for (int j = 0; j < 3; ++j) EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, j), dmt_test::student_t2_cdf));
}

TEST(ExactSamplers, StudentTMixture) {
  const auto seed = dmt_test::test_seed(107);
  const auto t = dmt::make_target("student_t_mixture", {});
  std::vector<float> x(kDraws * 2);
  t->sample_exact(seed, kDraws, x.data());
  const auto loc = t->mode_locations();
  ASSERT_EQ(loc.size(), 20u);
  for (int j = 0; j < 2; ++j)
    EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, 2, j), [&](double v) {
      return mixture_marginal_cdf(v, loc, 2, j, dmt_test::student_t2_cdf);
    }));
}

TEST(ExactSamplers, Banana) {
  const auto seed = dmt_test::test_seed(108);
  int d;
  const auto x = draw("banana", {}, seed, &d);
  EXPECT_TRUE(dmt_test::ks_accepts(dmt_test::column(x, d, 0), [](double v) { return dmt_test::normal_cdf(v, 0, 10); }));
  std::vector<double> r(kDraws);
  for (std::size_t i = 0; i < kDraws; ++i) r[i] = x[2 * i + 1] - 0.1 * (double(x[2 * i]) * x[2 * i] - 100.0);
  EXPECT_TRUE(dmt_test::ks_accepts(r, [](double v) { return dmt_test::normal_cdf(v); }));
}

TEST(ExactSamplers, Gmm40MeansAreTheRecordedOnes) {
  const auto means = dmt::gmm40_means(2, 0);
  FILE* f = std::fopen(DMT_SOURCE_DIR "/data/gmm40_means.csv", "r");
  ASSERT_NE(f, nullptr) << "data/gmm40_means.csv missing";
  for (int k = 0; k < 40; ++k) {
    double a, b;
    ASSERT_EQ(std::fscanf(f, "%lf,%lf", &a, &b), 2) << "row " << k;
    EXPECT_DOUBLE_EQ(a, means[2 * k]);
    EXPECT_DOUBLE_EQ(b, means[2 * k + 1]);
  }
  std::fclose(f);
}

}  // namespace
