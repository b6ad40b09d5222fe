// The per-coordinate linear forward processes of score-based diffusion, du = F u dt + G dW with
// u = x (k = 1) or u = (x, v) (k = 2), started from u_0 = (x_0, v_0), v_0 ~ N(0, Sigma_0,vv):
//   ou   dx = -x dt + sqrt(2) dW                       (overdamped Ornstein-Uhlenbeck)
//   cld  dx = beta v / M dt,                           (critically damped Langevin, Dockhorn, Vahdat,
//        dv = -beta x dt - beta Gamma v / M dt          Kreis 2022: Gamma^2 = 4 M, the double
//             + sqrt(2 Gamma beta) dW                   eigenvalue -beta Gamma / (2 M))
// Given x_0 the law of u_t is N(m(t) x_0, Sigma(t)) with m(t) = e^(F t) e_1 and
// Sigma(t) = Sigma_inf + e^(F t) (Sigma_0 - Sigma_inf) e^(F t)^T (Sigma_inf = 1, resp. diag(1, M): the
// stationary covariance, F Sigma_inf + Sigma_inf F^T + G G^T = 0).
// The reverse-time SDE, in s = T - t, is du = [-F u + G G^T grad log p_t(u)] ds + G dW, and with the
// posterior mean y^ = E[x_0 | u_t = u], grad log p_t(u) = -Sigma(t)^-1 (u - m(t) y^). Holding y^ and
// Sigma fixed over a step of length h, the linear SDE du = (A u + B y^) ds + G dW,
// A = -F - G G^T Sigma^-1, B = G G^T Sigma^-1 m, is solved exactly:
//   u <- Phi u + psi B y^ + L xi,  Phi = e^(A h), psi = int_0^h e^(A r) dr, L L^T = int_0^h e^(A r) G G^T e^(A r)^T dr.
// The posterior of x_0 given u is pi(y) N(y; c, 1 / kappa) per coordinate with kappa = m^T Sigma^-1 m,
// c = w^T u, w = Sigma^-1 m / kappa.
#pragma once
#include <Eigen/Dense>
#include <string>

namespace dmt {

struct linear_forward_process {
  std::string kind = "cld";  // ou | cld
  double beta = 4.0;         // cld: time scale
  double mass = 0.25;        // cld: M (Gamma = 2 sqrt(M), critical damping)
  double v0_scale = 0.04;    // cld: Sigma_0,vv = v0_scale M

  int order() const { return kind == "cld" ? 2 : 1; }
  Eigen::MatrixXd drift() const;           // F
  Eigen::MatrixXd diffusion2() const;      // G G^T
  Eigen::MatrixXd stationary() const;      // Sigma_inf
  Eigen::MatrixXd initial() const;         // Sigma_0 (given x_0)
  Eigen::VectorXd mean_factor(double t) const;   // m(t)
  Eigen::MatrixXd covariance(double t) const;    // Sigma(t)
};

// e^M for a small dense matrix: scaling and squaring with a degree-18 Taylor polynomial (||M|| / 2^s <= 1/2).
Eigen::MatrixXd small_expm(const Eigen::MatrixXd& m);

struct reverse_step_coefficients {
  Eigen::MatrixXd phi, chol;  // Phi, L (lower triangular)
  Eigen::VectorXd gain;       // psi B
};
// The exact solution of du = (A u + B y^) ds + G dW over h with the coefficients frozen at time t
// (see above); the noise covariance by the Lyapunov equation where A is stable (the usual case),
// else by composite Gauss-Legendre quadrature.
reverse_step_coefficients reverse_step(const linear_forward_process& p, double t, double h);

struct posterior_factor {
  double kappa;       // precision of the Gaussian factor in x_0
  Eigen::VectorXd w;  // c = w^T u
};
posterior_factor posterior_of_clean(const linear_forward_process& p, double t);

}  // namespace dmt
