// Entropic optimal transport between Gaussians in closed form (ALGORITHMS.md 6; Janati et al.,
// Mallasto et al.): OT_s(alpha, beta) = min_pi E|x - y|^2 + 2 s^2 KL(pi || alpha x beta), eps = 2 s^2
// (POT's ot.sinkhorn(a, b, M = |x - y|^2, reg = eps)), for alpha = N(a, A), beta = N(b, B):
//   D = (4 A^(1/2) B A^(1/2) + s^4 I)^(1/2),  C = 1/2 A^(1/2) D A^(-1/2) - s^2/2 I,
//   OT_s = |a - b|^2 + tr A + tr B - tr D + d s^2 (1 - ln(2 s^2)) + s^2 ln det(D + s^2 I),
// the optimal plan N([a; b], [[A, C], [C^T, B]]), the entropic map E[Y | X = x] = b + C^T A^-1 (x - a)
// with Cov[Y | X] = B - C^T A^-1 C, the debiased Sinkhorn divergence, and the s = 0 limit
// (Bures-Wasserstein W2^2 and the Monge map). A and B must be symmetric positive definite.
#pragma once
#include <Eigen/Core>

namespace dmt {

struct gaussian {
  Eigen::VectorXd mean;
  Eigen::MatrixXd cov;
};

struct entropic_ot_result {
  double cost = 0.0;             // OT_s (W2^2 when s = 0)
  Eigen::MatrixXd cross;         // C = Cov(X, Y) under the optimal plan
  Eigen::MatrixXd map_matrix;    // C^T A^-1: E[Y | X = x] = b + map_matrix (x - a)
  Eigen::MatrixXd conditional;   // Cov[Y | X] = B - C^T A^-1 C
};

// s >= 0; s = 0 gives the unregularised (Bures-Wasserstein, Monge) solution.
entropic_ot_result gaussian_entropic_ot(const gaussian& alpha, const gaussian& beta, double s);
// S_s = OT_s(alpha, beta) - (OT_s(alpha, alpha) + OT_s(beta, beta)) / 2
double gaussian_sinkhorn_divergence(const gaussian& alpha, const gaussian& beta, double s);
// The symmetric positive semidefinite square root (eigendecomposition).
Eigen::MatrixXd spd_sqrt(const Eigen::MatrixXd& m);

}  // namespace dmt
