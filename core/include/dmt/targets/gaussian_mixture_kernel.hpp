// The per-particle kernel of the `gaussian_mixture` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in gaussian_mixture.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct gaussian_mixture_kernel {
  int dim;
  int components;
  const float* means;  // components x dim
  float variance;      // of every component, per coordinate
  float log_norm;      // -log(components) - dim/2 log(2 pi variance)

  // Online log-sum-exp over components (one pass, no per-component storage):
  // log R = log_norm + log sum_k exp(a_k), a_k = -|x - m_k|^2 / (2 variance),
  // grad = sum_k softmax(a)_k (m_k - x) / variance.
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T running_max(-1e30f), sum(0.0f);
    for (int j = 0; j < dim; ++j) grad[j] = T(0.0f);
    const float inv_two_var = 0.5f / variance;
    for (int k = 0; k < components; ++k) {
      const float* m = means + k * dim;
      T sq(0.0f);
      for (int j = 0; j < dim; ++j) {
        const T r = x[j] - T(m[j]);
        sq = sq + r * r;
      }
      const T a = -sq * T(inv_two_var);
      const T new_max = vmax(running_max, a);
      using std::exp;
      const T scale_old = exp(running_max - new_max), weight = exp(a - new_max);
      sum = sum * scale_old + weight;
      for (int j = 0; j < dim; ++j) grad[j] = grad[j] * scale_old + weight * (T(m[j]) - x[j]);
      running_max = new_max;
    }
    const T inv = T(1.0f / variance) / sum;
    for (int j = 0; j < dim; ++j) grad[j] = grad[j] * inv;
    using std::log;
    return T(log_norm) + running_max + log(sum);
  }
};

}  // namespace dmt
