#include "dmt/samplers/linear_forward_process.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace dmt {

Eigen::MatrixXd linear_forward_process::drift() const {
  if (kind == "ou") return Eigen::MatrixXd::Constant(1, 1, -1.0);
  const double gamma = 2.0 * std::sqrt(mass);
  Eigen::MatrixXd f(2, 2);
  f << 0.0, beta / mass, -beta, -beta * gamma / mass;
  return f;
}

Eigen::MatrixXd linear_forward_process::diffusion2() const {
  if (kind == "ou") return Eigen::MatrixXd::Constant(1, 1, 2.0);
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(2, 2);
  g(1, 1) = 2.0 * 2.0 * std::sqrt(mass) * beta;
  return g;
}

Eigen::MatrixXd linear_forward_process::stationary() const {
  if (kind == "ou") return Eigen::MatrixXd::Identity(1, 1);
  Eigen::MatrixXd s = Eigen::MatrixXd::Identity(2, 2);
  s(1, 1) = mass;
  return s;
}

Eigen::MatrixXd linear_forward_process::initial() const {
  const int k = order();
  Eigen::MatrixXd s = Eigen::MatrixXd::Zero(k, k);
  if (k == 2) s(1, 1) = v0_scale * mass;
  return s;
}

Eigen::VectorXd linear_forward_process::mean_factor(double t) const { return small_expm(drift() * t).col(0); }

Eigen::MatrixXd linear_forward_process::covariance(double t) const {
  const Eigen::MatrixXd e = small_expm(drift() * t), s = stationary();
  const Eigen::MatrixXd c = s + e * (initial() - s) * e.transpose();
  return 0.5 * (c + c.transpose());
}

Eigen::MatrixXd small_expm(const Eigen::MatrixXd& m) {
  const double norm = m.cwiseAbs().rowwise().sum().maxCoeff();
  int squarings = 0;
  if (norm > 0.5) squarings = static_cast<int>(std::ceil(std::log2(norm / 0.5)));
  const Eigen::MatrixXd a = m / std::ldexp(1.0, squarings);
  Eigen::MatrixXd term = Eigen::MatrixXd::Identity(m.rows(), m.cols()), sum = term;
  for (int k = 1; k <= 18; ++k) {
    term = term * a / double(k);
    sum += term;
  }
  for (int i = 0; i < squarings; ++i) sum = sum * sum;
  return sum;
}

reverse_step_coefficients reverse_step(const linear_forward_process& p, double t, double h) {
  const int k = p.order();
  const Eigen::MatrixXd q = p.diffusion2();
  const Eigen::MatrixXd prec = p.covariance(t).inverse();
  const Eigen::MatrixXd a = -p.drift() - q * prec;
  const Eigen::VectorXd b = q * prec * p.mean_factor(t);
  reverse_step_coefficients r;
  // psi = int_0^h e^(A r) dr: the upper-right block of exp([[A, I], [0, 0]] h)
  Eigen::MatrixXd aug = Eigen::MatrixXd::Zero(2 * k, 2 * k);
  aug.topLeftCorner(k, k) = a * h;
  aug.topRightCorner(k, k) = Eigen::MatrixXd::Identity(k, k) * h;
  const Eigen::MatrixXd e = small_expm(aug);
  r.phi = e.topLeftCorner(k, k);
  r.gain = e.topRightCorner(k, k) * b;
  Eigen::MatrixXd cov;
  const Eigen::VectorXcd eig = a.eigenvalues();
  if (eig.real().maxCoeff() < 0) {  // S solves A S + S A^T + Q = 0; the step covariance is S - Phi S Phi^T
    const Eigen::MatrixXd id = Eigen::MatrixXd::Identity(k, k);
    Eigen::MatrixXd kron(k * k, k * k);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < k; ++j)
        for (int u = 0; u < k; ++u)
          for (int v = 0; v < k; ++v)  // (I (x) A + A (x) I) at (i k + u, j k + v)
            kron(i * k + u, j * k + v) = id(i, j) * a(u, v) + a(i, j) * id(u, v);
    const Eigen::VectorXd vs = kron.fullPivLu().solve(-Eigen::Map<const Eigen::VectorXd>(q.data(), k * k));
    const Eigen::MatrixXd s = Eigen::Map<const Eigen::MatrixXd>(vs.data(), k, k);
    cov = s - r.phi * s * r.phi.transpose();
  } else {  // 64 panels of 8-point Gauss-Legendre
    static const double x8[] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
                                0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
    static const double w8[] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                                0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    cov = Eigen::MatrixXd::Zero(k, k);
    const int panels = 64;
    const double w = h / panels;
    for (int pn = 0; pn < panels; ++pn)
      for (int g = 0; g < 8; ++g) {
        const Eigen::MatrixXd ea = small_expm(a * (w * (pn + 0.5 * (x8[g] + 1.0))));
        cov += 0.5 * w * w8[g] * ea * q * ea.transpose();
      }
  }
  cov = 0.5 * (cov + cov.transpose());
  r.chol = Eigen::MatrixXd::Zero(k, k);
  if (k == 1) {
    r.chol(0, 0) = std::sqrt(std::max(cov(0, 0), 0.0));
  } else {
    const double l00 = std::sqrt(std::max(cov(0, 0), 0.0));
    const double l10 = l00 > 0 ? cov(1, 0) / l00 : 0.0;
    r.chol(0, 0) = l00;
    r.chol(1, 0) = l10;
    r.chol(1, 1) = std::sqrt(std::max(cov(1, 1) - l10 * l10, 0.0));
  }
  return r;
}

posterior_factor posterior_of_clean(const linear_forward_process& p, double t) {
  const Eigen::VectorXd m = p.mean_factor(t);
  const Eigen::VectorXd pm = p.covariance(t).ldlt().solve(m);
  posterior_factor f;
  f.kappa = m.dot(pm);
  f.w = pm / f.kappa;
  return f;
}

}  // namespace dmt
