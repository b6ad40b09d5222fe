// The Schrodinger bridge between Gaussians for the reference s W on [0, 1] (ALGORITHMS.md 6): its
// static plan is the entropic plan of gaussian_entropic_ot with the same s, and
//   X_t = (1 - t) X_0 + t X_1 + s sqrt(t (1 - t)) Z,
//   m_t = (1 - t) a + t b,  Sigma_t = (1 - t)^2 A + t^2 B + t (1 - t) (C + C^T + s^2 I).
// Its SDE dX = (J_t X + c_t) dt + s dW has the affine drift E[(X_1 - x) / (1 - t) | X_t = x]:
//   J_t = (Cov(X_1, X_t) Sigma_t^-1 - I) / (1 - t),  c_t = (b - Cov(X_1, X_t) Sigma_t^-1 m_t) / (1 - t),
// with Cov(X_1, X_t) = (1 - t) C^T + t B.
#pragma once
#include <cstdint>
#include <vector>

#include "dmt/ot/gaussian_entropic_ot.hpp"

namespace dmt {

class gaussian_bridge {
 public:
  gaussian_bridge(const gaussian& alpha, const gaussian& beta, double s);  // s > 0
  // The marginal N(m_t, Sigma_t), t in [0, 1].
  gaussian marginal(double t) const;
  // The drift x -> J x + c at t in [0, 1).
  void drift(double t, Eigen::MatrixXd& J, Eigen::VectorXd& c) const;
  // n paths at the given increasing times in [0, 1] (first 0 and last 1 not required), drawn
  // exactly: (X_0, X_1) from the plan, then the Brownian bridge of s W between them, point after
  // point. Returns n x times.size() x d values (path-major); keyed by seed.
  std::vector<double> sample_paths(const std::vector<double>& times, std::size_t n, std::uint64_t seed) const;
  const entropic_ot_result& plan() const { return plan_; }
  double s() const { return s_; }

 private:
  gaussian alpha_, beta_;
  double s_;
  entropic_ot_result plan_;
};

}  // namespace dmt
