// pis_kernels.cuh's kernels: one thread per trajectory, indexing only; the arithmetic is core's
// DMT_HD code (diffusion/pis_adjoint.hpp), in the CPU's order.
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/pis_kernels.cuh"
#include "dmt/diffusion/pis_adjoint.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 128;

__device__ inline const float* state_at(const float* states, int k, int batch, int b, int d) {
  return states + (static_cast<std::size_t>(k) * batch + b) * d;
}

__global__ void pis_terminal_kernel(int d, double sigma2, const float* grad_log_r, const float* states,
                                    const float* times, int steps, int batch, double* a) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const double inv_b = 1.0 / batch;
  double* ab = a + static_cast<std::size_t>(b) * d;
  pis_terminal_adjoint(d, grad_log_r + static_cast<std::size_t>(b) * d, inv_b, ab);
  const int k = steps - 1;
  pis_bridge_adjoint(d, sigma2, k, double(times[k]), double(times[k + 1]), state_at(states, k, batch, b, d),
                     state_at(states, k + 1, batch, b, d), inv_b, true, ab);
}

__global__ void pis_output_gradient_kernel(transition_shape shape, const float* out, int n_out, pis_langevin lgv,
                                           const float* states, const float* times, int k, int batch, const double* a,
                                           float* d_out) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const int d = shape.dim;
  const float* o = out + static_cast<std::size_t>(b) * n_out;
  const std::size_t col = static_cast<std::size_t>(k) * batch + b;
  const float* u = lgv.drift ? lgv.drift + col * d : o;
  const double dt = double(times[k + 1]) - double(times[k]);
  const double* ab = a + static_cast<std::size_t>(b) * d;
  float* g = d_out + static_cast<std::size_t>(b) * n_out;
  pis_output_gradient(shape, u, o + d, state_at(states, k, batch, b, d), state_at(states, k + 1, batch, b, d), ab, dt,
                      1.0 / batch, g);
  if (lgv.drift) {
    double ds = 0.0;
    pis_langevin_output_gradient(d, u, lgv.score + col * d, ab, dt, double(lgv.scale[k]), lgv.drift_clip, lgv.lgv_clip,
                                 g, lgv.w + static_cast<std::size_t>(b) * d, ds);
    lgv.ds[col] = ds;
  }
}

__global__ void pis_adjoint_step_kernel(int d, double sigma2, const float* states, const float* times, int k, int batch,
                                        const float* d_x, const float* hv, double* a) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const double inv_b = 1.0 / batch;
  double* ab = a + static_cast<std::size_t>(b) * d;
  const float* dx = d_x + static_cast<std::size_t>(b) * d;
  for (int j = 0; j < d; ++j) ab[j] += double(dx[j]);
  if (hv)
    for (int j = 0; j < d; ++j) ab[j] += double(hv[static_cast<std::size_t>(b) * d + j]);
  // log p_B,k depends on x_k; log p_B,k-1 on x_k as its x_{k+1}
  pis_bridge_adjoint(d, sigma2, k, double(times[k]), double(times[k + 1]), state_at(states, k, batch, b, d),
                     state_at(states, k + 1, batch, b, d), inv_b, false, ab);
  pis_bridge_adjoint(d, sigma2, k - 1, double(times[k - 1]), double(times[k]), state_at(states, k - 1, batch, b, d),
                     state_at(states, k, batch, b, d), inv_b, true, ab);
}

}  // namespace

void launch_pis_terminal(int dim, double sigma2, const float* grad_log_r, const float* states, const float* times,
                         int steps, int batch, double* a, cudaStream_t stream) {
  pis_terminal_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(dim, sigma2, grad_log_r, states, times, steps,
                                                                         batch, a);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_pis_output_gradient(const transition_shape& shape, const float* out, int n_out, const pis_langevin& lgv,
                                const float* states, const float* times, int k, int batch, const double* a,
                                float* d_out, cudaStream_t stream) {
  pis_output_gradient_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(shape, out, n_out, lgv, states, times,
                                                                                k, batch, a, d_out);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_pis_adjoint_step(int dim, double sigma2, const float* states, const float* times, int k, int batch,
                             const float* d_x, const float* hv, double* a, cudaStream_t stream) {
  pis_adjoint_step_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(dim, sigma2, states, times, k, batch, d_x,
                                                                             hv, a);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
