#include "dmt/metrics/weight_diagnostics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "dmt/metrics/importance_ess.hpp"
#include "dmt/metrics/pareto_k.hpp"

namespace dmt {
namespace {

std::string format(const char* fmt, double a, double b = 0.0, double c = 0.0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c);
  return buf;
}

}  // namespace

weight_diagnostics diagnose_weights(const std::vector<double>& log_weights, const std::vector<double>& ess_history,
                                    std::optional<long> resamplings, long steps) {
  weight_diagnostics d;
  const std::size_t n = log_weights.size();
  d.particles = n;
  double top = -std::numeric_limits<double>::infinity();
  for (double l : log_weights) {
    if (std::isnan(l) || l == std::numeric_limits<double>::infinity()) ++d.non_finite;
    else top = std::max(top, l);
  }
  double total = 0.0;
  for (double l : log_weights)
    if (std::isfinite(l)) total += std::exp(l - top);
  d.max_weight = total > 0.0 ? 1.0 / total : 0.0;
  d.min_ess = importance_ess(log_weights);
  d.min_ess_step = 0;
  for (std::size_t k = 0; k < ess_history.size(); ++k)
    if (ess_history[k] < d.min_ess) {
      d.min_ess = ess_history[k];
      d.min_ess_step = static_cast<long>(k) + 1;
    }
  if (resamplings && steps > 0) d.resampled_fraction = double(*resamplings) / double(steps);
  d.pareto_k = pareto_k_hat(log_weights);
  d.pareto_k_threshold = pareto_k_threshold(n);

  if (d.non_finite > 0)
    d.warnings.push_back(format("%.0f of the final log-weights are not finite (NaN or +inf): the estimate is undefined",
                                double(d.non_finite)));
  const double ess_floor = std::max(0.01 * double(n), 5.0);
  if (n > 0 && d.min_ess < ess_floor) {
    const std::string where = d.min_ess_step > 0 ? "at step " + std::to_string(d.min_ess_step) : "in the final weights";
    d.warnings.push_back(format("ESS fell to %.3g of %.0f particles ", d.min_ess, double(n)) + where +
                         format(" (below max(N/100, 5) = %.3g): the weights degenerated and the estimate rests on a "
                                "few particles; shorten the step or lengthen the path",
                                ess_floor));
  }
  if (d.pareto_k && *d.pareto_k > d.pareto_k_threshold)
    d.warnings.push_back(format("Pareto k-hat of the final weights is %.2f > %.2f (PSIS, Vehtari et al. 2024): the "
                                "weights are too heavy-tailed for a reliable estimate",
                                *d.pareto_k, d.pareto_k_threshold));
  return d;
}

}  // namespace dmt
