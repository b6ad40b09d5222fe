// Exact 2-Wasserstein distance between two empirical measures with n equally weighted points
// each: W2 = sqrt(min over permutations s of (1/n) sum_i |x_i - y_s(i)|^2), by the Hungarian
// algorithm with potentials (shortest augmenting paths, O(n^3) worst case; n = 2000 takes about
// a second). The same quantity as POT's ot.emd2 with uniform weights and squared-Euclidean cost.
#pragma once
#include <cstddef>

namespace dmt {

double wasserstein2_exact(const float* x, const float* y, std::size_t n, int dim);

}  // namespace dmt
