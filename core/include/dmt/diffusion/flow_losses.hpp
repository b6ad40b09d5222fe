// The per-trajectory arithmetic of the flow-network losses db and subtb (conventions in losses.hpp),
// written once for the CPU (losses.cpp) and the CUDA trainer (native/cuda/src/flow_loss_kernels.cu),
// and the forward-looking flow's reference term (compute_flows). One trajectory's log F_0..T,
// log p_F,0..T-1 and log p_B,0..T-1 and their gradients are read / accumulated at [k * stride]
// (trajectory_batch's batch x T column-major matrices: stride = batch). Sums in double.
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

// db: returns sum_k 0.5 (log F_k + log p_F,k - log F_{k+1} - log p_B,k)^2 inv_b; adds w r inv_b
// to d log p_F,k and d log F_k, subtracts it from d log F_{k+1}, and adds step 0's to *d_log_z
// (log F_0 = log Z).
template <class T>
DMT_HD inline double db_trajectory(int steps, long stride, const T* log_f, const T* log_pf, const T* log_pb, double w,
                                   double inv_b, T* d_log_pf, T* d_log_f, T* d_log_z) {
  double value = 0.0;
  for (int k = 0; k < steps; ++k) {
    const double r = double(log_f[k * stride]) + double(log_pf[k * stride]) - double(log_f[(k + 1) * stride]) -
                     double(log_pb[k * stride]);
    value += 0.5 * r * r * inv_b;
    const T g = T(w * r * inv_b);
    d_log_pf[k * stride] += g;
    d_log_f[k * stride] += g;
    d_log_f[(k + 1) * stride] -= g;
    if (k == 0) *d_log_z += g;
  }
  return value;
}

// log sum_{j = i + 1}^{steps} lambda^(j - i): subtb's normaliser of the sub-trajectories starting at
// i, in log space (lambda^T overflows for long grids).
DMT_HD inline double subtb_log_norm(int steps, int i, double log_lambda) {
  using std::exp;
  using std::log;
  double m = -INFINITY;
  for (int j = i + 1; j <= steps; ++j) m = (j - i) * log_lambda > m ? (j - i) * log_lambda : m;
  double s = 0.0;
  for (int j = i + 1; j <= steps; ++j) s += exp((j - i) * log_lambda - m);
  return m + log(s);
}

// subtb: returns sum_{i<j} 0.5 w_ij r_ij^2 inv_b with w_ij = lambda^(j-i) / exp(log_norm[i]) and
// r_ij = log F_i + sum_{k=i}^{j-1} (log p_F,k - log p_B,k) - log F_j; adds m_ij = w w_ij r_ij inv_b
// to d log F_i, subtracts it from d log F_j, adds it to d log p_F,k for i <= k < j (through a
// difference array) and the i = 0 terms to *d_log_z. cum, diff: steps + 1 and steps doubles of
// scratch at [k * scratch_stride]; log_norm: subtb_log_norm(steps, i, log_lambda) for i < steps.
template <class T>
DMT_HD inline double subtb_trajectory(int steps, long stride, const T* log_f, const T* log_pf, const T* log_pb,
                                      double log_lambda, const double* log_norm, double w, double inv_b, double* cum,
                                      double* diff, long scratch_stride, T* d_log_pf, T* d_log_f, T* d_log_z) {
  const long ss = scratch_stride;
  using std::exp;
  cum[0] = 0.0;
  for (int k = 0; k < steps; ++k) {
    cum[(k + 1) * ss] = cum[k * ss] + double(log_pf[k * stride]) - double(log_pb[k * stride]);
    diff[k * ss] = 0.0;
  }
  double value = 0.0;
  for (int i = 0; i < steps; ++i)
    for (int j = i + 1; j <= steps; ++j) {
      const double wij = exp((j - i) * log_lambda - log_norm[i]);
      const double r = double(log_f[i * stride]) + cum[j * ss] - cum[i * ss] - double(log_f[j * stride]);
      value += 0.5 * wij * r * r * inv_b;
      const double m = w * wij * r * inv_b;
      d_log_f[i * stride] += T(m);
      d_log_f[j * stride] -= T(m);
      if (i == 0) *d_log_z += T(m);
      // d / d log p_F,k += m for i <= k < j
      diff[i * ss] += m;
      if (j < steps) diff[j * ss] -= m;
    }
  double acc = 0.0;
  for (int k = 0; k < steps; ++k) {
    acc += diff[k * ss];
    d_log_pf[k * stride] += T(acc);
  }
  return value;
}

// The forward-looking flow's reference part (1 - t) log N(x; 0, sigma^2 t I) + t log R(x).
template <class T>
DMT_HD inline double forward_looking_term(int dim, double sigma2, double t, const T* x, double log_r) {
  using std::log;
  constexpr double log2pi = 1.83787706640934548356;
  const double var = sigma2 * t;
  double ref = 0.0;
  for (int j = 0; j < dim; ++j) {
    const double xj = double(x[j]);
    ref += -0.5 * (xj * xj / var + log2pi + log(var));
  }
  return (1.0 - t) * ref + t * log_r;
}

}  // namespace dmt
