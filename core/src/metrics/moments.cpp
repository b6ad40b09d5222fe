#include "dmt/metrics/moments.hpp"

#include <cmath>

#include "dmt/params.hpp"

namespace dmt {

std::vector<double> sample_mean(const float* x, std::size_t n, int dim) {
  std::vector<double> m(dim, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (int j = 0; j < dim; ++j) m[j] += x[i * dim + j];
  for (double& v : m) v /= double(n);
  return m;
}

std::vector<double> sample_covariance(const float* x, std::size_t n, int dim) {
  if (n < 2) throw input_error("covariance needs at least 2 points");
  const std::vector<double> m = sample_mean(x, n, dim);
  std::vector<double> c(static_cast<std::size_t>(dim) * dim, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < dim; ++a) {
      const double ra = x[i * dim + a] - m[a];
      for (int b = 0; b < dim; ++b) c[a * dim + b] += ra * (x[i * dim + b] - m[b]);
    }
  for (double& v : c) v /= double(n - 1);
  return c;
}

double mean_error(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim) {
  const auto a = sample_mean(x, nx, dim), b = sample_mean(y, ny, dim);
  double s = 0.0;
  for (int j = 0; j < dim; ++j) s += (a[j] - b[j]) * (a[j] - b[j]);
  return std::sqrt(s);
}

double covariance_error(const float* x, std::size_t nx, const float* y, std::size_t ny, int dim) {
  const auto a = sample_covariance(x, nx, dim), b = sample_covariance(y, ny, dim);
  double s = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
  return std::sqrt(s);
}

}  // namespace dmt
