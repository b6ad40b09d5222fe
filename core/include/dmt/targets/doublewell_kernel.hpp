// The per-particle kernel of the `doublewell` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in doublewell.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct doublewell_kernel {
  int dim;
  int wells;  // m
  float delta;

  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T energy(0.0f);
    for (int i = 0; i < wells; ++i) {
      const T s = x[i] * x[i] - T(delta);
      energy = energy + s * s;
      grad[i] = T(-4.0f) * x[i] * s;
    }
    for (int i = wells; i < dim; ++i) {
      energy = energy + T(0.5f) * x[i] * x[i];
      grad[i] = -x[i];
    }
    return -energy;
  }
};

}  // namespace dmt
