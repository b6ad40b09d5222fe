#include "dmt/metrics/sliced_wasserstein.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "dmt/params.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

double sliced_wasserstein(const float* x, const float* y, std::size_t n, int dim, int projections, std::uint64_t seed) {
  if (n == 0 || projections < 1) throw input_error("sliced Wasserstein needs points and projections");
  std::vector<double> px(n), py(n), dir(dim);
  double total = 0.0;
  for (int p = 0; p < projections; ++p) {
    philox_stream rng(make_philox_key(seed), static_cast<std::uint32_t>(p), 0x5E1Du);
    double norm = 0.0;
    for (double& v : dir) {
      v = rng.normal();
      norm += v * v;
    }
    norm = std::sqrt(norm);
    for (std::size_t i = 0; i < n; ++i) {
      double a = 0.0, b = 0.0;
      for (int j = 0; j < dim; ++j) {
        a += dir[j] * x[i * dim + j];
        b += dir[j] * y[i * dim + j];
      }
      px[i] = a / norm;
      py[i] = b / norm;
    }
    std::sort(px.begin(), px.end());
    std::sort(py.begin(), py.end());
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += (px[i] - py[i]) * (px[i] - py[i]);
    total += s / n;
  }
  return std::sqrt(total / projections);
}

}  // namespace dmt
