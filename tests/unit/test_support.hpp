// Shared helpers for the statistical tests: seeds (printed; overridable by DMT_TEST_SEED),
// Kolmogorov-Smirnov statistics and their critical values, normal and Student-t CDFs.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "dmt/params.hpp"

namespace dmt_test {

// The seed of a statistical test: `fallback` unless DMT_TEST_SEED is set. Printed so that a
// failure can be reproduced.
inline std::uint64_t test_seed(std::uint64_t fallback) {
  const char* env = std::getenv("DMT_TEST_SEED");
  const std::uint64_t seed = env ? std::strtoull(env, nullptr, 10) : fallback;
  std::printf("[ seed     ] %llu (set DMT_TEST_SEED to override)\n", static_cast<unsigned long long>(seed));
  return seed;
}

// Asymptotic Kolmogorov distribution: P(sqrt(n) D > c) = 2 sum_k (-1)^(k-1) exp(-2 k^2 c^2).
// Critical value c with that tail probability p (bisection).
inline double kolmogorov_critical(double p) {
  auto tail = [](double c) {
    double s = 0.0;
    for (int k = 1; k < 100; ++k) s += (k % 2 ? 2.0 : -2.0) * std::exp(-2.0 * k * k * c * c);
    return s;
  };
  double lo = 0.3, hi = 10.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (tail(mid) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// One-sample KS statistic D_n = sup |F_n - F|.
inline double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  return d;
}

// Two-sample KS statistic.
inline double ks_two_sample(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0.0;
  while (i < a.size() && j < b.size()) {
    const double v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= v) ++i;
    while (j < b.size() && b[j] <= v) ++j;
    d = std::max(d, std::fabs(double(i) / a.size() - double(j) / b.size()));
  }
  return d;
}

// Passes (returns true) unless the one-sample KS test rejects at level p.
inline bool ks_accepts(const std::vector<double>& x, const std::function<double(double)>& cdf, double p = 1e-6) {
  const double d = ks_statistic(x, cdf), crit = kolmogorov_critical(p) / std::sqrt(double(x.size()));
  std::printf("[ ks       ] n = %zu, D = %.5f, critical (p = %g) = %.5f\n", x.size(), d, p, crit);
  return d <= crit;
}

inline bool ks_two_sample_accepts(const std::vector<double>& a, const std::vector<double>& b, double p = 1e-6) {
  const double d = ks_two_sample(a, b);
  const double crit = kolmogorov_critical(p) * std::sqrt(double(a.size() + b.size()) / (double(a.size()) * b.size()));
  std::printf("[ ks2      ] n = %zu, m = %zu, D = %.5f, critical (p = %g) = %.5f\n", a.size(), b.size(), d, p, crit);
  return d <= crit;
}

inline double normal_cdf(double x, double mean = 0.0, double sd = 1.0) {
  return 0.5 * std::erfc(-(x - mean) / (sd * std::sqrt(2.0)));
}

// Student-t with 2 degrees of freedom: F(t) = 1/2 + t / (2 sqrt(2 + t^2)) (closed form).
inline double student_t2_cdf(double t) { return 0.5 + t / (2.0 * std::sqrt(2.0 + t * t)); }

// The score d/dx log of the density of sqrt(lambda) Y + sqrt(1 - lambda) Z, Y ~ N(0, 1), Z ~ Student-t(df),
// at x: the convolution by the trapezoid rule on y in [-12, 12] (24 001 nodes).
inline double student_t_convolved_score(double x, double lambda, double df) {
  const double a = std::sqrt(lambda), s = std::sqrt(1 - lambda);
  double p = 0.0, dp = 0.0;
  const int nodes = 24001;
  for (int k = 0; k < nodes; ++k) {
    const double y = -12.0 + 24.0 * k / (nodes - 1), wq = (k == 0 || k == nodes - 1) ? 0.5 : 1.0;
    const double u = (x - a * y) / s;
    const double tu = std::pow(1.0 + u * u / df, -(df + 1) / 2);
    const double phi = std::exp(-0.5 * y * y);
    p += wq * phi * tu;
    dp += wq * phi * tu * (-(df + 1) * u / (df + u * u)) / s;
  }
  return dp / p;
}

inline std::vector<double> column(const std::vector<float>& x, int dim, int j) {
  std::vector<double> c(x.size() / dim);
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = x[i * dim + j];
  return c;
}

// Two-sided standard-normal quantile for a family-wise false-failure rate p over `tests` checks
// (Bonferroni), by bisection on erfc.
inline double z_band(double p = 1e-6, int tests = 1) {
  const double target = p / tests;
  double lo = 0.0, hi = 40.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (std::erfc(mid / std::sqrt(2.0)) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// The input_error message `call` throws, or "no error".
template <class F>
std::string error_message(F&& call) {
  try {
    call();
  } catch (const dmt::input_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace dmt_test
