#include "dmt/metrics/wasserstein2.hpp"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "dmt/params.hpp"

namespace dmt {

double wasserstein2_exact(const float* x, const float* y, std::size_t n, int dim) {
  if (n == 0) throw input_error("W2 needs at least one point");
  if (n > 20000) throw input_error("exact W2 is limited to 20000 points");
  // cost matrix (rows x, columns y), 1-based potentials as in the classical formulation
  std::vector<double> cost(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < dim; ++k) {
        const double r = double(x[i * dim + k]) - double(y[j * dim + k]);
        s += r * r;
      }
      if (!std::isfinite(s)) throw input_error("W2 needs finite points");
      cost[i * n + j] = s;
    }
  // Shortest augmenting paths with the bookkeeping of Crouse (2016), as in SciPy's
  // linear_sum_assignment: only unvisited columns are scanned, ties go to free columns.
  const double inf = std::numeric_limits<double>::infinity();
  const std::ptrdiff_t none = -1;
  std::vector<double> u(n, 0.0), v(n, 0.0), spc(n);
  std::vector<std::ptrdiff_t> path(n, none), col4row(n, none), row4col(n, none);
  std::vector<std::size_t> remaining(n);
  std::vector<char> sr(n), sc(n);
  for (std::size_t cur = 0; cur < n; ++cur) {
    double min_val = 0.0;
    std::size_t num_remaining = n;
    for (std::size_t it = 0; it < n; ++it) remaining[it] = n - it - 1;
    std::fill(sr.begin(), sr.end(), 0);
    std::fill(sc.begin(), sc.end(), 0);
    std::fill(spc.begin(), spc.end(), inf);
    std::ptrdiff_t sink = none;
    std::size_t i = cur;
    while (sink == none) {
      sr[i] = 1;
      const double* row = cost.data() + i * n;
      const double base = min_val - u[i];
      std::size_t index = 0;
      double lowest = inf;
      for (std::size_t it = 0; it < num_remaining; ++it) {
        const std::size_t j = remaining[it];
        const double r = base + row[j] - v[j];
        if (r < spc[j]) {
          path[j] = static_cast<std::ptrdiff_t>(i);
          spc[j] = r;
        }
        if (spc[j] < lowest || (spc[j] == lowest && row4col[j] == none)) {
          lowest = spc[j];
          index = it;
        }
      }
      min_val = lowest;
      const std::size_t j = remaining[index];
      if (row4col[j] == none)
        sink = static_cast<std::ptrdiff_t>(j);
      else
        i = static_cast<std::size_t>(row4col[j]);
      sc[j] = 1;
      remaining[index] = remaining[--num_remaining];
    }
    u[cur] += min_val;
    for (std::size_t r = 0; r < n; ++r)
      if (sr[r] && r != cur) u[r] += min_val - spc[static_cast<std::size_t>(col4row[r])];
    for (std::size_t c = 0; c < n; ++c)
      if (sc[c]) v[c] -= min_val - spc[c];
    std::ptrdiff_t j = sink;
    for (;;) {
      const std::ptrdiff_t r = path[static_cast<std::size_t>(j)];
      row4col[static_cast<std::size_t>(j)] = r;
      std::swap(col4row[static_cast<std::size_t>(r)], j);
      if (static_cast<std::size_t>(r) == cur) break;
    }
  }
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) total += cost[r * n + static_cast<std::size_t>(col4row[r])];
  return std::sqrt(total / double(n));
}

}  // namespace dmt
