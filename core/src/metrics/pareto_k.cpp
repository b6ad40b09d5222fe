#include "dmt/metrics/pareto_k.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dmt {
namespace {

// loo's gpdfit on sorted exceedances x (ascending, x >= 0): the generalised Pareto shape k, with the
// weakly informative prior (adjust_k_wip: a = 10 pseudo-observations at k = 1/2).
double gpd_shape(const std::vector<double>& x) {
  const std::size_t n = x.size();
  constexpr double prior = 3.0;
  const std::size_t m = 30 + static_cast<std::size_t>(std::floor(std::sqrt(double(n))));
  const double xstar = x[static_cast<std::size_t>(std::floor(double(n) / 4.0 + 0.5)) - 1];  // first quartile
  std::vector<double> theta(m), l_theta(m);
  for (std::size_t j = 0; j < m; ++j) {
    theta[j] = 1.0 / x[n - 1] + (1.0 - std::sqrt(double(m) / (double(j + 1) - 0.5))) / prior / xstar;
    // lx(theta, x): the profile log-likelihood per observation, with a = -theta
    const double a = -theta[j];
    double k = 0.0;
    for (double xi : x) k += std::log1p(a * xi);
    k /= double(n);
    l_theta[j] = double(n) * (std::log(a / k) - k - 1.0);
  }
  double top = -std::numeric_limits<double>::infinity();
  for (double l : l_theta)
    if (!std::isnan(l)) top = std::max(top, l);
  double norm = 0.0;
  for (double l : l_theta) norm += std::exp(l - top);
  double theta_hat = 0.0;
  for (std::size_t j = 0; j < m; ++j) theta_hat += theta[j] * std::exp(l_theta[j] - top) / norm;
  double k = 0.0;
  for (double xi : x) k += std::log1p(-theta_hat * xi);
  k /= double(n);
  constexpr double a = 10.0;
  k = k * double(n) / (double(n) + a) + a * 0.5 / (double(n) + a);
  return std::isnan(k) ? std::numeric_limits<double>::infinity() : k;
}

}  // namespace

std::optional<double> pareto_k_hat(const std::vector<double>& log_weights) {
  std::vector<double> lw;
  lw.reserve(log_weights.size());
  for (double l : log_weights)
    if (l != -std::numeric_limits<double>::infinity()) lw.push_back(l);
  for (double l : lw)
    if (!std::isfinite(l)) return std::nullopt;  // NaN or +inf: no distribution to fit
  const std::size_t s = lw.size();
  if (s == 0) return std::nullopt;
  const auto tail = static_cast<std::size_t>(std::ceil(std::min(0.2 * double(s), 3.0 * std::sqrt(double(s)))));
  if (tail < 5 || tail >= s) return std::nullopt;
  std::sort(lw.begin(), lw.end());
  const double top = lw.back();
  for (double& l : lw) l -= top;  // as loo: shifted by the largest before exponentiating
  const double lo = lw[s - tail], hi = lw[s - 1];
  // loo refuses a tail of equal values (spread below eps / 100); weights equal up to rounding (after
  // resampling, normalised in floating point) differ by ~1e-15 in log and count as equal here too
  if (std::abs(hi - lo) < 1e-12) return std::nullopt;
  const double exp_cutoff = std::exp(lw[s - tail - 1]);  // the largest value below the tail
  std::vector<double> x(tail);
  for (std::size_t i = 0; i < tail; ++i) x[i] = std::exp(lw[s - tail + i]) - exp_cutoff;
  return gpd_shape(x);
}

double pareto_k_threshold(std::size_t s) {
  return s > 1 ? std::min(1.0 - 1.0 / std::log10(double(s)), 0.7) : 0.7;
}

}  // namespace dmt
