// doublewell(dim, m, delta): E = sum_{i<=m} (x_i^2 - delta)^2 + 0.5 sum_{i>m} x_i^2.
// log Z = m ln I(delta) + (dim - m)/2 ln 2 pi with I(delta) = integral exp(-(x^2 - delta)^2) dx,
// computed at construction by composite Gauss-Legendre quadrature.
#pragma once
#include <memory>

#include "dmt/targets/doublewell_kernel.hpp"
#include "dmt/targets/kernel_target.hpp"

namespace dmt {

std::unique_ptr<target> make_doublewell(const params& p);

}  // namespace dmt
