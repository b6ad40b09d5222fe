// gaussian: N(mean, covariance) on R^dim, any SPD covariance (normalised: log Z = 0).
#pragma once
#include <memory>

#include "dmt/targets/gaussian_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

// params: dim (2), mean (list of dim, default 0), covariance (dim*dim row-major or dim
// diagonal entries, default identity).
std::unique_ptr<target> make_gaussian(const params& p);

}  // namespace dmt
