#include "dmt/ot/mixture_sinkhorn.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <string>

#include "dmt/params.hpp"
#include "dmt/rng/philox.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

gaussian_mixture kernel_density(const Eigen::MatrixXd& points, double bandwidth) {
  if (points.rows() == 0 || points.cols() == 0) throw input_error("the KDE has no points");
  if (!(bandwidth > 0.0) || !std::isfinite(bandwidth)) throw input_error("the KDE bandwidth must be positive");
  if (!points.allFinite()) throw input_error("the KDE points have non-finite coordinates");
  gaussian_mixture m;
  const auto d = points.cols();
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    m.weights.push_back(1.0 / double(points.rows()));
    m.components.push_back({points.row(i).transpose(), bandwidth * bandwidth * Eigen::MatrixXd::Identity(d, d)});
  }
  return m;
}

void check_mixture(const gaussian_mixture& m, const char* name) {
  const std::string n = name;
  if (m.components.empty()) throw input_error(n + " has no components");
  if (m.weights.size() != m.components.size())
    throw input_error(n + ": " + std::to_string(m.weights.size()) + " weights for " +
                      std::to_string(m.components.size()) + " components");
  double total = 0.0;
  for (std::size_t k = 0; k < m.weights.size(); ++k) {
    if (!(m.weights[k] >= 0.0) || !std::isfinite(m.weights[k]))
      throw input_error(n + ": weight " + std::to_string(k) + " is negative or not finite");
    total += m.weights[k];
  }
  if (std::abs(total - 1.0) > 1e-6)
    throw input_error(n + ": the weights sum to " + std::to_string(total) + ", not 1");
  const auto d = m.components[0].mean.size();
  for (std::size_t k = 0; k < m.components.size(); ++k) {
    if (m.components[k].mean.size() != d)
      throw input_error(n + ": component " + std::to_string(k) + " has a different dimension");
    // validates symmetry and positive definiteness with the component named
    gaussian_entropic_ot(m.components[k], m.components[k], 0.0);
  }
}

void gauss_hermite(int q, std::vector<double>& nodes, std::vector<double>& weights) {
  if (q < 1 || q > 200) throw input_error("the Gauss-Hermite rule needs 1 to 200 nodes");
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(q, q);
  for (int k = 1; k < q; ++k) J(k, k - 1) = J(k - 1, k) = std::sqrt(double(k));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(J);
  nodes.resize(q);
  weights.resize(q);
  for (int k = 0; k < q; ++k) {
    nodes[k] = es.eigenvalues()(k);
    weights[k] = es.eigenvectors()(0, k) * es.eigenvectors()(0, k);
  }
}

weighted_cloud quadrature_cloud(const gaussian_mixture& m, int nodes_per_dim) {
  check_mixture(m, "the mixture");
  const int d = static_cast<int>(m.components[0].mean.size());
  if (d > 4) throw input_error("Gauss-Hermite discretisation is for d <= 4 (use samples above)");
  std::vector<double> z, w;
  gauss_hermite(nodes_per_dim, z, w);
  std::size_t per = 1;
  for (int k = 0; k < d; ++k) per *= static_cast<std::size_t>(nodes_per_dim);
  weighted_cloud c;
  c.points.resize(static_cast<Eigen::Index>(per * m.components.size()), d);
  c.weights.resize(c.points.rows());
  Eigen::VectorXd u(d);
  std::size_t row = 0;
  for (std::size_t k = 0; k < m.components.size(); ++k) {
    const Eigen::MatrixXd L = Eigen::LLT<Eigen::MatrixXd>(m.components[k].cov).matrixL();
    for (std::size_t idx = 0; idx < per; ++idx, ++row) {
      std::size_t r = idx;
      double wt = m.weights[k];
      for (int a = 0; a < d; ++a) {
        u(a) = z[r % nodes_per_dim];
        wt *= w[r % nodes_per_dim];
        r /= nodes_per_dim;
      }
      c.points.row(row) = (m.components[k].mean + L * u).transpose();
      c.weights(row) = wt;
    }
  }
  c.weights /= c.weights.sum();
  return c;
}

weighted_cloud sample_cloud(const gaussian_mixture& m, std::size_t n, std::uint64_t seed) {
  check_mixture(m, "the mixture");
  if (n == 0) throw input_error("the sample count must be positive");
  const auto d = m.components[0].mean.size();
  std::vector<Eigen::MatrixXd> L;
  for (const auto& g : m.components) L.push_back(Eigen::LLT<Eigen::MatrixXd>(g.cov).matrixL());
  std::vector<double> cdf(m.weights.size());
  double acc = 0.0;
  for (std::size_t k = 0; k < cdf.size(); ++k) cdf[k] = acc += m.weights[k];
  const philox_key key = make_philox_key(seed);
  weighted_cloud c;
  c.points.resize(static_cast<Eigen::Index>(n), d);
  Eigen::VectorXd z(d);
  for (std::size_t i = 0; i < n; ++i) {
    philox_stream rng(key, static_cast<std::uint32_t>(i), 0x0B000002u);
    const double u = rng.uniform() * acc;
    std::size_t k = 0;
    while (k + 1 < cdf.size() && cdf[k] <= u) ++k;
    for (Eigen::Index j = 0; j < d; ++j) z(j) = rng.normal();
    c.points.row(i) = (m.components[k].mean + L[k] * z).transpose();
  }
  return c;
}

sinkhorn_result mixture_sinkhorn(const gaussian_mixture& a, const gaussian_mixture& b, const mixture_ot_settings& m,
                                 const sinkhorn_options& options) {
  check_mixture(a, "the first mixture");
  check_mixture(b, "the second mixture");
  if (a.components[0].mean.size() != b.components[0].mean.size())
    throw input_error("the two mixtures have different dimensions");
  if (m.nodes_per_dim > 0)
    return sinkhorn(quadrature_cloud(a, m.nodes_per_dim), quadrature_cloud(b, m.nodes_per_dim), options);
  if (m.samples == 0) throw input_error("mixture OT needs nodes per dimension or a sample count");
  return sinkhorn(sample_cloud(a, m.samples, m.seed), sample_cloud(b, m.samples, m.seed + 1), options);
}

}  // namespace dmt
