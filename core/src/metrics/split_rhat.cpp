#include "dmt/metrics/split_rhat.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <vector>

namespace dmt {

double normal_quantile(double p) {
  if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425;
  double x;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - lo) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // one Halley step: e = Phi(x) - p
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

namespace {

// Normal scores of the ranks of v (ties: average rank).
std::vector<double> rank_normalise(const std::vector<double>& v) {
  const std::size_t s = v.size();
  std::vector<std::size_t> order(s);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return v[i] < v[j]; });
  std::vector<double> z(s);
  for (std::size_t i = 0; i < s;) {
    std::size_t j = i;
    while (j + 1 < s && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = 0.5 * double(i + j) + 1.0;  // 1-based average rank of the tie group
    const double score = normal_quantile((rank - 0.375) / (double(s) + 0.25));
    for (std::size_t k = i; k <= j; ++k) z[order[k]] = score;
    i = j + 1;
  }
  return z;
}

// R-hat of k chains of length len stored chain after chain.
double basic_rhat(const std::vector<double>& z, std::size_t k, std::size_t len) {
  std::vector<double> mean(k, 0.0);
  double w = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t t = 0; t < len; ++t) mean[c] += z[c * len + t];
    mean[c] /= double(len);
    double v = 0.0;
    for (std::size_t t = 0; t < len; ++t) v += (z[c * len + t] - mean[c]) * (z[c * len + t] - mean[c]);
    w += v / double(len - 1);
  }
  w /= double(k);
  const double grand = std::accumulate(mean.begin(), mean.end(), 0.0) / double(k);
  double b_over_n = 0.0;
  for (double mc : mean) b_over_n += (mc - grand) * (mc - grand);
  b_over_n /= double(k - 1);
  if (!(w > 0)) return b_over_n > 0 ? INFINITY : 1.0;  // constant chains: mixed only if all equal
  return std::sqrt(((double(len) - 1) / double(len) * w + b_over_n) / w);
}

}  // namespace

double split_rhat(const float* trace, std::size_t n, std::size_t m) {
  if (n < 4 || m < 1) return NAN;
  const std::size_t half = n / 2, k = 2 * m;
  std::vector<double> v(k * half);  // split chains, chain after chain (odd n: the middle step is dropped)
  for (std::size_t c = 0; c < m; ++c)
    for (std::size_t t = 0; t < half; ++t) {
      v[(2 * c) * half + t] = trace[t * m + c];
      v[(2 * c + 1) * half + t] = trace[(n - half + t) * m + c];
    }
  for (double x : v)
    if (!std::isfinite(x)) return NAN;
  const double bulk = basic_rhat(rank_normalise(v), k, half);
  std::vector<double> sorted = v;
  const std::size_t s = sorted.size();
  std::nth_element(sorted.begin(), sorted.begin() + s / 2, sorted.end());
  double median = sorted[s / 2];
  if (s % 2 == 0) median = 0.5 * (median + *std::max_element(sorted.begin(), sorted.begin() + s / 2));
  std::vector<double> folded(s);
  for (std::size_t i = 0; i < s; ++i) folded[i] = std::fabs(v[i] - median);
  const double tail = basic_rhat(rank_normalise(folded), k, half);
  return std::max(bulk, tail);
}

std::string split_rhat_warning(double rhat, const std::string& over) {
  if (std::isnan(rhat) || rhat <= kRhatWarning) return {};
  char text[160];
  std::snprintf(text, sizeof text, " is %.3g (above %.2f; rank-normalised, Vehtari et al. 2021)", rhat, kRhatWarning);
  return "split R-hat of x0 over " + over + text +
         ": the chains have not mixed; run longer, or the target has modes they do not cross";
}

}  // namespace dmt
