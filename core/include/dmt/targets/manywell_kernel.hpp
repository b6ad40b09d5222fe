// The per-particle kernel of the `manywell` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in manywell.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct manywell_kernel {
  int dim;  // even

  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    T energy(0.0f);
    for (int i = 0; i < dim; i += 2) {
      const T y = x[i], z = x[i + 1];
      const T y2 = y * y;
      energy = energy + y2 * y2 - T(6.0f) * y2 - T(0.5f) * y + T(0.5f) * z * z;
      grad[i] = -(T(4.0f) * y2 * y - T(12.0f) * y - T(0.5f));
      grad[i + 1] = -z;
    }
    return -energy;
  }

  // Hessian of log R times v (diagonal: -(12 y^2 - 12) for the double-well coordinates, -1 for the
  // others).
  template <class T>
  DMT_HD void hessian_vector_product(const T* x, const T* v, T* hv) const {
    for (int i = 0; i < dim; i += 2) {
      hv[i] = -(T(12.0f) * x[i] * x[i] - T(12.0f)) * v[i];
      hv[i + 1] = -v[i + 1];
    }
  }
};

}  // namespace dmt
