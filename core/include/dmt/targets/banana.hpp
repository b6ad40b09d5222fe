// banana: Haario's twisted Gaussian. x ~ N(0, diag(width^2, 1, 1, ...)), then
// y_1 = x_1, y_2 = x_2 + curvature (x_1^2 - width^2), y_i = x_i otherwise. The map has unit
// Jacobian, so the density is normalised (log Z = 0) and exact samples are mapped Gaussians.
#pragma once
#include <memory>

#include "dmt/targets/banana_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

std::unique_ptr<target> make_banana(const params& p);

}  // namespace dmt
