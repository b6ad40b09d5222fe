// The per-particle arithmetic of the MMLE algorithms, written once (DMT_HD) for the CPU loop, a
// later CUDA kernel and the wasm module (docs/mmle.md, eq. (1) and (6)).
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

// Unadjusted Langevin step on l(theta, .):  x <- x + h grad_x l + sqrt(2 h) z   (d coordinates).
DMT_HD inline void ula_update(double* x, const double* grad, const double* z, int d, double h) {
  const double noise = std::sqrt(2.0 * h);
  for (int j = 0; j < d; ++j) x[j] += h * grad[j] + noise * z[j];
}

// JALA's work term alpha(x, y) = U(x) + <y - x, grad U(x)> / 2 + (h / 4) |grad U(x)|^2 with
// U = -l, from l(x) and grad l(x) (JALA-EM, arXiv 2505.18427, Algorithm 1).
DMT_HD inline double jala_alpha(double log_joint_x, const double* grad_x, const double* x, const double* y, int d,
                                double h) {
  double inner = 0.0, norm2 = 0.0;
  for (int j = 0; j < d; ++j) {
    inner += (y[j] - x[j]) * grad_x[j];
    norm2 += grad_x[j] * grad_x[j];
  }
  // grad U = -grad l
  return -log_joint_x - 0.5 * inner + 0.25 * h * norm2;
}

}  // namespace dmt
