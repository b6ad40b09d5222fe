// The per-particle arithmetic of the blr_wisconsin model (DMT_HD: the CPU runs it on xsimd batches of
// doubles, one particle per lane; a CUDA kernel or the wasm module on one particle at a time).
//   z_r = f_r . x,  l = sum_r [l_r z_r - softplus(z_r)] - |x - theta|^2 / (2v) + norm,
//   grad_x = sum_r (l_r - sigmoid(z_r)) f_r - (x - theta) / v,  grad_theta = sum_j (x_j - theta) / v.
#pragma once
#include <cmath>

#include "dmt/hd.hpp"

namespace dmt {

struct logistic_prior_mean_kernel {
  int dim;                 // features (9)
  int rows;                // training rows
  const double* features;  // rows x dim, standardised
  const double* labels;    // rows, 0 or 1
  double variance;         // v, the prior variance
  double log_norm;         // -(dim / 2) log(2 pi v)

  // grad (dim) and grad_theta; returns l when want_log (else 0: the softplus is skipped).
  template <class T>
  DMT_HD T evaluate(const T* x, double theta, T* grad, T& grad_theta, bool want_log) const {
    using std::abs;
    using std::exp;
    using std::log1p;
    T total(0.0), gt(0.0);
    const T inv_v(1.0 / variance);
    for (int j = 0; j < dim; ++j) {
      const T dx = x[j] - T(theta);
      grad[j] = -dx * inv_v;
      gt = gt + dx * inv_v;
      if (want_log) total = total - T(0.5) * inv_v * dx * dx;
    }
    for (int r = 0; r < rows; ++r) {
      const double* f = features + r * dim;
      // three partial sums: shorter dependency chains than one running sum (the CPU overlaps them)
      T z0(0.0), z1(0.0), z2(0.0);
      int j = 0;
      for (; j + 3 <= dim; j += 3) {
        z0 = fma(T(f[j]), x[j], z0);
        z1 = fma(T(f[j + 1]), x[j + 1], z1);
        z2 = fma(T(f[j + 2]), x[j + 2], z2);
      }
      for (; j < dim; ++j) z0 = fma(T(f[j]), x[j], z0);
      const T z = (z0 + z1) + z2;
      const T e = exp(-abs(z)), one(1.0);
      const T inv = one / (one + e);
      const T sig = select(z >= T(0.0), inv, e * inv);
      const T y(labels[r]);
      if (want_log) total = total + y * z - (vmax(z, T(0.0)) + log1p(e));
      const T resid = y - sig;
      for (int k = 0; k < dim; ++k) grad[k] = fma(resid, T(f[k]), grad[k]);
    }
    grad_theta = gt;
    return want_log ? total + T(log_norm) : T(0.0);
  }
};

}  // namespace dmt
