// manywell: dim/2 independent pairs (y, z) with energy y^4 - 6 y^2 - 0.5 y + 0.5 z^2
// (Noe et al. 2019; 2^16 modes at dim = 32). log Z = (dim/2)(ln Z_y + 0.5 ln 2 pi), where
// Z_y = integral exp(-(y^4 - 6y^2 - 0.5y)) dy = 11784.50927 (quadrature).
#pragma once
#include <memory>

#include "dmt/targets/kernel_target.hpp"

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
};

std::unique_ptr<target> make_manywell(const params& p);
component_doc manywell_doc();

}  // namespace dmt
