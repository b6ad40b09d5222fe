#include "dmt/metrics/exact_comparison_warnings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dmt {

std::vector<std::string> exact_comparison_warnings(const exact_comparison& c) {
  std::vector<std::string> w;
  char b[512];
  if (c.log_z && c.log_z_exact) {
    const double err = *c.log_z - *c.log_z_exact;
    if (!std::isfinite(err) || std::abs(err) > kLogZErrorWarning) {
      std::snprintf(b, sizeof b,
                    "log Z = %.4g is %.3g nats from the target's exact %.4g (more than %.1f): the estimate is biased at "
                    "these settings or too noisy to trust; add temperatures or moves, or shorten the step",
                    *c.log_z, err, *c.log_z_exact, kLogZErrorWarning);
      w.emplace_back(b);
    }
  }
  if (c.coverage && c.coverage_exact && c.modes > 0 && *c.coverage < *c.coverage_exact) {
    const long got = std::lround(*c.coverage * double(c.modes)), want = std::lround(*c.coverage_exact * double(c.modes));
    std::snprintf(b, sizeof b,
                  "the samples cover %ld of the target's %zu modes where as many exact samples cover %ld: the sampler "
                  "missed modes",
                  got, c.modes, want);
    w.emplace_back(b);
  }
  if (c.mean_sq_error && c.mean_sq_noise && *c.mean_sq_noise > 0) {
    const double ratio = *c.mean_sq_error / *c.mean_sq_noise;
    if (!std::isfinite(ratio) || ratio > kMeanErrorWarning) {
      std::snprintf(b, sizeof b,
                    "the sample mean is %.3g from the exact samples' (squared, %.3g times its sampling noise; above "
                    "%.0f, 3 standard errors): the sample is biased or has not converged",
                    std::sqrt(*c.mean_sq_error), ratio, kMeanErrorWarning);
      w.emplace_back(b);
    }
  }
  if (c.sliced_w2 && c.sliced_w2_exact) {
    const double ratio = *c.sliced_w2 / std::max(*c.sliced_w2_exact, 1e-300);
    if (!std::isfinite(*c.sliced_w2) || (ratio > kSlicedW2Warning && *c.sliced_w2 > 0.05)) {
      std::snprintf(b, sizeof b,
                    "the sliced W2 distance to exact samples is %.3g, %.3g times that between two exact samples (above "
                    "%.0f): the sample's law differs from the target's",
                    *c.sliced_w2, ratio, kSlicedW2Warning);
      w.emplace_back(b);
    }
  }
  return w;
}

}  // namespace dmt
