// funnel (Neal 2003): x0 ~ N(0, scale^2), x_i | x0 ~ N(0, exp(x0)) for i = 1..dim-1.
// Defaults dim 10, scale 3 (variance 9; the variance-1 "easy funnel" is a known bug in older work).
#pragma once
#include <memory>

#include "dmt/targets/funnel_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

std::unique_ptr<target> make_funnel(const params& p);

}  // namespace dmt
