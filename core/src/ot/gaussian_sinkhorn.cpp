#include "dmt/ot/gaussian_sinkhorn.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>

#include "dmt/params.hpp"

namespace dmt {

gaussian_sinkhorn_result gaussian_sinkhorn(const gaussian& alpha, const gaussian& beta, double s, int max_iterations,
                                           double tol) {
  if (!(s > 0.0) || !std::isfinite(s)) throw input_error("Gaussian Sinkhorn needs s > 0");
  if (max_iterations <= 0) throw input_error("Gaussian Sinkhorn needs at least one iteration");
  const entropic_ot_result exact = gaussian_entropic_ot(alpha, beta, s);  // also validates the inputs
  const Eigen::MatrixXd& A = alpha.cov;
  const Eigen::MatrixXd& B = beta.cov;
  const auto d = A.rows();
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  const double eps = 2.0 * s * s;
  auto inv = [](const Eigen::MatrixXd& m) -> Eigen::MatrixXd {
    return Eigen::LLT<Eigen::MatrixXd>(m).solve(Eigen::MatrixXd::Identity(m.rows(), m.cols()));
  };
  auto sym = [](const Eigen::MatrixXd& m) { return Eigen::MatrixXd(0.5 * (m + m.transpose())); };
  Eigen::MatrixXd S = inv(inv(B) + (2.0 / eps) * I);
  Eigen::MatrixXd G = (2.0 / eps) * S;
  gaussian_sinkhorn_result r;
  Eigen::MatrixXd previous = Eigen::MatrixXd::Zero(d, d);
  for (int n = 0; n < max_iterations; ++n) {
    const Eigen::MatrixXd P = sym(G * A * G.transpose() + S);
    const Eigen::MatrixXd Pinv = inv(P);
    const Eigen::MatrixXd K = A * G.transpose() * Pinv;
    const Eigen::MatrixXd R = sym(A - A * G.transpose() * Pinv * G * A);
    const Eigen::MatrixXd Q = sym(K * B * K.transpose() + R);
    G = B * K.transpose() * inv(Q);
    S = sym(B - G * Q * G.transpose());
    gaussian_sinkhorn_iterate it;
    it.G = G;
    it.S = S;
    it.C = A * G.transpose();
    it.y_marginal_error = (G * A * G.transpose() + S - B).norm();
    it.error = (it.C - exact.cross).norm();
    const double step = (it.C - previous).norm();
    previous = it.C;
    r.iterates.push_back(std::move(it));
    if (step < tol) {
      r.converged = true;
      break;
    }
  }
  std::vector<double> ratios;
  for (std::size_t i = 1; i < r.iterates.size(); ++i)
    if (r.iterates[i - 1].error > 1e-13 && r.iterates[i].error > 1e-13)
      ratios.push_back(r.iterates[i].error / r.iterates[i - 1].error);
  if (!ratios.empty()) {
    std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
    r.contraction = ratios[ratios.size() / 2];
  }
  return r;
}

}  // namespace dmt
