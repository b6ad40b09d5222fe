// Hessian-vector products of a target's per-particle kernel on the device, as
// target::hessian_vector_products on the CPU: float states and directions in, the kernel's double
// arithmetic, float products out. Targets whose kernel has no hessian_vector_product are refused
// before this is launched (trainer's constructor); for them the kernel writes zeros.
#pragma once
#include <cstddef>

#include "dmt/cuda/device_buffer.cuh"

namespace dmt::cuda {

// scratch: 3 dim doubles per particle.
template <class K>
__global__ void hessian_vector_kernel(K k, const float* x, const float* v, std::size_t n, int d, double* scratch,
                                      float* hv) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  double* xd = scratch + i * 3 * d;
  double* vd = xd + d;
  double* out = vd + d;
  for (int j = 0; j < d; ++j) {
    xd[j] = x[i * d + j];
    vd[j] = v[i * d + j];
    out[j] = 0.0;
  }
  if constexpr (requires(const double* p, double* q) { k.hessian_vector_product(p, p, q); })
    k.hessian_vector_product(static_cast<const double*>(xd), static_cast<const double*>(vd), out);
  for (int j = 0; j < d; ++j) hv[i * d + j] = static_cast<float>(out[j]);
}

template <class K>
void launch_hessian_vector(const K& k, const float* x, const float* v, std::size_t n, int dim, double* scratch,
                           float* hv) {
  constexpr unsigned block = 128;
  if (n == 0) return;
  hessian_vector_kernel<<<blocks_for(n, block), block>>>(k, x, v, n, dim, scratch, hv);
  DMT_CUDA_LAUNCH_CHECK();
}

}  // namespace dmt::cuda
