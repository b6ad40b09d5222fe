// Implementations of the metrics declared in core/include/dmt/metrics/.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "dmt/metrics/chain_ess.hpp"
#include "dmt/metrics/energy_distance.hpp"
#include "dmt/metrics/importance_ess.hpp"
#include "dmt/metrics/mmd.hpp"
#include "dmt/metrics/mode_coverage.hpp"
#include "dmt/metrics/moments.hpp"
#include "dmt/metrics/sliced_wasserstein.hpp"
#include "dmt/params.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

double squared_distance(const float* a, const float* b, int dim) {
  double s = 0.0;
  for (int j = 0; j < dim; ++j) {
    const double r = double(a[j]) - double(b[j]);
    s += r * r;
  }
  return s;
}

}  // namespace

double importance_ess(const std::vector<double>& log_weights) {
  double m = -std::numeric_limits<double>::infinity();
  for (double l : log_weights)
    if (std::isfinite(l)) m = std::max(m, l);
  if (!std::isfinite(m)) return 0.0;
  double s1 = 0.0, s2 = 0.0;
  for (double l : log_weights) {
    if (!std::isfinite(l)) continue;
    const double w = std::exp(l - m);
    s1 += w;
    s2 += w * w;
  }
  return s1 * s1 / s2;
}

double chain_ess(const float* trace, std::size_t n, std::size_t m) {
  if (n < 4 || m < 1) throw input_error("chain ESS needs at least 4 steps and 1 chain");
  std::vector<double> mean(m, 0.0), var(m, 0.0);
  for (std::size_t c = 0; c < m; ++c) {
    for (std::size_t t = 0; t < n; ++t) mean[c] += trace[t * m + c];
    mean[c] /= n;
    for (std::size_t t = 0; t < n; ++t) {
      const double r = trace[t * m + c] - mean[c];
      var[c] += r * r;
    }
    var[c] /= (n - 1);
  }
  double w = 0.0, grand = 0.0;
  for (std::size_t c = 0; c < m; ++c) {
    w += var[c] / m;
    grand += mean[c] / m;
  }
  double b = 0.0;
  if (m > 1) {
    for (std::size_t c = 0; c < m; ++c) b += (mean[c] - grand) * (mean[c] - grand);
    b *= double(n) / (m - 1);
  }
  const double var_plus = (n - 1.0) / n * w + b / n;
  if (!(var_plus > 0)) return double(n * m);
  // mean over chains of the (biased, /n) autocovariance at lag t
  auto acov = [&](std::size_t lag) {
    double total = 0.0;
    for (std::size_t c = 0; c < m; ++c) {
      double s = 0.0;
      for (std::size_t t = 0; t + lag < n; ++t) s += (trace[t * m + c] - mean[c]) * (trace[(t + lag) * m + c] - mean[c]);
      total += s / n;
    }
    return total / m;
  };
  auto rho = [&](std::size_t lag) { return 1.0 - (w * (n - 1.0) / n - acov(lag)) / var_plus; };
  // Geyer: pairs P_k = rho_2k + rho_2k+1, summed while positive, made monotone.
  double tau = 0.0, prev_pair = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; 2 * k + 1 < n; ++k) {
    double pair = (k == 0 ? 1.0 : rho(2 * k)) + rho(2 * k + 1);
    if (pair < 0) break;
    pair = std::min(pair, prev_pair);
    prev_pair = pair;
    tau += 2.0 * pair;
  }
  tau -= 1.0;
  const double cap = double(n) * m * std::log10(double(n) * m);  // Stan's upper bound
  return std::min(double(n) * m / std::max(tau, 1e-300), cap);
}

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

double sliced_wasserstein(const float* x, const float* y, std::size_t n, int dim, int projections,
                          std::uint64_t seed) {
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
