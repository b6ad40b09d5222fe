// log sum_i exp(v_i), shifted by the largest entry (no overflow); -inf for an empty or all -inf
// input, NaN propagates. Shared by the weighted samplers (SMC, JALA, the adaptive importance sampler).
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace dmt {

inline double log_sum_exp(const std::vector<double>& v) {
  double m = -std::numeric_limits<double>::infinity();
  for (double x : v) m = std::max(m, x);
  if (!std::isfinite(m)) return m;
  double s = 0.0;
  for (double x : v) s += std::exp(x - m);
  return m + std::log(s);
}

}  // namespace dmt
