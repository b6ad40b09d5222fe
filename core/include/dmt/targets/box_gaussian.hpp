// box_gaussian: a correlated Gaussian N(mean, covariance) truncated to the box lower <= x <= upper
// (pi = N(x; mean, S) 1_box(x), so Z = P(X in box) for X ~ N(mean, S)). As a composite target:
// f(x) = (x - mean)^T S^-1 (x - mean) / 2 - log_norm, g = the box's indicator.
#pragma once
#include <memory>

#include "dmt/targets/box_gaussian_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

// params: dim (2), mean (list, default all 1), covariance (dim*dim row-major or dim diagonal
// entries; default rho^|i-j| with rho = 0.7), lower (list, default all 0), upper (list, default all
// 1.5). log Z is computed for dim <= 2 (one-dimensional quadrature of the conditional normal
// probability) and for diagonal covariances (a product of normal probabilities).
std::unique_ptr<target> make_box_gaussian(const params& p);

}  // namespace dmt
