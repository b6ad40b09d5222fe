// network_kernels.cuh's kernels; the activation arithmetic is core's (nn/activation_hd.hpp).
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/network_kernels.cuh"
#include "dmt/nn/activation_hd.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 256;

__global__ void bias_activation_kernel(float* y, float* slope, const float* bias, const float* emb, int emb_col0,
                                       long cols_per_emb, int rows, std::size_t n, int act) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const int r = static_cast<int>(i % rows);
  const std::size_t c = i / rows;
  float h = y[i] + bias[r];
  if (emb) h += emb[r + static_cast<std::size_t>(rows) * (emb_col0 + c / cols_per_emb)];
  if (act == kIdentity) {
    y[i] = h;
    if (slope) slope[i] = 1.0f;
    return;
  }
  float f, s;
  activation_and_slope(static_cast<activation>(act), h, f, s);
  y[i] = f;
  if (slope) slope[i] = s;
}

__global__ void scale_by_slope_kernel(float* d, const float* slope, std::size_t n) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) d[i] *= slope[i];
}

__global__ void time_features_kernel(const float* times, const float* w, const float* phase, int K, int nt, float* arg,
                                     float* features) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= K * nt) return;
  const int k = i % K, j = i / K;
  const float a = times[j] * w[k] + phase[k];
  arg[k + K * j] = a;
  features[k + 2 * K * j] = sinf(a);
  features[K + k + 2 * K * j] = cosf(a);
}

__global__ void phase_gradient_kernel(const float* df, const float* arg, int K, int nt, float* d_phase) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= K) return;
  float s = 0.0f;
  for (int j = 0; j < nt; ++j) {
    const float a = arg[k + K * j];
    s += df[k + 2 * K * j] * cosf(a) - df[K + k + 2 * K * j] * sinf(a);
  }
  d_phase[k] += s;
}

__global__ void fill_kernel(float* p, std::size_t n, float v) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) p[i] = v;
}

}  // namespace

void launch_bias_activation(float* y, float* slope, const float* bias, const float* emb, int emb_col0,
                            long cols_per_emb, int rows, std::size_t cols, int act, cudaStream_t stream) {
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  if (n == 0) return;
  bias_activation_kernel<<<blocks_for(n, kBlock), kBlock, 0, stream>>>(y, slope, bias, emb, emb_col0, cols_per_emb,
                                                                        rows, n, act);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_scale_by_slope(float* d, const float* slope, std::size_t n, cudaStream_t stream) {
  if (n == 0) return;
  scale_by_slope_kernel<<<blocks_for(n, kBlock), kBlock, 0, stream>>>(d, slope, n);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_time_features(const float* times, const float* frequencies, const float* phase, int harmonics, int nt,
                          float* arg, float* features, cudaStream_t stream) {
  const std::size_t n = static_cast<std::size_t>(harmonics) * nt;
  if (n == 0) return;
  time_features_kernel<<<blocks_for(n, kBlock), kBlock, 0, stream>>>(times, frequencies, phase, harmonics, nt, arg,
                                                                      features);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_phase_gradient(const float* d_features, const float* arg, int harmonics, int nt, float* d_phase,
                           cudaStream_t stream) {
  if (harmonics == 0) return;
  phase_gradient_kernel<<<blocks_for(harmonics, kBlock), kBlock, 0, stream>>>(d_features, arg, harmonics, nt, d_phase);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_fill(float* p, std::size_t n, float value, cudaStream_t stream) {
  if (n == 0) return;
  fill_kernel<<<blocks_for(n, kBlock), kBlock, 0, stream>>>(p, n, value);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
