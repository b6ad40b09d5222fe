// The per-particle arithmetic of the Langevin parametrisation (ALGORITHMS.md 4, model_config::
// langevin), written once for the CPU trajectories (trajectory.cpp) and the CUDA trainer:
//   u = clip(o + s_k clip(grad log R(x), +-lgv_clip), +-drift_clip),
// a non-finite gradient entry counting as 0; and its part of the backward pass: no gradient through
// u where the outer clip is active, and d loss / d s_k = sum_j (d loss / d u_j) clip(grad)_j.
#pragma once
#include "dmt/hd.hpp"

namespace dmt {

// Clips the score g in place and writes the drift u from the outputs o (dim each).
template <class T>
DMT_HD inline void langevin_drift(int dim, const T* o, double s, double lgv_clip, double drift_clip, T* g, T* u) {
  using std::isfinite;
  for (int j = 0; j < dim; ++j) {
    const double gj = double(g[j]);
    const double c = isfinite(gj) ? (gj < -lgv_clip ? -lgv_clip : gj > lgv_clip ? lgv_clip : gj) : 0.0;
    g[j] = T(c);
    const double uj = double(o[j]) + s * double(g[j]);
    u[j] = T(uj < -drift_clip ? -drift_clip : uj > drift_clip ? drift_clip : uj);
  }
}

// Zeroes d_u[j] where |u_j| >= drift_clip and adds d_u[j] score[j] to ds (this particle's part of
// d loss / d s_k) in coordinate order.
template <class T>
DMT_HD inline void langevin_drift_gradient(int dim, const T* u, const T* score, double drift_clip, T* d_u, double& ds) {
  for (int j = 0; j < dim; ++j) {
    if ((u[j] < 0 ? -double(u[j]) : double(u[j])) >= drift_clip) d_u[j] = T(0);
    ds += double(d_u[j]) * double(score[j]);
  }
}

}  // namespace dmt
