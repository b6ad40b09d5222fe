// trajectory_kernels.cuh's kernels: indexing only; the arithmetic is core's DMT_HD code.
#include "dmt/cuda/device_buffer.cuh"
#include "dmt/cuda/trajectory_kernels.cuh"
#include "dmt/diffusion/langevin_drift.hpp"

namespace dmt::cuda {
namespace {

constexpr unsigned kBlock = 128;

__global__ void transition_kernel(transition_shape shape, const float* out, int n_out, const float* drift, float* states,
                                  int k, int batch, double tk, double tk1, double exploration, rng_site site,
                                  std::uint32_t first, float* log_pf, float* log_pb) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  const int d = shape.dim;
  const float* o = out + static_cast<std::size_t>(b) * n_out;
  const float* u = drift ? drift + static_cast<std::size_t>(b) * d : o;
  const float* x = states + (static_cast<std::size_t>(k) * batch + b) * d;
  float* x1 = states + (static_cast<std::size_t>(k + 1) * batch + b) * d;
  const double dt = tk1 - tk;
  normal_vector<float>(site, first + static_cast<std::uint32_t>(b), d, x1);  // z, overwritten by x1 below
  transition_sample(shape, u, o + d, x, x1, dt, exploration, x1);
  const std::size_t i = static_cast<std::size_t>(k) * batch + b;
  log_pf[i] = transition_log_pf(shape, u, o + d, x, x1, dt);
  log_pb[i] = transition_log_pb(shape, k, tk, tk1, x, x1);
}

__global__ void bridge_kernel(int d, float* states, int k, int batch, double ratio, double sd, rng_site site,
                              std::uint32_t first) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  float* x = states + (static_cast<std::size_t>(k) * batch + b) * d;
  const float* x1 = states + (static_cast<std::size_t>(k + 1) * batch + b) * d;
  normal_vector<float>(site, first + static_cast<std::uint32_t>(b), d, x);  // z, overwritten by x below
  transition_bridge_sample(d, ratio, sd, x1, x, x);
}

// Column c of the S B columns of steps k0 ..: trajectory b at step k, its outputs and the states
// x_k, x_{k+1}.
struct step_column {
  int k, b;
  std::size_t col;  // k B + b
  const float *o, *x, *x1;
};

__device__ inline step_column column_at(std::size_t c, int k0, int batch, int d, const float* out, int n_out,
                                        const float* states) {
  step_column s;
  s.k = k0 + static_cast<int>(c / batch);
  s.b = static_cast<int>(c % batch);
  s.col = static_cast<std::size_t>(s.k) * batch + s.b;
  s.o = out + c * n_out;
  s.x = states + (static_cast<std::size_t>(s.k) * batch + s.b) * d;
  s.x1 = s.x + static_cast<std::size_t>(batch) * d;
  return s;
}

__global__ void score_kernel(transition_shape shape, const float* out, int n_out, const float* drift,
                             const float* states, const float* times, int k0, int batch, std::size_t cols,
                             float* log_pf, float* log_pb) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const step_column s = column_at(c, k0, batch, shape.dim, out, n_out, states);
  const double tk = times[s.k], tk1 = times[s.k + 1];
  const std::size_t i = s.col;
  const float* u = drift ? drift + s.col * shape.dim : s.o;
  log_pf[i] = transition_log_pf(shape, u, s.o + shape.dim, s.x, s.x1, tk1 - tk);
  log_pb[i] = transition_log_pb(shape, s.k, tk, tk1, s.x, s.x1);
}

__global__ void log_weight_kernel(const float* log_r, const float* log_pf, const float* log_pb, int batch, int steps,
                                  float* log_w) {
  const int b = blockIdx.x * blockDim.x + threadIdx.x;
  if (b >= batch) return;
  double lw = log_r[b];
  for (int k = 0; k < steps; ++k) {
    const std::size_t i = static_cast<std::size_t>(k) * batch + b;
    lw += double(log_pb[i]) - double(log_pf[i]);
  }
  log_w[b] = float(lw);
}

__global__ void output_gradient_kernel(transition_shape shape, const float* out, int n_out, langevin_columns lgv,
                                       const float* states, const float* times, int k0, int batch, std::size_t cols,
                                       const float* g, const float* g_step, float* d_out) {
  const std::size_t c = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (c >= cols) return;
  const step_column s = column_at(c, k0, batch, shape.dim, out, n_out, states);
  const double dt = double(times[s.k + 1]) - double(times[s.k]);
  // d loss / d log p_F,k: the trajectory losses' part (any step) plus the per-step part, summed in
  // float as the CPU's d_log_pf matrix
  float gk = g[s.b];
  if (g_step) gk += g_step[static_cast<std::size_t>(s.k) * batch + s.b];
  const int d = shape.dim;
  const float* u = lgv.drift ? lgv.drift + s.col * d : s.o;
  transition_output_gradient(shape, u, s.o + d, s.x, s.x1, dt, double(gk), d_out + c * n_out);
  if (lgv.drift) {  // no gradient through a clipped drift; this column's part of d loss / d s_k
    double ds = 0.0;
    langevin_drift_gradient(d, u, lgv.score + s.col * d, lgv.drift_clip, d_out + c * n_out, ds);
    lgv.ds[s.col] = ds;
  }
}

}  // namespace

void launch_transition(const transition_shape& shape, const float* out, int n_out, const float* drift, float* states,
                       int k, int batch, double tk, double tk1, double exploration, rng_site site,
                       std::uint32_t first_particle, float* log_pf, float* log_pb, cudaStream_t stream) {
  transition_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(shape, out, n_out, drift, states, k, batch, tk,
                                                                       tk1, exploration, site, first_particle, log_pf,
                                                                       log_pb);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_bridge(int dim, float* states, int k, int batch, double ratio, double sd, rng_site site,
                   std::uint32_t first_particle, cudaStream_t stream) {
  bridge_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(dim, states, k, batch, ratio, sd, site, first_particle);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_score(const transition_shape& shape, const float* out, int n_out, const float* drift, const float* states,
                  const float* times, int k0, int batch, std::size_t cols, float* log_pf, float* log_pb,
                  cudaStream_t stream) {
  if (cols == 0) return;
  score_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(shape, out, n_out, drift, states, times, k0, batch,
                                                                  cols, log_pf, log_pb);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_log_weight(const float* log_r, const float* log_pf, const float* log_pb, int batch, int steps,
                       float* log_w, cudaStream_t stream) {
  log_weight_kernel<<<blocks_for(batch, kBlock), kBlock, 0, stream>>>(log_r, log_pf, log_pb, batch, steps, log_w);
  DMT_CUDA_LAUNCH_CHECK();
}

void launch_output_gradient(const transition_shape& shape, const float* out, int n_out, const langevin_columns& lgv,
                            const float* states, const float* times, int k0, int batch, std::size_t cols,
                            const float* g, const float* g_step, float* d_out, cudaStream_t stream) {
  if (cols == 0) return;
  output_gradient_kernel<<<blocks_for(cols, kBlock), kBlock, 0, stream>>>(shape, out, n_out, lgv, states, times, k0,
                                                                            batch, cols, g, g_step, d_out);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
