// log R and grad log R of a registry target at n particles on the device, one thread per particle,
// through the target's DMT_HD kernel (the CPU reference's arithmetic). Plain C++ header.
#pragma once
#include <vector>

#include "dmt/targets/target.hpp"

namespace dmt::cuda {

struct evaluation {
  std::vector<float> log_r;  // n
  std::vector<float> grad;   // n x dim
};

// x: n x dim row-major. Throws cuda_error without a device or for a target with no CUDA kernel.
evaluation evaluate(const target& t, const std::vector<float>& x);

}  // namespace dmt::cuda
