// The per-particle kernel of the `banana` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in banana.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct banana_kernel {
  int dim;
  float width;      // standard deviation of y_1
  float curvature;  // b
  float log_norm;   // -dim/2 ln 2 pi - ln width

  template <class T>
  DMT_HD T log_density_and_grad(const T* y, T* grad) const {
    const float inv_w2 = 1.0f / (width * width);
    const T r = y[1] - T(curvature) * (y[0] * y[0] - T(width * width));
    T sq = y[0] * y[0] * T(inv_w2) + r * r;
    grad[0] = -y[0] * T(inv_w2) + T(2.0f * curvature) * y[0] * r;
    grad[1] = -r;
    for (int i = 2; i < dim; ++i) {
      sq = sq + y[i] * y[i];
      grad[i] = -y[i];
    }
    return T(log_norm) - T(0.5f) * sq;
  }
};

}  // namespace dmt
