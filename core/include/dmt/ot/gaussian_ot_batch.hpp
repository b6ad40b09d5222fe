// Many small closed-form Gaussian entropic OT problems at once (float64 or float32), the formulas
// of gaussian_entropic_ot.hpp through a Cholesky factor A = L L^T and one symmetric
// eigendecomposition per pair (of L^T B L), one SIMD lane per pair, on fixed-capacity stack matrices
// (d <= 16), groups of pairs spread over the executor.
// Arrays are pair-major: means pairs x d, covariances pairs x d x d (row-major, symmetric
// positive definite; not re-checked here: the single-pair function validates).
#pragma once
#include <cstddef>

#include "dmt/executor.hpp"

namespace dmt {

constexpr int kGaussianBatchMaxDim = 16;

// cost[p] = OT_s; cross (if not null) receives C = Cov(X, Y) for each pair (pairs x d x d).
template <class T>
void gaussian_entropic_ot_batch(std::size_t pairs, int d, const T* mean_a, const T* cov_a, const T* mean_b,
                                const T* cov_b, double s, T* cost, T* cross, const executor* exec = nullptr);

}  // namespace dmt
