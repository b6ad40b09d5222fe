#include "dmt/metrics/chain_ess.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "dmt/params.hpp"

namespace dmt {

double chain_ess(const float* trace, std::size_t n, std::size_t m) {
  if (n < 4 || m < 1) throw input_error("chain ESS needs at least 4 steps and 1 chain");
  std::vector<double> mean(m, 0.0), var(m, 0.0);
  for (std::size_t c = 0; c < m; ++c) {
    for (std::size_t t = 0; t < n; ++t) mean[c] += trace[t * m + c];
    mean[c] /= n;
    for (std::size_t t = 0; t < n; ++t) {
      const double r = trace[t * m + c] - mean[c];
      var[c] += r * r;
    }
    var[c] /= (n - 1);
  }
  double w = 0.0, grand = 0.0;
  for (std::size_t c = 0; c < m; ++c) {
    w += var[c] / m;
    grand += mean[c] / m;
  }
  double b = 0.0;
  if (m > 1) {
    for (std::size_t c = 0; c < m; ++c) b += (mean[c] - grand) * (mean[c] - grand);
    b *= double(n) / (m - 1);
  }
  const double var_plus = (n - 1.0) / n * w + b / n;
  if (!(var_plus > 0)) return double(n * m);
  // mean over chains of the (biased, /n) autocovariance at lag t
  auto acov = [&](std::size_t lag) {
    double total = 0.0;
    for (std::size_t c = 0; c < m; ++c) {
      double s = 0.0;
      for (std::size_t t = 0; t + lag < n; ++t)
        s += (trace[t * m + c] - mean[c]) * (trace[(t + lag) * m + c] - mean[c]);
      total += s / n;
    }
    return total / m;
  };
  auto rho = [&](std::size_t lag) { return 1.0 - (w * (n - 1.0) / n - acov(lag)) / var_plus; };
  // Geyer: pairs P_k = rho_2k + rho_2k+1, summed while positive, made monotone.
  double tau = 0.0, prev_pair = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; 2 * k + 1 < n; ++k) {
    double pair = (k == 0 ? 1.0 : rho(2 * k)) + rho(2 * k + 1);
    if (pair < 0) break;
    pair = std::min(pair, prev_pair);
    prev_pair = pair;
    tau += 2.0 * pair;
  }
  tau -= 1.0;
  const double cap = double(n) * m * std::log10(double(n) * m);  // Stan's upper bound
  return std::min(double(n) * m / std::max(tau, 1e-300), cap);
}

}  // namespace dmt
