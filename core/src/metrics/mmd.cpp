#include "dmt/metrics/mmd.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "dmt/metrics/squared_distance.hpp"
#include "dmt/params.hpp"

namespace dmt {

double mmd2_rbf(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim, double l) {
  if (nx < 2 || ny < 2) throw input_error("MMD needs at least 2 points in each set");
  if (!(l > 0)) throw input_error("MMD bandwidth must be positive");
  const double g = -0.5 / (l * l);
  double kxx = 0.0, kyy = 0.0, kxy = 0.0;
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = i + 1; k < nx; ++k) kxx += std::exp(g * squared_distance(x + i * dim, x + k * dim, dim));
  for (std::size_t i = 0; i < ny; ++i)
    for (std::size_t k = i + 1; k < ny; ++k) kyy += std::exp(g * squared_distance(y + i * dim, y + k * dim, dim));
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t k = 0; k < ny; ++k) kxy += std::exp(g * squared_distance(x + i * dim, y + k * dim, dim));
  return 2.0 * kxx / (double(nx) * (nx - 1)) + 2.0 * kyy / (double(ny) * (ny - 1)) - 2.0 * kxy / (double(nx) * ny);
}

double median_bandwidth(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim) {
  std::vector<const float*> pts;
  for (std::size_t i = 0; i < std::min<std::size_t>(nx, 1000); ++i) pts.push_back(x + i * dim);
  for (std::size_t i = 0; i < std::min<std::size_t>(ny, 1000); ++i) pts.push_back(y + i * dim);
  std::vector<double> d2;
  d2.reserve(pts.size() * (pts.size() - 1) / 2);
  for (std::size_t i = 0; i < pts.size(); ++i)
    for (std::size_t k = i + 1; k < pts.size(); ++k) d2.push_back(squared_distance(pts[i], pts[k], dim));
  if (d2.empty()) throw input_error("median bandwidth needs at least 2 points");
  std::nth_element(d2.begin(), d2.begin() + d2.size() / 2, d2.end());
  return std::sqrt(std::max(d2[d2.size() / 2], 1e-300));
}

}  // namespace dmt
