// The fixed-order sum of one value per thread over a block of Threads threads (a power of two): a
// tree in shared memory (Threads doubles), so the result does not depend on timing. Every thread
// of the block must call it; all get the total.
#pragma once
#include <cuda_runtime.h>

namespace dmt::cuda {

template <int Threads>
__device__ inline double block_sum(double v, double* shared) {
  shared[threadIdx.x] = v;
  __syncthreads();
  for (int s = Threads / 2; s > 0; s >>= 1) {
    if (static_cast<int>(threadIdx.x) < s) shared[threadIdx.x] += shared[threadIdx.x + s];
    __syncthreads();
  }
  const double total = shared[0];
  __syncthreads();
  return total;
}

}  // namespace dmt::cuda
