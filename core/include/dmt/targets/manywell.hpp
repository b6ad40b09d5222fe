// manywell: dim/2 independent pairs (y, z) with energy y^4 - 6 y^2 - 0.5 y + 0.5 z^2
// (Noe et al. 2019; 2^16 modes at dim = 32). log Z = (dim/2)(ln Z_y + 0.5 ln 2 pi), where
// Z_y = integral exp(-(y^4 - 6y^2 - 0.5y)) dy = 11784.50927 (quadrature).
#pragma once
#include <memory>

#include "dmt/targets/kernel_target.hpp"
#include "dmt/targets/manywell_kernel.hpp"

namespace dmt {

std::unique_ptr<target> make_manywell(const params& p);

}  // namespace dmt
