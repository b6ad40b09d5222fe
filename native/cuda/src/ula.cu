// Kernel, launcher and entry point of manywell_ula (see ula.hpp). The .cu file only indexes and
// launches; the arithmetic is core/'s DMT_HD code.
#include <cuda_runtime.h>

#include "dmt/cuda/cuda_check.cuh"
#include "dmt/cuda/ula.hpp"
#include "dmt/samplers/langevin_steps.hpp"
#include "dmt/targets/manywell_kernel.hpp"

namespace dmt::cuda {
namespace {

constexpr int kMaxDim = 64;

struct manywell_eval {
  manywell_kernel kernel;
  __device__ float operator()(const float* x, float* grad) const { return kernel.log_density_and_grad(x, grad); }
};

__global__ void manywell_ula_kernel(float* particles, int n, int dim, float h, philox_key key, int steps) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float x[kMaxDim], grad[kMaxDim], noise[kMaxDim];
  for (int j = 0; j < dim; ++j) x[j] = particles[static_cast<long>(i) * dim + j];
  const manywell_eval eval{{dim}};
  float log_r = eval(x, grad);
  for (int s = 0; s < steps; ++s)
    ula_step<float>(eval, dim, h, key, static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(i), x, grad, log_r,
                    noise);
  for (int j = 0; j < dim; ++j) particles[static_cast<long>(i) * dim + j] = x[j];
}

void launch_manywell_ula(float* particles, int n, int dim, float h, philox_key key, int steps, cudaStream_t stream) {
  const int block = 128, grid = (n + block - 1) / block;
  manywell_ula_kernel<<<grid, block, 0, stream>>>(particles, n, dim, h, key, steps);
  DMT_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) return 0;
  return count;
}

std::vector<float> manywell_ula(const std::vector<float>& x, int n, int dim, float h, std::uint64_t seed, int steps) {
  if (dim > kMaxDim || dim % 2) throw cuda_error("manywell_ula: dim must be even and at most 64");
  if (device_count() == 0) throw cuda_error("no CUDA device available");
  float* d = nullptr;
  const std::size_t bytes = x.size() * sizeof(float);
  DMT_CUDA_CHECK(cudaMalloc(&d, bytes));
  std::vector<float> out(x.size());
  try {
    DMT_CUDA_CHECK(cudaMemcpy(d, x.data(), bytes, cudaMemcpyHostToDevice));
    launch_manywell_ula(d, n, dim, h, make_philox_key(seed), steps, nullptr);
    DMT_CUDA_CHECK(cudaMemcpy(out.data(), d, bytes, cudaMemcpyDeviceToHost));
  } catch (...) {
    cudaFree(d);
    throw;
  }
  DMT_CUDA_CHECK(cudaFree(d));
  return out;
}

}  // namespace dmt::cuda
