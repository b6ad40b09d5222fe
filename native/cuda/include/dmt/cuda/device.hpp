// The CUDA device as the rest of dmt sees it: whether one is present, what it is, and the error
// every CUDA entry point throws. Plain C++ (no CUDA headers): host code compiled without nvcc
// includes it.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace dmt::cuda {

// A CUDA runtime failure (the call, file and line) or a missing device.
struct cuda_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Number of usable CUDA devices (0 when there is no GPU or no driver).
int device_count();

// Throws cuda_error("no CUDA device available") when device_count() is 0.
void require_device();

struct device_info {
  std::string name;
  int multiprocessors = 0;
  int compute_major = 0, compute_minor = 0;
  std::size_t total_memory = 0, free_memory = 0;  // bytes
};
// Device 0 (require_device() first).
device_info current_device();

}  // namespace dmt::cuda
