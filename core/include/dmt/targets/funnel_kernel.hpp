// The per-particle kernel of the `funnel` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in funnel.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct funnel_kernel {
  int dim;
  float inv_var0;  // 1 / scale^2
  float log_norm;  // -0.5 log(2 pi scale^2) - (dim-1)/2 log(2 pi)

  // log R = log_norm - x0^2/(2 s^2) - (dim-1) x0/2 - exp(-x0) sum x_i^2 / 2
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    using std::exp;
    const T inv_v = exp(-x[0]);
    T sq(0.0f);
    for (int i = 1; i < dim; ++i) {
      sq = sq + x[i] * x[i];
      grad[i] = -x[i] * inv_v;
    }
    const T half_m = T(0.5f * float(dim - 1));
    grad[0] = -x[0] * T(inv_var0) - half_m + T(0.5f) * sq * inv_v;
    return T(log_norm) - T(0.5f * inv_var0) * x[0] * x[0] - half_m * x[0] - T(0.5f) * sq * inv_v;
  }

  // Hessian of log R times v: H00 = -1/s^2 - exp(-x0) sum x_i^2 / 2, H0i = x_i exp(-x0),
  // Hii = -exp(-x0) (i >= 1), the other entries zero.
  template <class T>
  DMT_HD void hessian_vector_product(const T* x, const T* v, T* hv) const {
    using std::exp;
    const T inv_v = exp(-x[0]);
    T sq(0.0f), xv(0.0f);
    for (int i = 1; i < dim; ++i) {
      sq = sq + x[i] * x[i];
      xv = xv + x[i] * v[i];
      hv[i] = inv_v * (x[i] * v[0] - v[i]);
    }
    hv[0] = -(T(inv_var0) + T(0.5f) * sq * inv_v) * v[0] + inv_v * xv;
  }
};

}  // namespace dmt
