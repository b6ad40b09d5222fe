// Kernels of the device trainer's Langevin parametrisation u = clip(NN1(x, t) + NN2(t) clip(grad log R(x))):
// the drift per column from the policy outputs, the step's scale s_k = NN2(t_k) and the score (core's
// langevin_drift.hpp), and the per-step reduction of d loss / d s_k. Column k B + b of the
// dim x B T arrays holds step k of trajectory b.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>

namespace dmt::cuda {

// For the cols = S B columns of steps k0 ..: score (in: grad log R, out: clipped) and drift, both
// indexed by absolute column; out: the policy outputs of those columns (n_out each); scale: s_0..s_{T-1}.
void launch_langevin_drift(const float* out, int n_out, const float* scale, int k0, int batch, std::size_t cols,
                           int dim, double lgv_clip, double drift_clip, float* score, float* drift, cudaStream_t stream);
// d_scale[k] = sum_b ds[k B + b] for k < steps: one block per step, double, fixed order.
void launch_scale_gradient(const double* ds, int batch, int steps, float* d_scale, cudaStream_t stream);

}  // namespace dmt::cuda
