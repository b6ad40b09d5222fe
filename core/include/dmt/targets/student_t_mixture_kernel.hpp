// The per-particle kernel of the `student_t` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in student_t.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct student_t_mixture_kernel {
  int dim;
  int components;
  const float* locations;  // components x dim (a single zero row for the product Student-t)
  float df;
  float log_norm;  // dim (lgamma((df+1)/2) - lgamma(df/2) - 0.5 ln(df pi)) - ln(components)

  // per component a_k = -(df+1)/2 sum_j log1p(r_j^2/df), r = x - loc_k; online log-sum-exp;
  // grad = sum_k softmax(a)_k * (-(df+1) r / (df + r^2)).
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    using std::exp;
    using std::log;
    using std::log1p;
    const float half_df1 = 0.5f * (df + 1.0f), inv_df = 1.0f / df;
    T running_max(-1e30f), sum(0.0f);
    for (int j = 0; j < dim; ++j) grad[j] = T(0.0f);
    for (int k = 0; k < components; ++k) {
      const float* loc = locations + k * dim;
      T a(0.0f);
      for (int j = 0; j < dim; ++j) {
        const T r = x[j] - T(loc[j]);
        a = a - T(half_df1) * log1p(r * r * T(inv_df));
      }
      const T new_max = vmax(running_max, a);
      const T scale_old = exp(running_max - new_max), weight = exp(a - new_max);
      sum = sum * scale_old + weight;
      for (int j = 0; j < dim; ++j) {
        const T r = x[j] - T(loc[j]);
        grad[j] = grad[j] * scale_old - weight * T(df + 1.0f) * r / (T(df) + r * r);
      }
      running_max = new_max;
    }
    const T inv = T(1.0f) / sum;
    for (int j = 0; j < dim; ++j) grad[j] = grad[j] * inv;
    return T(log_norm) + running_max + log(sum);
  }
};

}  // namespace dmt
