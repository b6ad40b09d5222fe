// The device kernel shared by every operation that evaluates a target at particles: one thread
// per particle, row-major n x dim arrays, the target's DMT_HD kernel doing the arithmetic.
#pragma once
#include <cstddef>

#include "dmt/cuda/device_buffer.cuh"

namespace dmt::cuda {

template <class K>
__global__ void evaluate_kernel(K k, const float* x, std::size_t n, int dim, float* log_r, float* grad) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  log_r[i] = k.log_density_and_grad(x + i * dim, grad + i * dim);
}

// Launches evaluate_kernel on the default stream.
template <class K>
void launch_evaluate(const K& k, const float* x, std::size_t n, int dim, float* log_r, float* grad) {
  constexpr unsigned block = 128;
  if (n == 0) return;
  evaluate_kernel<<<blocks_for(n, block), block>>>(k, x, n, dim, log_r, grad);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
