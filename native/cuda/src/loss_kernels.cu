// loss_kernels.cuh's reduction: one block; every sum is a strided pass per thread then a tree in
// shared memory, so the result does not depend on timing.
#include "dmt/cuda/block_sum.cuh"
#include "dmt/cuda/cuda_check.cuh"
#include "dmt/cuda/loss_kernels.cuh"

namespace dmt::cuda {
namespace {

constexpr int kThreads = 1024;

__global__ void trajectory_loss_kernel(loss_terms terms, const float* log_w, int batch, const float* log_z_ptr,
                                       float* g, float* grad_log_z, double* stats) {
  __shared__ double shared[kThreads];
  const double inv_b = 1.0 / batch, log_z = *log_z_ptr;
  double s = 0.0;
  for (int b = threadIdx.x; b < batch; b += kThreads) {
    s += double(log_w[b]) * inv_b;
    g[b] = 0.0f;
  }
  const double mean = block_sum<kThreads>(s, shared);
  double loss = 0.0;
  float d_log_z = 0.0f;
  for (int t = 0; t < terms.n; ++t) {
    const double w = terms.weight[t];
    double value = 0.0, dz = 0.0;
    for (int b = threadIdx.x; b < batch; b += kThreads) {
      if (terms.kind[t] == 0) {  // tb: 0.5 mean (log Z - log w)^2; d r / d log p_F = +1
        const double r = log_z - double(log_w[b]);
        value += 0.5 * r * r * inv_b;
        dz += r * inv_b;
        g[b] += float(w * r * inv_b);
      } else if (terms.kind[t] == 1) {  // vargrad: mean (log w - mean)^2
        const double r = double(log_w[b]) - mean;
        value += r * r * inv_b;
        g[b] += float(-2.0 * w * r * inv_b);
      } else {  // pis: -mean log w (its gradient runs through the trajectory: pis_kernels.cuh)
        value -= double(log_w[b]) * inv_b;
      }
    }
    value = block_sum<kThreads>(value, shared);
    dz = block_sum<kThreads>(dz, shared);
    loss += w * value;
    d_log_z += float(w * dz);
  }
  if (threadIdx.x == 0) {
    stats[0] = loss;
    stats[1] = mean;
    *grad_log_z += d_log_z;
  }
}

}  // namespace

void launch_trajectory_loss(const loss_terms& terms, const float* log_w, int batch, const float* log_z, float* g,
                            float* grad_log_z, double* stats, cudaStream_t stream) {
  trajectory_loss_kernel<<<1, kThreads, 0, stream>>>(terms, log_w, batch, log_z, g, grad_log_z, stats);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
