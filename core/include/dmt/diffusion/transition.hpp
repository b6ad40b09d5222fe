// The per-particle arithmetic of a diffusion sampler's transitions (ALGORITHMS.md 4), written once
// for the CPU trajectories (trajectory.cpp) and the CUDA trainer (native/cuda/src/trajectory_kernels.cu):
//   forward  x_{k+1} = x_k + u dt + sqrt(sigma^2 v dt + e^2) z,  v = exp(tanh(o_v) log_var_range) or 1,
//   log p_F = log N(x_{k+1}; x_k + u dt, sigma^2 v dt I)  (the policy's, also when e > 0),
//   log p_B = log N(x_k; (t_k / t_{k+1}) x_{k+1}, (t_k / t_{k+1}) sigma^2 dt I), 0 for k = 0, and its draws,
// and d log p_F / d (u, o_v) for the backward pass. Sums in double, as the CPU always did.
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

// The Philox purpose of step k's draws: kind 0x31 forward, 0x32 backward; stream tells batches of
// one iteration apart (training, evaluation, ...).
DMT_HD inline std::uint32_t trajectory_purpose(std::uint32_t kind, std::uint32_t stream, int k) {
  return (kind << 24) | ((stream & 0xFFu) << 16) | static_cast<std::uint32_t>(k);
}

struct transition_shape {
  int dim = 2;
  double sigma2 = 1.0;
  bool learned_variance = false;
  double log_var_range = 4.0;
};

// log v_j of coordinate j (0 without a learned variance); o_v: the raw variance outputs.
template <class T>
DMT_HD inline double transition_log_variance(const transition_shape& c, const T* o_v, int j) {
  using std::tanh;
  return c.learned_variance ? tanh(double(o_v[j])) * c.log_var_range : 0.0;
}

// x1[j] = x[j] + u[j] dt + sqrt(sigma^2 v_j dt + e^2) z[j]. x1 may alias z (z[j] is read before x1[j] is written).
template <class T>
DMT_HD inline void transition_sample(const transition_shape& c, const T* u, const T* o_v, const T* x, const float* z,
                                     double dt, double exploration, T* x1) {
  using std::exp;
  using std::sqrt;
  for (int j = 0; j < c.dim; ++j) {
    const double var = c.sigma2 * exp(transition_log_variance(c, o_v, j)) * dt + exploration * exploration;
    const double zj = double(z[j]);
    x1[j] = T(double(x[j]) + double(u[j]) * dt + sqrt(var) * zj);
  }
}

template <class T>
DMT_HD inline T transition_log_pf(const transition_shape& c, const T* u, const T* o_v, const T* x, const T* x1,
                                  double dt) {
  using std::exp;
  using std::log;
  constexpr double log2pi = 1.83787706640934548356;
  double s = 0.0;
  if (!c.learned_variance) {  // one variance for every coordinate
    const double var = c.sigma2 * dt;
    for (int j = 0; j < c.dim; ++j) {
      const double r = double(x1[j]) - double(x[j]) - double(u[j]) * dt;
      s += r * r;
    }
    return T(-0.5 * (s / var + c.dim * (log2pi + log(var))));
  }
  for (int j = 0; j < c.dim; ++j) {
    const double var = c.sigma2 * exp(transition_log_variance(c, o_v, j)) * dt;
    const double r = double(x1[j]) - double(x[j]) - double(u[j]) * dt;
    s += r * r / var + log2pi + log(var);
  }
  return T(-0.5 * s);
}

// Step k of the Brownian bridge to x_0 = 0, from t_k = tk to t_{k+1} = tk1.
template <class T>
DMT_HD inline T transition_log_pb(const transition_shape& c, int k, double tk, double tk1, const T* x, const T* x1) {
  using std::log;
  constexpr double log2pi = 1.83787706640934548356;
  if (k == 0) return T(0);
  const double ratio = tk / tk1;
  const double var = ratio * c.sigma2 * (tk1 - tk);
  double s = 0.0;
  for (int j = 0; j < c.dim; ++j) {
    const double r = double(x[j]) - ratio * double(x1[j]);
    s += r * r;
  }
  return T(-0.5 * (s / var + c.dim * (log2pi + log(var))));
}

// A draw from step k of the Brownian bridge (k >= 1): x = ratio x1 + sd z, ratio = t_k / t_{k+1},
// sd = sqrt(ratio sigma^2 (t_{k+1} - t_k)) (backward trajectories; z may alias x).
template <class T>
DMT_HD inline void transition_bridge_sample(int dim, double ratio, double sd, const T* x1, const float* z, T* x) {
  for (int j = 0; j < dim; ++j) x[j] = T(ratio * double(x1[j]) + sd * double(z[j]));
}

// g d log p_F / d u_j into d_out[j] and, with a learned variance, g d log p_F / d o_v,j into
// d_out[dim + j] (o_v: the raw outputs, through tanh). The trajectory (x, x1) is held fixed.
template <class T>
DMT_HD inline void transition_output_gradient(const transition_shape& c, const T* u, const T* o_v, const T* x,
                                              const T* x1, double dt, double g, T* d_out) {
  using std::exp;
  using std::tanh;
  for (int j = 0; j < c.dim; ++j) {
    const double th = c.learned_variance ? tanh(double(o_v[j])) : 0.0;
    const double var = c.sigma2 * exp(th * c.log_var_range);
    const double r = double(x1[j]) - double(x[j]) - double(u[j]) * dt;
    d_out[j] = T(g * r / var);
    if (c.learned_variance) d_out[c.dim + j] = T(g * 0.5 * (r * r / (var * dt) - 1.0) * c.log_var_range * (1.0 - th * th));
  }
}

}  // namespace dmt
