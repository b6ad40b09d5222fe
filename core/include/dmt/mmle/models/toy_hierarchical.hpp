// The toy hierarchical model of Kuntz, Lim & Johansen (2023, Example 1): y_d = x_d + N(0, 1),
// x_d ~ N(theta, 1), d = 1..D. Exact: log p_theta(y) = sum_d log N(y_d; theta, 2), theta_MLE = mean(y),
// p_theta(x | y) = N((y + theta) / 2, I / 2). Model "toy_hierarchical" (docs/mmle.md, model 1).
#pragma once
#include <cstdint>
#include <vector>

namespace dmt {

// The data: y_d = theta_true + sqrt(2) z_d, z keyed by (data_seed, d).
std::vector<double> toy_hierarchical_data(int dim, double theta_true, std::uint64_t data_seed);

}  // namespace dmt
