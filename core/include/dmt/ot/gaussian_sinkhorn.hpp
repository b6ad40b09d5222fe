// Sinkhorn / IPF between Gaussians as a Kalman-Riccati recursion (arXiv 2412.18432; ALGORITHMS.md
// 6). The plan is kept as the regression of y on x: y | x ~ N(G x + const, S). Starting from the
// Gibbs kernel alpha x beta x exp(-|x - y|^2 / eps) (S_0 = (B^-1 + (2/eps) I)^-1, G_0 = (2/eps) S_0),
// each sweep conditions x on y to fix the y-marginal, then y on x to fix the x-marginal:
//   P = G A G^T + S; K = A G^T P^-1; R = A - A G^T P^-1 G A;
//   Q = K B K^T + R; G <- B K^T Q^-1; S <- B - G Q G^T; C_n = A G^T.
// Means are transported exactly, so only covariances are iterated. Every iterate is returned with
// its distance to the closed-form C, and the observed contraction rate.
#pragma once
#include <vector>

#include "dmt/ot/gaussian_entropic_ot.hpp"

namespace dmt {

struct gaussian_sinkhorn_iterate {
  Eigen::MatrixXd G, S, C;
  double y_marginal_error = 0.0;  // ||Cov(y) - B|| (Frobenius) after the sweep's x-step
  double error = 0.0;             // ||C_n - C|| against the closed form (Frobenius)
};

struct gaussian_sinkhorn_result {
  std::vector<gaussian_sinkhorn_iterate> iterates;
  double contraction = 0.0;  // median ratio error_{n+1} / error_n over the iterates above 1e-13
  bool converged = false;
};

// Runs until ||C_n - C_{n-1}|| < tol or max_iterations; eps = 2 s^2 > 0.
gaussian_sinkhorn_result gaussian_sinkhorn(const gaussian& alpha, const gaussian& beta, double s, int max_iterations,
                                           double tol = 1e-13);

}  // namespace dmt
