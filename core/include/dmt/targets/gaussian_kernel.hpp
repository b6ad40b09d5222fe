// The per-particle kernel of the `gaussian` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in gaussian.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct gaussian_kernel {
  int dim;
  const float* mean;       // dim
  const float* precision;  // dim x dim, row-major, symmetric
  float log_norm;          // -0.5 log det(2 pi covariance)

  // log N(x; mean, S) = log_norm - 0.5 r^T P r, grad = -P r, r = x - mean.
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T quad(0.0f);
    for (int i = 0; i < dim; ++i) {
      T v(0.0f);
      for (int k = 0; k < dim; ++k) v = v + T(precision[i * dim + k]) * (x[k] - T(mean[k]));
      grad[i] = -v;
      quad = quad + (x[i] - T(mean[i])) * v;
    }
    return T(log_norm) - T(0.5f) * quad;
  }

  // Hessian of log R times v: -P v.
  template <class T>
  DMT_HD void hessian_vector_product(const T*, const T* v, T* hv) const {
    for (int i = 0; i < dim; ++i) {
      T s(0.0f);
      for (int k = 0; k < dim; ++k) s = s + T(precision[i * dim + k]) * v[k];
      hv[i] = -s;
    }
  }
};

}  // namespace dmt
