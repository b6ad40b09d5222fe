// The device trainer's optimiser step: the global gradient norm (one block, double, fixed order)
// and core's Adam update (nn/adam_update.hpp) per parameter, with per-group coefficients.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "dmt/nn/adam_update.hpp"

namespace dmt::cuda {

struct adam_groups {
  static constexpr int kMax = 4;
  adam_coefficients<float> c[kMax];
};

// *out = sum of g[i]^2 (double).
void launch_sum_squares(const float* g, std::size_t n, double* out, cudaStream_t stream);
// g[i] *= grad_scale (when grad_scale != 1: clipping), then Adam with coefficients c[group[i]].
void launch_adam(const adam_groups& groups, const std::uint8_t* group, std::size_t n, float grad_scale, float* g,
                 float* p, float* m, float* v, cudaStream_t stream);

}  // namespace dmt::cuda
