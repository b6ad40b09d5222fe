// Per-particle kernels of the device trainer's reverse-KL (pis) adjoint pass; the arithmetic is
// core's (diffusion/pis_adjoint.hpp, as the CPU's pis_backprop). States as in trajectory_kernels.cuh
// (dim x B (T + 1), column k B + b); the adjoint a = d L / d x is dim x B in double.
#pragma once
#include <cuda_runtime.h>

#include "dmt/diffusion/transition.hpp"

namespace dmt::cuda {

// a = d L / d x_T: -grad log R(x_T) / B plus step T - 1's backward term.
void launch_pis_terminal(int dim, double sigma2, const float* grad_log_r, const float* states, const float* times,
                         int steps, int batch, double* a, cudaStream_t stream);
// The Langevin parametrisation's arrays for the adjoint pass (drift == null: none): drift and
// clipped score of every column (dim x B T), s_0..s_{T-1}, the clips; the pass fills ds (one double
// per column: its part of d L / d s_k) and w (dim x B, the current step's Hessian-vector direction).
struct pis_langevin {
  const float* drift = nullptr;
  const float* score = nullptr;
  const float* scale = nullptr;
  double drift_clip = 0.0, lgv_clip = 0.0;
  double* ds = nullptr;
  float* w = nullptr;
};

// d L / d outputs of step k (d_out: n_out x B) from a = d L / d x_{k+1}; out: the B output columns of step k.
void launch_pis_output_gradient(const transition_shape& shape, const float* out, int n_out, const pis_langevin& lgv,
                                const float* states, const float* times, int k, int batch, const double* a,
                                float* d_out, cudaStream_t stream);
// a_k = a_{k+1} + J_k^T a_{k+1} (d_x: the network's input gradient, dim x B) + hv (the Langevin
// term's Hessian-vector products, dim x B, when given) + the backward terms of steps k and k - 1 (k >= 1).
void launch_pis_adjoint_step(int dim, double sigma2, const float* states, const float* times, int k, int batch,
                             const float* d_x, const float* hv, double* a, cudaStream_t stream);

}  // namespace dmt::cuda
