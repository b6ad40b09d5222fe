// The per-particle kernel of the `cox_process` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in cox_process.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct cox_process_kernel {
  int dim;
  const float* precision;  // K^-1, dim x dim
  const float* counts;     // dim
  float mean;              // mu
  float cell_area;         // a
  float log_prior_norm;    // -0.5 ln det(2 pi K)

  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    using std::exp;
    T quad(0.0f), likelihood(0.0f);
    for (int i = 0; i < dim; ++i) {
      const float* row = precision + static_cast<long>(i) * dim;
      T v(0.0f);
      for (int k = 0; k < dim; ++k) v = v + T(row[k]) * (x[k] - T(mean));
      const T intensity = T(cell_area) * exp(x[i]);
      quad = quad + (x[i] - T(mean)) * v;
      likelihood = likelihood + x[i] * T(counts[i]) - intensity;
      grad[i] = -v + T(counts[i]) - intensity;
    }
    return T(log_prior_norm) - T(0.5f) * quad + likelihood;
  }
};

}  // namespace dmt
