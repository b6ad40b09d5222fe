#include "dmt/metrics/importance_ess.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dmt {

double importance_ess(const std::vector<double>& log_weights) {
  double m = -std::numeric_limits<double>::infinity();
  for (double l : log_weights)
    if (std::isfinite(l)) m = std::max(m, l);
  if (!std::isfinite(m)) return 0.0;
  double s1 = 0.0, s2 = 0.0;
  for (double l : log_weights) {
    if (!std::isfinite(l)) continue;
    const double w = std::exp(l - m);
    s1 += w;
    s2 += w * w;
  }
  return s1 * s1 / s2;
}

}  // namespace dmt
