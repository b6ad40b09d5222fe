#include "dmt/ot/gaussian_bridge.hpp"

#include <Eigen/Cholesky>
#include <cmath>

#include "dmt/params.hpp"

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

}  // namespace dmt
