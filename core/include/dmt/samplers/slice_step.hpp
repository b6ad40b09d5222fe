// One sweep of univariate slice sampling over the coordinates of one particle (Neal 2003, "Slice
// sampling", Ann. Statist. 31: the stepping-out procedure of Fig. 3 and the shrinkage of Fig. 5).
// For each coordinate j in turn: the level y = f(x) - E, E ~ Exp(1); an interval of width w_j placed
// uniformly around x_j is stepped out by w_j while f stays above y at its ends (at most
// `max_steps` steps in all, split at random between the two sides); then points drawn uniformly from
// the interval are accepted when f > y, and the interval shrinks towards x_j past each rejected one.
// Every coordinate update leaves exp(f) invariant whatever the widths, so the sweep adapts to
// scales that vary across the space (a funnel's neck: a width too large costs only shrinkage
// steps, about log2 of the ratio). f(x) is the log density (up to a constant); fx its value at x on
// entry and exit. Returns the number of evaluations of f.
#pragma once
#include <cmath>

namespace dmt {

template <class LogDensity, class Rng>
long slice_sweep(const LogDensity& f, int dim, float* x, double& fx, const double* width, int max_steps, Rng& rng) {
  long evaluations = 0;
  for (int j = 0; j < dim; ++j) {
    const float x0 = x[j];
    const double y = fx + std::log(rng.uniform());  // f(x) - Exp(1)
    const auto at = [&](double v) {
      x[j] = static_cast<float>(v);
      ++evaluations;
      return f(x);
    };
    double left = x0 - width[j] * rng.uniform();
    double right = left + width[j];
    int k_left = static_cast<int>(max_steps * rng.uniform());
    int k_right = max_steps - 1 - k_left;
    while (k_left > 0 && at(left) > y) {
      left -= width[j];
      --k_left;
    }
    while (k_right > 0 && at(right) > y) {
      right += width[j];
      --k_right;
    }
    for (int shrink = 0;; ++shrink) {
      const double candidate = left + rng.uniform() * (right - left);
      const double value = at(candidate);
      if (value > y) {  // false for NaN: a non-finite density shrinks the interval
        fx = value;
        break;
      }
      const double taken = x[j];  // the candidate as stored (rounded to float)
      if (taken < x0)
        left = taken;
      else if (taken > x0)
        right = taken;
      // x_j itself is always accepted (f(x) > y) unless f(x) is NaN; then, or after 1000
      // shrinkages (only for a density that is NaN around x), the coordinate stays
      if (taken == x0 || shrink == 1000) {
        x[j] = x0;
        break;
      }
    }
  }
  return evaluations;
}

}  // namespace dmt
