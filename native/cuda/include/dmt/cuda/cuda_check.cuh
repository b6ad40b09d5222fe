// CUDA error checking: every runtime call goes through DMT_CUDA_CHECK, which throws
// dmt::cuda::cuda_error with the call, file and line; DMT_CUDA_LAUNCH_CHECK after each launch.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "dmt/cuda/device.hpp"

#define DMT_CUDA_CHECK(call)                                                                                         \
  do {                                                                                                               \
    const cudaError_t dmt_cuda_status = (call);                                                                      \
    if (dmt_cuda_status != cudaSuccess)                                                                              \
      throw ::dmt::cuda::cuda_error(std::string(#call) + " failed at " + __FILE__ + ":" + std::to_string(__LINE__) + \
                                    ": " + cudaGetErrorString(dmt_cuda_status));                                     \
  } while (0)

#define DMT_CUDA_LAUNCH_CHECK() DMT_CUDA_CHECK(cudaGetLastError())
