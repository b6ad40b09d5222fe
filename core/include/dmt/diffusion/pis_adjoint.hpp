// The per-particle arithmetic of the reverse-KL (PIS) adjoint pass (diffusion/pis.hpp), written once
// for the CPU (pis.cpp) and the CUDA trainer (native/cuda/src/pis_kernels.cu). L = -mean_b log w_b;
// a = d L / d x is kept in double for one particle (dim entries).
#pragma once
#include "dmt/diffusion/transition.hpp"

namespace dmt {

// d L / d x_k (wrt_next false) or d L / d x_{k+1} (wrt_next true) of L's -log p_B,k / B term, added
// to a; step 0 has no backward term (x_0 = 0 is fixed). tk, tk1: t_k and t_{k+1}.
template <class T>
DMT_HD inline void pis_bridge_adjoint(int dim, double sigma2, int k, double tk, double tk1, const T* x, const T* x1,
                                      double inv_b, bool wrt_next, double* a) {
  if (k < 1) return;
  const double rho = tk / tk1;
  const double var = rho * sigma2 * (tk1 - tk);
  for (int j = 0; j < dim; ++j) {
    const double r = double(x[j]) - rho * double(x1[j]);
    a[j] += wrt_next ? -(rho * r / var) * inv_b : (r / var) * inv_b;
  }
}

// a_T = -grad log R(x_T) / B (the backward term of step T - 1 is added by pis_bridge_adjoint).
template <class T>
DMT_HD inline void pis_terminal_adjoint(int dim, const T* grad_log_r, double inv_b, double* a) {
  for (int j = 0; j < dim; ++j) a[j] = -double(grad_log_r[j]) * inv_b;
}

// d L / d (u, o_v) of step k from a = d L / d x_{k+1}, the noise z held fixed: x_{k+1} moves with u
// by dt, and with the learned variance through s z (s^2 = sigma^2 v dt) and log p_F's -0.5 log s^2.
template <class T>
DMT_HD inline void pis_output_gradient(const transition_shape& c, const T* u, const T* o_v, const T* x, const T* x1,
                                       const double* a, double dt, double inv_b, T* d_out) {
  using std::exp;
  using std::sqrt;
  using std::tanh;
  for (int j = 0; j < c.dim; ++j) {
    d_out[j] = T(a[j] * dt);
    if (c.learned_variance) {
      const double th = tanh(double(o_v[j]));
      const double dlogvar = c.log_var_range * (1.0 - th * th);  // d log s^2 / d o_v
      const double s = sqrt(c.sigma2 * exp(th * c.log_var_range) * dt);
      const double z = (double(x1[j]) - double(x[j]) - double(u[j]) * dt) / s;
      d_out[c.dim + j] = T(a[j] * z * s * 0.5 * dlogvar - 0.5 * dlogvar * inv_b);
    }
  }
}

// The Langevin parametrisation's part of one particle's step (u = clip(o + s_k clip(grad log R))):
// d L / d u_j = a_j dt, zero where the drift clip is active, into d_out[j]; its contribution to
// d L / d s_k added to ds; w_j = s_k (d L / d u_j) where the score clip is inactive (else 0), the
// vector whose Hessian-vector product carries d L / d u back to x_k. score: the clipped score.
template <class T>
DMT_HD inline void pis_langevin_output_gradient(int dim, const T* u, const T* score, const double* a, double dt,
                                                double s_k, double drift_clip, double lgv_clip, T* d_out, T* w,
                                                double& ds) {
  for (int j = 0; j < dim; ++j) {
    double gu = a[j] * dt;
    if ((u[j] < 0 ? -double(u[j]) : double(u[j])) >= drift_clip) gu = 0.0;
    const double sc = double(score[j]);
    ds += gu * sc;
    w[j] = (sc < 0 ? -sc : sc) < lgv_clip ? T(gu * s_k) : T(0);
    d_out[j] = T(gu);
  }
}

}  // namespace dmt
