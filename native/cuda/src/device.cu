#include "dmt/cuda/cuda_check.cuh"
#include "dmt/cuda/device.hpp"

namespace dmt::cuda {

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" status
    return 0;
  }
  return count;
}

void require_device() {
  if (device_count() == 0) throw cuda_error("no CUDA device available");
}

device_info current_device() {
  require_device();
  cudaDeviceProp p{};
  DMT_CUDA_CHECK(cudaGetDeviceProperties(&p, 0));
  device_info d;
  d.name = p.name;
  d.multiprocessors = p.multiProcessorCount;
  d.compute_major = p.major;
  d.compute_minor = p.minor;
  DMT_CUDA_CHECK(cudaMemGetInfo(&d.free_memory, &d.total_memory));
  return d;
}

}  // namespace dmt::cuda
