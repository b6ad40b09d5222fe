// The per-particle kernel of the `box_gaussian` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in box_gaussian.hpp.
#pragma once
#include <limits>

#include "dmt/hd.hpp"
#include "dmt/targets/gaussian_kernel.hpp"

namespace dmt {
struct box_gaussian_kernel {
  gaussian_kernel gaussian;
  const float* lower;  // dim
  const float* upper;  // dim

  // log N(x; mean, S) inside the box, -inf outside; the gradient is the Gaussian's everywhere.
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T log_r = gaussian.log_density_and_grad(x, grad);
    const T minus_inf(-std::numeric_limits<float>::infinity());
    for (int i = 0; i < gaussian.dim; ++i) {
      log_r = select(x[i] < T(lower[i]), minus_inf, log_r);
      log_r = select(x[i] > T(upper[i]), minus_inf, log_r);
    }
    return log_r;
  }
};

}  // namespace dmt
