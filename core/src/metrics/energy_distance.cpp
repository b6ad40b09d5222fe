#include "dmt/metrics/energy_distance.hpp"

#include <cmath>

#include "dmt/metrics/squared_distance.hpp"
#include "dmt/params.hpp"

namespace dmt {

double energy_distance(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim) {
  if (nx < 2 || ny < 2) throw input_error("energy distance needs at least 2 points in each set");
  double xy = 0.0, xx = 0.0, yy = 0.0;
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = 0; k < ny; ++k) xy += std::sqrt(squared_distance(x + i * dim, y + k * dim, dim));
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = i + 1; k < nx; ++k) xx += std::sqrt(squared_distance(x + i * dim, x + k * dim, dim));
  for (std::size_t i = 0; i < ny; ++i)
    for (std::size_t k = i + 1; k < ny; ++k) yy += std::sqrt(squared_distance(y + i * dim, y + k * dim, dim));
  return 2.0 * xy / (double(nx) * ny) - 2.0 * xx / (double(nx) * (nx - 1)) - 2.0 * yy / (double(ny) * (ny - 1));
}

}  // namespace dmt
