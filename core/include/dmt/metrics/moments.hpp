// Sample moments and their errors against a reference set (n x dim, row-major, double sums).
#pragma once
#include <cstddef>
#include <vector>

namespace dmt {
std::vector<double> sample_mean(const float* x, std::size_t n, int dim);
// Unbiased (n - 1) sample covariance, dim x dim row-major.
std::vector<double> sample_covariance(const float* x, std::size_t n, int dim);
// Euclidean norm of the difference of the sample means.
double mean_error(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim);
// Frobenius norm of the difference of the sample covariances.
double covariance_error(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim);
}  // namespace dmt
