// Sliced 2-Wasserstein distance between two equally sized point sets (n x dim each):
// sqrt of the mean over `projections` random unit directions (keyed by seed) of the 1-D W2^2
// between the projected sets, which for equal sizes is the mean squared difference of sorted values.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dmt {
double sliced_wasserstein(const float* x, const float* y, std::size_t n, int dim, int projections, std::uint64_t seed);
}
