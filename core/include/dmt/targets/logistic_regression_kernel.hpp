// The per-particle kernel of the `logistic_regression` target (DMT_HD: CPU, CUDA and wasm share it); the
// target's definition and parameters are documented in logistic_regression.hpp.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {
struct logistic_regression_kernel {
  int dim;                // features + 1; x[0] is the bias
  int rows;               // data points
  const float* features;  // rows x (dim - 1), standardised
  const float* labels;    // rows, 0 or 1
  float inv_prior_var;
  float log_prior_norm;  // -dim/2 ln(2 pi prior_scale^2)

  // eta_n = x0 + f_n . x[1:]; log R = sum_n (y_n eta_n - softplus(eta_n)) - |x|^2/(2 s^2) + norm;
  // grad = sum_n (y_n - sigmoid(eta_n)) (1, f_n) - x / s^2.
  template <class T>
  DMT_HD T log_density_and_grad(const T* x, T* grad) const {
    using std::exp;
    using std::log1p;
    T total(0.0f);
    for (int j = 0; j < dim; ++j) {
      grad[j] = -x[j] * T(inv_prior_var);
      total = total - T(0.5f * inv_prior_var) * x[j] * x[j];
    }
    const int p = dim - 1;
    for (int n = 0; n < rows; ++n) {
      const float* f = features + n * p;
      T eta = x[0];
      for (int j = 0; j < p; ++j) eta = eta + T(f[j]) * x[j + 1];
      const T neg_abs = select(eta < T(0.0f), eta, -eta);
      const T softplus = vmax(eta, T(0.0f)) + log1p(exp(neg_abs));
      total = total + T(labels[n]) * eta - softplus;
      const T residual = T(labels[n]) - exp(eta - softplus);
      grad[0] = grad[0] + residual;
      for (int j = 0; j < p; ++j) grad[j + 1] = grad[j + 1] + residual * T(f[j]);
    }
    return total + T(log_prior_norm);
  }
};

}  // namespace dmt
