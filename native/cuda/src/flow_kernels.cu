// flow_kernels.cuh's kernels: indexing and reductions only; the arithmetic is core's DMT_HD code.
#include "dmt/cuda/block_sum.cuh"
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/flow_kernels.cuh"
#include "dmt/diffusion/flow_losses.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 128;
constexpr int kSumThreads = 1024;

__global__ void flow_output_kernel(const float* out, const float* states, const float* times, int k0, int batch,
                                   std::size_t cols, int d, double sigma2, bool forward_looking,
                                   const float* log_r_mid, float* log_f) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const int k = k0 + static_cast<int>(c / batch);
  double f = out[c];
  if (forward_looking) {
    const float* x = states + (static_cast<std::size_t>(k0) * batch + c) * d;
    f += forward_looking_term(d, sigma2, double(times[k]), x, double(log_r_mid[c]));
  }
  log_f[static_cast<std::size_t>(k0) * batch + c] = float(f);
}

__global__ void flow_ends_kernel(const float* log_z, const float* log_r, int batch, int steps, float* log_f) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  log_f[b] = *log_z;
  log_f[static_cast<std::size_t>(steps) * batch + b] = log_r[b];
}

__global__ void flow_losses_kernel(flow_loss_terms terms, const float* log_f, const float* log_pf, const float* log_pb,
                                   int batch, int steps, const double* log_norm, double* cum, double* diff,
                                   float* d_log_pf, float* d_log_f, double* values, float* d_log_z) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const long B = batch;
  for (int k = 0; k < steps; ++k) d_log_pf[k * B + b] = 0.0f;
  for (int k = 0; k <= steps; ++k) d_log_f[k * B + b] = 0.0f;
  const double inv_b = 1.0 / batch;
  double value = 0.0;
  float dz = 0.0f;
  for (int t = 0; t < terms.n; ++t) {
    const double w = terms.weight[t];
    if (terms.kind[t] == 0)
      value += w * db_trajectory(steps, B, log_f + b, log_pf + b, log_pb + b, w, inv_b, d_log_pf + b, d_log_f + b, &dz);
    else
      value += w * subtb_trajectory(steps, B, log_f + b, log_pf + b, log_pb + b, terms.log_lambda[t],
                                    log_norm + static_cast<std::size_t>(t) * steps, w, inv_b, cum + b, diff + b, B,
                                    d_log_pf + b, d_log_f + b, &dz);
  }
  values[b] = value;
  d_log_z[b] = dz;
}

__global__ void flow_loss_sum_kernel(const double* values, const float* d_log_z, int batch, double* stats,
                                     float* grad_log_z) {
  __shared__ double shared[kSumThreads];
  double v = 0.0, z = 0.0;
  for (int b = threadIdx.x; b < batch; b += kSumThreads) {
    v += values[b];
    z += double(d_log_z[b]);
  }
  v = block_sum<kSumThreads>(v, shared);
  z = block_sum<kSumThreads>(z, shared);
  if (threadIdx.x == 0) {
    stats[0] += v;
    *grad_log_z += float(z);
  }
}

}  // namespace

void launch_flow_output(const float* out, const float* states, const float* times, int k0, int batch,
                        std::size_t cols, int dim, double sigma2, bool forward_looking, const float* log_r_mid,
                        float* log_f, cudaStream_t stream) {
  if (cols == 0) return;
  flow_output_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(out, states, times, k0, batch, cols, dim, sigma2,
                                                                        forward_looking, log_r_mid, log_f);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_flow_ends(const float* log_z, const float* log_r, int batch, int steps, float* log_f, cudaStream_t stream) {
  flow_ends_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(log_z, log_r, batch, steps, log_f);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_flow_losses(const flow_loss_terms& terms, const float* log_f, const float* log_pf, const float* log_pb,
                        int batch, int steps, const double* log_norm, double* cum, double* diff, float* d_log_pf,
                        float* d_log_f, double* values, float* d_log_z, cudaStream_t stream) {
  flow_losses_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(
      terms, log_f, log_pf, log_pb, batch, steps, log_norm, cum, diff, d_log_pf, d_log_f, values, d_log_z);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_flow_loss_sum(const double* values, const float* d_log_z, int batch, double* stats, float* grad_log_z,
                          cudaStream_t stream) {
  flow_loss_sum_kernel<<<1, kSumThreads, 0, stream>>>(values, d_log_z, batch, stats, grad_log_z);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
