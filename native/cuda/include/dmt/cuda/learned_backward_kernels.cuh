// Kernels of the device trainer's learned backward kernel (model_config::learned_backward); the
// arithmetic is core's (diffusion/learned_backward.hpp). NN_B's outputs (2 dim per column) for
// step k >= 1 are evaluated at x_{k+1}, t_{k+1}; column c of a launch over steps k0 .. is step
// k0 + c / B of trajectory c % B. States as in trajectory_kernels.cuh.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "dmt/rng/normal.hpp"

namespace dmt::cuda {

struct learned_backward_shape {
  int dim = 0;
  double sigma2 = 1.0, range = 0.1;  // range: pb_scale_range
};

// log p_B of the cols columns of steps k0 .. (k0 >= 1) into log_pb (step-major).
void launch_learned_log_pb(const learned_backward_shape& sh, const float* out, const float* states,
                           const float* times, int k0, int batch, std::size_t cols, float* log_pb, cudaStream_t stream);
// x_k of B trajectories drawn from the kernel at x_{k+1} (out: NN_B's B columns of step k),
// noise for particle first_particle + b at `site` (the bridge's).
void launch_learned_backward_sample(const learned_backward_shape& sh, const float* out, float* states, int k,
                                    int batch, double tk, double tk1, rng_site site, std::uint32_t first_particle,
                                    cudaStream_t stream);
// d_out (2 dim x cols) = g d log p_B / d o with g = -(g[b] + g_step[k B + b]) (d loss / d log p_B
// = -d loss / d log p_F for every loss here; g_step may be null).
void launch_learned_backward_gradient(const learned_backward_shape& sh, const float* out, const float* states,
                                      const float* times, int k0, int batch, std::size_t cols, const float* g,
                                      const float* g_step, float* d_out, cudaStream_t stream);

}  // namespace dmt::cuda
