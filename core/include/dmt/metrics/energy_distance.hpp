// Energy distance (Szekely & Rizzo 2004): 2 E|X - Y| - E|X - X'| - E|Y - Y'|, with the
// within-set expectations over distinct pairs. x is nx x dim, y is ny x dim (row-major).
#pragma once
#include <cstddef>

namespace dmt {
double energy_distance(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim);
}
