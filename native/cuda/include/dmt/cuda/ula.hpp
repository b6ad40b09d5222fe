// The first CUDA operation: ULA on the manywell target, one thread per particle, calling the
// same DMT_HD code (Philox, normals, ula_step, manywell_kernel) as the CPU. It exists so that
// nvcc compatibility of core/ is checked from day one; the full backend is issue [cuda].
// Plain C++ header: callable from host code compiled without nvcc.
#pragma once
#include <cstdint>
#include <vector>

namespace dmt::cuda {

// Number of usable CUDA devices (0 when there is no GPU or no driver).
int device_count();

// Advances n particles of manywell(dim) (x: n x dim, row-major) by `steps` ULA steps of size h
// starting at step index 0 with Philox key `seed`; returns the particles. dim <= 64, even.
// Throws cuda_error if no device is present.
std::vector<float> manywell_ula(const std::vector<float>& x, int n, int dim, float h, std::uint64_t seed, int steps);

}  // namespace dmt::cuda
