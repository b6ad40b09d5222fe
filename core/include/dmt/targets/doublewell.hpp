// doublewell(dim, m, delta): E = sum_{i<=m} (x_i^2 - delta)^2 + 0.5 sum_{i>m} x_i^2.
// log Z = m ln I(delta) + (dim - m)/2 ln 2 pi with I(delta) = integral exp(-(x^2 - delta)^2) dx,
// computed at construction by composite Gauss-Legendre quadrature.
#pragma once
#include <memory>

#include "dmt/targets/kernel_target.hpp"

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

std::unique_ptr<target> make_doublewell(const params& p);
component_doc doublewell_doc();

}  // namespace dmt
