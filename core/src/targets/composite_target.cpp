#include "dmt/targets/composite_target.hpp"

#include <algorithm>
#include <cmath>

namespace dmt {

Eigen::VectorXd prox_box(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, const Eigen::VectorXd& lower,
                         const Eigen::VectorXd& upper, double tol) {
  Eigen::VectorXd z = v.cwiseMax(lower).cwiseMin(upper);
  Eigen::VectorXd r = h * (z - v);  // the gradient (up to the factor 1 / gamma)
  const double scale = 1.0 + v.cwiseAbs().maxCoeff();
  for (int sweep = 0; sweep < 10000; ++sweep) {
    double change = 0.0;
    for (int i = 0; i < z.size(); ++i) {
      const double zi = std::clamp(z[i] - r[i] / h(i, i), lower[i], upper[i]);
      const double dz = zi - z[i];
      if (dz != 0.0) {
        r += h.col(i) * dz;
        z[i] = zi;
        change = std::max(change, std::abs(dz));
      }
    }
    if (change <= tol * scale) break;
  }
  return z;
}

Eigen::VectorXd prox_l1(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, double gamma, double weight, double tol) {
  Eigen::VectorXd z = v;
  Eigen::VectorXd r = Eigen::VectorXd::Zero(v.size());  // H (z - v)
  const double scale = 1.0 + v.cwiseAbs().maxCoeff();
  for (int sweep = 0; sweep < 10000; ++sweep) {
    double change = 0.0;
    for (int i = 0; i < z.size(); ++i) {
      // coordinate i: weight |t| + (a t^2 / 2 + b t) with a = H_ii / gamma, b = (r_i - H_ii z_i) / gamma
      const double a = h(i, i) / gamma, b = (r[i] - h(i, i) * z[i]) / gamma;
      const double zi = b > weight ? -(b - weight) / a : b < -weight ? -(b + weight) / a : 0.0;
      const double dz = zi - z[i];
      if (dz != 0.0) {
        r += h.col(i) * dz;
        z[i] = zi;
        change = std::max(change, std::abs(dz));
      }
    }
    if (change <= tol * scale) break;
  }
  return z;
}

}  // namespace dmt
