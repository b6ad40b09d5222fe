// The per-particle kernel of the `lasso_regression` target (DMT_HD: CPU, CUDA and wasm share it);
// the target's definition and parameters are documented in lasso_regression.hpp.
#pragma once

#include "dmt/hd.hpp"

namespace dmt {
struct lasso_regression_kernel {
  int dim;
  const float* gram;    // dim x dim: X^T X / noise^2
  const float* linear;  // dim: X^T y / noise^2
  float constant;       // -|y|^2 / (2 noise^2) + the likelihood's and the prior's normalisers
  float weight;         // the L1 weight lambda

  // log R = -b^T G b / 2 + c^T b + constant - lambda |b|_1; grad = -G b + c - lambda sign(b)
  // (sign(0) = 0: the subgradient of least norm).
  template <class T>
  DMT_HD T log_density_and_grad(const T* b, T* grad) const {
    T total(constant);
    for (int i = 0; i < dim; ++i) {
      T gb(0.0f);
      for (int k = 0; k < dim; ++k) gb = gb + T(gram[i * dim + k]) * b[k];
      const T sign = select(b[i] > T(0.0f), T(1.0f), select(b[i] < T(0.0f), T(-1.0f), T(0.0f)));
      grad[i] = T(linear[i]) - gb - T(weight) * sign;
      total = total + b[i] * (T(linear[i]) - T(0.5f) * gb) - T(weight) * sign * b[i];
    }
    return total;
  }
};

}  // namespace dmt
