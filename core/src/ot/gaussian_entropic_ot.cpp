#include "dmt/ot/gaussian_entropic_ot.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstdio>
#include <string>

#include "dmt/params.hpp"

namespace dmt {
namespace {

void check(const gaussian& g, const char* name) {
  const auto d = g.mean.size();
  if (d == 0 || g.cov.rows() != d || g.cov.cols() != d)
    throw input_error(std::string(name) + ": the covariance must be d x d for a mean of dimension d");
  if (!g.mean.allFinite() || !g.cov.allFinite()) throw input_error(std::string(name) + " has non-finite entries");
  const double asym = (g.cov - g.cov.transpose()).cwiseAbs().maxCoeff();
  if (asym > 1e-12 * (1 + g.cov.cwiseAbs().maxCoeff()))
    throw input_error(std::string(name) + ": the covariance is not symmetric (largest |C - C^T| entry " +
                      std::to_string(asym) + ")");
  Eigen::LLT<Eigen::MatrixXd> llt(g.cov);
  if (llt.info() != Eigen::Success) {
    const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(g.cov, Eigen::EigenvaluesOnly).eigenvalues()(0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", smallest);
    throw input_error(std::string(name) + ": the covariance is not positive definite (smallest eigenvalue " + buf + ")");
  }
}

// f(M) for symmetric M by eigendecomposition.
template <class F>
Eigen::MatrixXd spectral(const Eigen::MatrixXd& m, F f) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (m + m.transpose()));
  Eigen::VectorXd v = es.eigenvalues().unaryExpr(f);
  return es.eigenvectors() * v.asDiagonal() * es.eigenvectors().transpose();
}

}  // namespace

Eigen::MatrixXd spd_sqrt(const Eigen::MatrixXd& m) {
  return spectral(m, [](double x) { return std::sqrt(std::max(x, 0.0)); });
}

entropic_ot_result gaussian_entropic_ot(const gaussian& alpha, const gaussian& beta, double s) {
  check(alpha, "the first Gaussian");
  check(beta, "the second Gaussian");
  if (alpha.mean.size() != beta.mean.size()) throw input_error("the two Gaussians have different dimensions");
  if (!(s >= 0.0) || !std::isfinite(s)) throw input_error("the regularisation s must be finite and non-negative");
  const auto d = alpha.mean.size();
  const Eigen::MatrixXd& A = alpha.cov;
  const Eigen::MatrixXd& B = beta.cov;
  const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(d, d);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ea(A);
  const Eigen::MatrixXd& U = ea.eigenvectors();
  const Eigen::VectorXd la = ea.eigenvalues();
  const Eigen::MatrixXd a_half = U * la.cwiseSqrt().asDiagonal() * U.transpose();
  const Eigen::MatrixXd a_mhalf = U * la.cwiseSqrt().cwiseInverse().asDiagonal() * U.transpose();
  const double s2 = s * s, s4 = s2 * s2;
  const Eigen::MatrixXd M = a_half * B * a_half;
  const Eigen::MatrixXd D = spectral(4.0 * M, [s4](double x) { return std::sqrt(std::max(x, 0.0) + s4); });
  entropic_ot_result r;
  r.cross = 0.5 * a_half * D * a_mhalf - 0.5 * s2 * I;
  const double mean_term = (alpha.mean - beta.mean).squaredNorm();
  r.cost = mean_term + A.trace() + B.trace() - D.trace();
  if (s > 0.0) {
    // d s^2 (1 - ln 2 s^2) + s^2 ln det(D + s^2 I), with ln det from the eigenvalues of D
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ed(D);
    double logdet = 0.0;
    for (Eigen::Index i = 0; i < d; ++i) logdet += std::log(ed.eigenvalues()(i) + s2);
    r.cost += double(d) * s2 * (1.0 - std::log(2.0 * s2)) + s2 * logdet;
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(A);
  r.map_matrix = llt.solve(r.cross).transpose();  // C^T A^-1 (A symmetric)
  r.conditional = B - r.map_matrix * r.cross;
  r.conditional = 0.5 * (r.conditional + r.conditional.transpose());
  return r;
}

double gaussian_sinkhorn_divergence(const gaussian& alpha, const gaussian& beta, double s) {
  return gaussian_entropic_ot(alpha, beta, s).cost -
         0.5 * (gaussian_entropic_ot(alpha, alpha, s).cost + gaussian_entropic_ot(beta, beta, s).cost);
}

}  // namespace dmt
