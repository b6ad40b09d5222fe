// langevin_kernels.cuh's kernels: indexing and a fixed-order reduction; the arithmetic is core's.
#include "dmt/cuda/block_sum.cuh"
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/langevin_kernels.cuh"
#include "dmt/diffusion/langevin_drift.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 128;
constexpr int kSumThreads = 256;

__global__ void langevin_drift_kernel(const float* out, int n_out, const float* scale, int k0, int batch,
                                      std::size_t cols, int d, double lgv_clip, double drift_clip, float* score,
                                      float* drift) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const int k = k0 + static_cast<int>(c / batch);
  const std::size_t col = static_cast<std::size_t>(k0) * batch + c;
  langevin_drift(d, out + c * n_out, double(scale[k]), lgv_clip, drift_clip, score + col * d, drift + col * d);
}

__global__ void scale_gradient_kernel(const double* ds, int batch, float* d_scale) {
  __shared__ double shared[kSumThreads];
  const int k = blockIdx.x;
  double s = 0.0;
  for (int b = threadIdx.x; b < batch; b += kSumThreads) s += ds[static_cast<std::size_t>(k) * batch + b];
  s = block_sum<kSumThreads>(s, shared);
  if (threadIdx.x == 0) d_scale[k] = float(s);
}

}  // namespace

void launch_langevin_drift(const float* out, int n_out, const float* scale, int k0, int batch, std::size_t cols,
                           int dim, double lgv_clip, double drift_clip, float* score, float* drift, cudaStream_t stream) {
  if (cols == 0) return;
  langevin_drift_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(out, n_out, scale, k0, batch, cols, dim,
                                                                           lgv_clip, drift_clip, score, drift);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_scale_gradient(const double* ds, int batch, int steps, float* d_scale, cudaStream_t stream) {
  if (steps == 0) return;
  scale_gradient_kernel<<<steps, kSumThreads, 0, stream>>>(ds, batch, d_scale);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
