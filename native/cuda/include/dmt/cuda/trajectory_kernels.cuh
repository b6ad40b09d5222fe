// Per-particle kernels of the device trainer's trajectories; the arithmetic is core's
// (diffusion/transition.hpp, rng/normal.hpp). States are dim x B (T + 1), column k B + b holding
// x_k of trajectory b; log p_F and log p_B are stored step-major (k B + b).
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "dmt/diffusion/transition.hpp"
#include "dmt/rng/normal.hpp"

namespace dmt::cuda {

// The Langevin parametrisation's per-column arrays (dim x B T, column k B + b; null without it):
// the drift u and the clipped score (langevin_kernels.cuh), and ds, one double per column, that the
// backward pass fills with the column's part of d loss / d s_k.
struct langevin_columns {
  const float* drift = nullptr;
  const float* score = nullptr;
  double drift_clip = 0.0;
  double* ds = nullptr;
};

// Step k -> k + 1 of B trajectories from the policy outputs `out` (n_out x B, bias included) and the
// drift (dim x B; null: the outputs' first dim rows): noise for particle first_particle + b at
// `site`, x_{k+1} into states, log p_F and log p_B.
void launch_transition(const transition_shape& shape, const float* out, int n_out, const float* drift, float* states,
                       int k, int batch, double tk, double tk1, double exploration, rng_site site,
                       std::uint32_t first_particle, float* log_pf, float* log_pb, cudaStream_t stream);
// Backward step k + 1 -> k (k >= 1) of B trajectories: x_k from the Brownian bridge at x_{k+1}
// (ratio = t_k / t_{k+1}, sd its standard deviation), noise for particle first_particle + b at `site`.
void launch_bridge(int dim, float* states, int k, int batch, double ratio, double sd, rng_site site,
                   std::uint32_t first_particle, cudaStream_t stream);
// log p_F and log p_B of the cols = S B transitions of steps k0 .. k0 + S - 1 of given states (backward
// trajectories), the policy outputs of those columns in `out`, the drift (dim x B T, all columns;
// null: the outputs).
void launch_score(const transition_shape& shape, const float* out, int n_out, const float* drift, const float* states,
                  const float* times, int k0, int batch, std::size_t cols, float* log_pf, float* log_pb,
                  cudaStream_t stream);
// log w_b = log R_b + sum_k (log p_B - log p_F), summed in double in step order (as the CPU).
void launch_log_weight(const float* log_r, const float* log_pf, const float* log_pb, int batch, int steps,
                       float* log_w, cudaStream_t stream);
// d_out (n_out x cols) for the cols = S B columns of steps k0 .. k0 + S - 1 whose outputs are in
// `out`: g d log p_F / d (u, o_v) with g = d loss / d log p_F,k of trajectory b: g[b] (the
// trajectory losses', any step) plus, when g_step is given, g_step[k B + b] (the flow losses').
// With the Langevin parametrisation (lgv.drift set) u is the drift, the clipped coordinates get no
// gradient and lgv.ds[k B + b] the column's part of d loss / d s_k (core's langevin_drift.hpp).
void launch_output_gradient(const transition_shape& shape, const float* out, int n_out, const langevin_columns& lgv,
                            const float* states, const float* times, int k0, int batch, std::size_t cols,
                            const float* g, const float* g_step, float* d_out, cudaStream_t stream);

}  // namespace dmt::cuda
