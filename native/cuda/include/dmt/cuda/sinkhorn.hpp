// Log-domain Sinkhorn for point clouds on the device (float32, squared-Euclidean cost computed on
// the fly, memory O(N + M)): the CPU's dmt::sinkhorn with the same potentials convention
// (POT's reg), stopping rule, eps-scaling and result fields (barycentric map and pruning are
// CPU-only; `evaluated` is 1). Each half-step
//   f_i = -eps log sum_j b_j exp((g_j - |x_i - y_j|^2) / eps)
// is one pass over all pairs: |x - y|^2 = |x|^2 + |y|^2 - 2 x.y with the clouds centred on their
// joint mean, the sum taken in base 2 with one ex2.approx per pair, shifted by the row's
// previous value (rows whose shifted sum leaves [2^-60, 2^60] are redone with their exact
// maximum), column ranges split across blocks so that N = 1e3 fills the GPU (their partial sums
// added in a fixed order: the result is deterministic). Accuracy: float32 sums and exponents
// (the expansion loses about 1e-7 |x|^2 / eps in the exponent); the plan's marginals, recomputed
// in float64, meet the tolerance (tests/cuda/sinkhorn_test.cpp).
// Plain C++ header.
#pragma once
#include "dmt/ot/sinkhorn.hpp"

namespace dmt::cuda {

// Throws input_error for a cost other than sqeuclidean, dimension above 32 or bad clouds, and
// cuda_error without a device.
sinkhorn_result sinkhorn(const weighted_cloud& x, const weighted_cloud& y, const sinkhorn_options& options);

// For benchmarks: seconds per Sinkhorn iteration (two half-steps, 2 N M point pairs) at eps = reg,
// medians of `repeats` after three warm-up iterations: `wall` the whole iteration (host
// preparation and transfers of the O(N + M) arrays included, steady_clock), `kernel` the
// summation kernels alone (CUDA events).
struct sinkhorn_timing {
  double wall = 0.0, kernel = 0.0;
};
sinkhorn_timing time_iterations(const weighted_cloud& x, const weighted_cloud& y, double reg, int repeats);

}  // namespace dmt::cuda
