// adam_kernels.cuh's kernels.
#include "dmt/cuda/adam_kernels.cuh"
#include "dmt/cuda/device_buffer.cuh"

namespace dmt::cuda {
namespace {

constexpr int kThreads = 1024;

__global__ void sum_squares_kernel(const float* g, std::size_t n, double* out) {
  __shared__ double shared[kThreads];
  double s = 0.0;
  for (std::size_t i = threadIdx.x; i < n; i += kThreads) s += double(g[i]) * double(g[i]);
  shared[threadIdx.x] = s;
  __syncthreads();
  for (int w = kThreads / 2; w > 0; w >>= 1) {
    if (static_cast<int>(threadIdx.x) < w) shared[threadIdx.x] += shared[threadIdx.x + w];
    __syncthreads();
  }
  if (threadIdx.x == 0) *out = shared[0];
}

__global__ void adam_kernel(adam_groups groups, const std::uint8_t* group, std::size_t n, float scale, float* g,
                            float* p, float* m, float* v) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  float gi = g[i];
  if (scale != 1.0f) g[i] = gi = gi * scale;
  adam_update(groups.c[group[i]], gi, p[i], m[i], v[i]);
}

}  // namespace

void launch_sum_squares(const float* g, std::size_t n, double* out, cudaStream_t stream) {
  sum_squares_kernel<<<1, kThreads, 0, stream>>>(g, n, out);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_adam(const adam_groups& groups, const std::uint8_t* group, std::size_t n, float grad_scale, float* g,
                 float* p, float* m, float* v, cudaStream_t stream) {
  constexpr unsigned block = 256;
  if (n == 0) return;
  adam_kernel<<<blocks_for(n, block), block, 0, stream>>>(groups, group, n, grad_scale, g, p, m, v);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
