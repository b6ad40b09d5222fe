// learned_backward_kernels.cuh's kernels: indexing only; the arithmetic is core's DMT_HD code.
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/learned_backward_kernels.cuh"
#include "dmt/diffusion/learned_backward.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 128;

__device__ inline const float* state_at(const float* states, int k, int batch, int b, int d) {
  return states + (static_cast<std::size_t>(k) * batch + b) * d;
}

__global__ void learned_log_pb_kernel(learned_backward_shape sh, const float* out, const float* states,
                                      const float* times, int k0, int batch, std::size_t cols, float* log_pb) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const int k = k0 + static_cast<int>(c / batch), b = static_cast<int>(c % batch), d = sh.dim;
  const back_step st(sh.sigma2, double(times[k]), double(times[k + 1]));
  log_pb[static_cast<std::size_t>(k) * batch + b] =
      float(learned_log_pb(d, sh.range, st, state_at(states, k, batch, b, d), state_at(states, k + 1, batch, b, d),
                           out + c * 2 * d));
}

__global__ void learned_backward_sample_kernel(learned_backward_shape sh, const float* out, float* states, int k,
                                               int batch, double tk, double tk1, rng_site site, std::uint32_t first) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const int d = sh.dim;
  float* x = states + (static_cast<std::size_t>(k) * batch + b) * d;
  normal_vector<float>(site, first + static_cast<std::uint32_t>(b), d, x);  // z, overwritten by x below
  learned_backward_sample(d, sh.range, back_step(sh.sigma2, tk, tk1), state_at(states, k + 1, batch, b, d),
                          out + static_cast<std::size_t>(b) * 2 * d, x, x);
}

__global__ void learned_backward_gradient_kernel(learned_backward_shape sh, const float* out, const float* states,
                                                 const float* times, int k0, int batch, std::size_t cols,
                                                 const float* g, const float* g_step, float* d_out) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const int k = k0 + static_cast<int>(c / batch), b = static_cast<int>(c % batch), d = sh.dim;
  float gk = g[b];  // d loss / d log p_F,k, summed in float as the CPU's d_log_pf matrix
  if (g_step) gk += g_step[static_cast<std::size_t>(k) * batch + b];
  const back_step st(sh.sigma2, double(times[k]), double(times[k + 1]));
  learned_backward_output_gradient(d, sh.range, st, state_at(states, k, batch, b, d),
                                   state_at(states, k + 1, batch, b, d), out + c * 2 * d, -double(gk),
                                   d_out + c * 2 * d);
}

}  // namespace

void launch_learned_log_pb(const learned_backward_shape& sh, const float* out, const float* states,
                           const float* times, int k0, int batch, std::size_t cols, float* log_pb, cudaStream_t stream) {
  if (cols == 0) return;
  learned_log_pb_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(sh, out, states, times, k0, batch, cols,
                                                                           log_pb);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_learned_backward_sample(const learned_backward_shape& sh, const float* out, float* states, int k,
                                    int batch, double tk, double tk1, rng_site site, std::uint32_t first_particle,
                                    cudaStream_t stream) {
  learned_backward_sample_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(sh, out, states, k, batch, tk, tk1,
                                                                                     site, first_particle);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_learned_backward_gradient(const learned_backward_shape& sh, const float* out, const float* states,
                                      const float* times, int k0, int batch, std::size_t cols, const float* g,
                                      const float* g_step, float* d_out, cudaStream_t stream) {
  if (cols == 0) return;
  learned_backward_gradient_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(sh, out, states, times, k0, batch,
                                                                                      cols, g, g_step, d_out);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
