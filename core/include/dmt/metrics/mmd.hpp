// Maximum mean discrepancy with the Gaussian (RBF) kernel k(x, y) = exp(-|x - y|^2 / (2 l^2)).
// x is nx x dim and y is ny x dim (row-major float). Returns the unbiased estimate of MMD^2
// (Gretton et al. 2012, eq. 3), which can be slightly negative.
#pragma once
#include <cstddef>

namespace dmt {
double mmd2_rbf(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim, double bandwidth);
// Median heuristic: l = median of the pairwise distances of the pooled sample (at most the first
// 1000 points of each set are used).
double median_bandwidth(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim);
}  // namespace dmt
