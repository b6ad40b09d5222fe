// Mode coverage for mixtures: each sample is assigned to its nearest mode if it lies within
// `radius` of it; a mode is covered when it holds at least min_share x (n / modes) samples
// (default 0.1: a tenth of its fair share). Returns the fraction of covered modes.
#pragma once
#include <cstddef>
#include <vector>

namespace dmt {
double mode_coverage(const float* x, std::size_t n, int dim, const std::vector<double>& modes, double radius,
                     double min_share = 0.1);
}
