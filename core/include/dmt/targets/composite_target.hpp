// Targets of the form pi(x) proportional to exp(-f(x) - g(x)): f smooth (value, gradient, Hessian),
// g convex and non-smooth but proximable (an L1 penalty, the indicator of a box). The proximal
// Newton adaptive importance sampler (samplers/pnais.hpp) uses this view; every other sampler sees
// the same density through the ordinary target interface (log R = -f - g, -inf outside a box, and
// the gradient of -f - g where g is differentiable).
#pragma once
#include <Eigen/Dense>

namespace dmt {

class composite_target {
 public:
  virtual ~composite_target() = default;
  // f(x) (up to the target's additive constant, so that log R = -f - g) and, if grad is not null,
  // grad f(x).
  virtual double smooth_part(const Eigen::VectorXd& x, Eigen::VectorXd* grad) const = 0;
  virtual Eigen::MatrixXd smooth_hessian(const Eigen::VectorXd& x) const = 0;
  // g(x); +infinity where the density vanishes.
  virtual double nonsmooth_part(const Eigen::VectorXd& x) const = 0;
  // The scaled proximal operator argmin_z g(z) + (z - v)^T H (z - v) / (2 gamma), H symmetric
  // positive definite.
  virtual Eigen::VectorXd prox(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, double gamma) const = 0;
};

// Coordinate-descent solvers of the two scaled proximal problems (exact minimisers up to `tol` in
// the largest coordinate change; both problems are strongly convex for positive-definite H).
// Box: argmin_{lower <= z <= upper} (z - v)^T H (z - v).
Eigen::VectorXd prox_box(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, const Eigen::VectorXd& lower,
                         const Eigen::VectorXd& upper, double tol = 1e-13);
// L1: argmin_z weight |z|_1 + (z - v)^T H (z - v) / (2 gamma).
Eigen::VectorXd prox_l1(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, double gamma, double weight,
                        double tol = 1e-13);

}  // namespace dmt
