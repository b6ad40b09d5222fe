#include "dmt/metrics/mode_coverage.hpp"

#include <algorithm>
#include <limits>

#include "dmt/params.hpp"

namespace dmt {

double mode_coverage(const float* x, std::size_t n, int dim, const std::vector<double>& modes, double radius,
                     double min_share) {
  const std::size_t k = modes.size() / dim;
  if (k == 0) throw input_error("mode coverage needs at least one mode");
  std::vector<std::size_t> counts(k, 0);
  for (std::size_t i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t arg = 0;
    for (std::size_t c = 0; c < k; ++c) {
      double s = 0.0;
      for (int j = 0; j < dim; ++j) {
        const double r = x[i * dim + j] - modes[c * dim + j];
        s += r * r;
      }
      if (s < best) {
        best = s;
        arg = c;
      }
    }
    if (best <= radius * radius) ++counts[arg];
  }
  const double need = std::max(1.0, min_share * double(n) / double(k));
  std::size_t covered = 0;
  for (std::size_t c : counts) covered += (double(c) >= need);
  return double(covered) / double(k);
}

}  // namespace dmt
