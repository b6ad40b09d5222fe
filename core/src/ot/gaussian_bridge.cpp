#include "dmt/ot/gaussian_bridge.hpp"

#include <Eigen/Cholesky>
#include <cmath>

#include "dmt/params.hpp"
#include "dmt/rng/philox.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

gaussian_bridge::gaussian_bridge(const gaussian& alpha, const gaussian& beta, double s)
    : alpha_(alpha), beta_(beta), s_(s) {
  if (!(s > 0.0) || !std::isfinite(s)) throw input_error("a Schrodinger bridge needs s > 0");
  plan_ = gaussian_entropic_ot(alpha, beta, s);
}

gaussian gaussian_bridge::marginal(double t) const {
  if (!(t >= 0.0 && t <= 1.0)) throw input_error("bridge time must lie in [0, 1]");
  const auto d = alpha_.mean.size();
  const Eigen::MatrixXd& C = plan_.cross;
  gaussian g;
  g.mean = (1 - t) * alpha_.mean + t * beta_.mean;
  g.cov = (1 - t) * (1 - t) * alpha_.cov + t * t * beta_.cov +
          t * (1 - t) * (C + C.transpose() + s_ * s_ * Eigen::MatrixXd::Identity(d, d));
  return g;
}

void gaussian_bridge::drift(double t, Eigen::MatrixXd& J, Eigen::VectorXd& c) const {
  if (!(t >= 0.0 && t < 1.0)) throw input_error("the bridge drift is defined for t in [0, 1)");
  const auto d = alpha_.mean.size();
  const gaussian m = marginal(t);
  const Eigen::MatrixXd cov_1t = (1 - t) * plan_.cross.transpose() + t * beta_.cov;  // Cov(X_1, X_t)
  // K = Cov(X_1, X_t) Sigma_t^-1 (Sigma_t symmetric positive definite)
  const Eigen::MatrixXd K = Eigen::LLT<Eigen::MatrixXd>(m.cov).solve(cov_1t.transpose()).transpose();
  J = (K - Eigen::MatrixXd::Identity(d, d)) / (1 - t);
  c = (beta_.mean - K * m.mean) / (1 - t);
}

std::vector<double> gaussian_bridge::sample_paths(const std::vector<double>& times, std::size_t n,
                                                  std::uint64_t seed) const {
  for (std::size_t k = 0; k < times.size(); ++k)
    if (!(times[k] >= 0.0 && times[k] <= 1.0) || (k > 0 && !(times[k] > times[k - 1])))
      throw input_error("bridge times must increase strictly within [0, 1]");
  const auto d = alpha_.mean.size();
  Eigen::MatrixXd joint(2 * d, 2 * d);
  joint << alpha_.cov, plan_.cross, plan_.cross.transpose(), beta_.cov;
  const Eigen::MatrixXd L = Eigen::LLT<Eigen::MatrixXd>(joint).matrixL();
  const philox_key key = make_philox_key(seed);
  std::vector<double> out(n * times.size() * d);
  Eigen::VectorXd z(2 * d), end(2 * d), x(d);
  for (std::size_t i = 0; i < n; ++i) {
    philox_stream rng(key, static_cast<std::uint32_t>(i), 0x0B000001u);
    for (Eigen::Index j = 0; j < 2 * d; ++j) z(j) = rng.normal();
    end = L * z;
    const Eigen::VectorXd x0 = alpha_.mean + end.head(d), x1 = beta_.mean + end.tail(d);
    double t = 0.0;
    x = x0;
    for (std::size_t k = 0; k < times.size(); ++k) {
      const double t2 = times[k];
      if (t2 >= 1.0) {
        x = x1;
      } else if (t2 > t) {
        // bridge from (t, x) to (1, x1): mean x + (t2 - t)/(1 - t) (x1 - x), variance s^2 (t2 - t)(1 - t2)/(1 - t)
        const double w = (t2 - t) / (1.0 - t), sd = s_ * std::sqrt((t2 - t) * (1.0 - t2) / (1.0 - t));
        for (Eigen::Index j = 0; j < d; ++j) x(j) = x(j) + w * (x1(j) - x(j)) + sd * rng.normal();
      }
      t = t2;
      for (Eigen::Index j = 0; j < d; ++j) out[(i * times.size() + k) * d + j] = x(j);
    }
  }
  return out;
}

}  // namespace dmt
