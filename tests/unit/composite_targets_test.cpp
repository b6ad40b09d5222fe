// The two composite targets (box_gaussian, lasso_regression) and the scaled proximal operators.
// References: an enumeration of the box QP's active sets (KKT), the L1 problem's optimality
// conditions, the densities written out from their definitions, midpoint-rule quadrature on fine
// grids (log Z and moments), central differences (gradients).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "dmt/targets/box_gaussian.hpp"
#include "dmt/targets/composite_target.hpp"
#include "dmt/targets/lasso_regression.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

Eigen::MatrixXd random_spd(int d, std::mt19937& gen) {
  std::normal_distribution<double> nd;
  Eigen::MatrixXd a(d, d);
  for (int i = 0; i < d; ++i)
    for (int k = 0; k < d; ++k) a(i, k) = nd(gen);
  return a * a.transpose() + 0.3 * Eigen::MatrixXd::Identity(d, d);
}

// argmin over the box of (z - v)^T H (z - v) by trying every assignment of each coordinate to
// free / lower / upper: solve for the free ones, keep the feasible candidate of least objective.
Eigen::VectorXd box_qp_by_enumeration(const Eigen::VectorXd& v, const Eigen::MatrixXd& h, const Eigen::VectorXd& lo,
                                      const Eigen::VectorXd& hi) {
  const int d = static_cast<int>(v.size());
  double best = INFINITY;
  Eigen::VectorXd arg;
  int total = 1;
  for (int i = 0; i < d; ++i) total *= 3;
  for (int code = 0; code < total; ++code) {
    Eigen::VectorXd z = v;
    std::vector<int> free;
    for (int i = 0, c = code; i < d; ++i, c /= 3) {
      if (c % 3 == 1) z[i] = lo[i];
      if (c % 3 == 2) z[i] = hi[i];
      if (c % 3 == 0) free.push_back(i);
    }
    if (!free.empty()) {  // H_FF (z_F - v_F) = -H_FB (z_B - v_B)
      const int f = static_cast<int>(free.size());
      Eigen::MatrixXd hff(f, f);
      Eigen::VectorXd rhs = Eigen::VectorXd::Zero(f);
      for (int a = 0; a < f; ++a) {
        for (int b = 0; b < f; ++b) hff(a, b) = h(free[a], free[b]);
        for (int k = 0; k < d; ++k)
          if (std::find(free.begin(), free.end(), k) == free.end()) rhs[a] -= h(free[a], k) * (z[k] - v[k]);
      }
      const Eigen::VectorXd dz = hff.ldlt().solve(rhs);
      for (int a = 0; a < f; ++a) z[free[a]] = v[free[a]] + dz[a];
    }
    bool feasible = true;
    for (int i = 0; i < d; ++i) feasible = feasible && z[i] >= lo[i] - 1e-12 && z[i] <= hi[i] + 1e-12;
    const double obj = (z - v).dot(h * (z - v));
    if (feasible && obj < best) best = obj, arg = z;
  }
  return arg;
}

TEST(Prox, BoxMatchesTheEnumeratedQuadraticProgram) {
  std::mt19937 gen(41);
  std::normal_distribution<double> nd;
  for (int d : {1, 2, 3, 5})
    for (int rep = 0; rep < 20; ++rep) {
      const Eigen::MatrixXd h = random_spd(d, gen);
      Eigen::VectorXd v(d), lo(d), hi(d);
      for (int i = 0; i < d; ++i) {
        v[i] = 2 * nd(gen);
        lo[i] = nd(gen) - 0.5;
        hi[i] = lo[i] + std::abs(nd(gen)) + 0.1;
      }
      const Eigen::VectorXd ours = dmt::prox_box(v, h, lo, hi), ref = box_qp_by_enumeration(v, h, lo, hi);
      EXPECT_LT((ours - ref).cwiseAbs().maxCoeff(), 1e-9) << "d " << d << " rep " << rep;
    }
}

// z minimises lambda |z|_1 + (z - v)^T H (z - v) / (2 gamma) iff for every i, with
// r = H (z - v) / gamma: r_i = -lambda sign(z_i) where z_i != 0 and |r_i| <= lambda where z_i = 0.
TEST(Prox, L1SatisfiesTheOptimalityConditions) {
  std::mt19937 gen(43);
  std::normal_distribution<double> nd;
  int zeros = 0;
  for (int d : {1, 2, 4, 8})
    for (int rep = 0; rep < 20; ++rep) {
      const Eigen::MatrixXd h = random_spd(d, gen);
      Eigen::VectorXd v(d);
      for (int i = 0; i < d; ++i) v[i] = nd(gen);
      const double gamma = 0.3 + std::abs(nd(gen)), weight = 1.5 * std::abs(nd(gen));
      const Eigen::VectorXd z = dmt::prox_l1(v, h, gamma, weight);
      const Eigen::VectorXd r = h * (z - v) / gamma;
      for (int i = 0; i < d; ++i) {
        if (z[i] != 0.0) {
          EXPECT_NEAR(r[i], -weight * (z[i] > 0 ? 1 : -1), 1e-9 * (1 + weight)) << "d " << d << " rep " << rep;
        } else {
          EXPECT_LE(std::abs(r[i]), weight + 1e-9) << "d " << d << " rep " << rep;
          ++zeros;
        }
      }
    }
  EXPECT_GT(zeros, 20);  // the thresholding branch was exercised
}

// The default box_gaussian (dim 2, mean (1, 1), covariance [[1, 0.7], [0.7, 1]], box [0, 1.5]^2):
// log Z and the mean by the midpoint rule on a 1500 x 1500 grid of the box (relative error of
// order h^2 = 1e-6), against the target's own log Z (Simpson on the conditional probability).
TEST(BoxGaussian, LogNormaliserAndDensityMatchQuadrature) {
  const auto t = dmt::make_target("box_gaussian", {});
  const int m = 1500;
  const double h = 1.5 / m;
  Eigen::Matrix2d cov;
  cov << 1, 0.7, 0.7, 1;
  const Eigen::Matrix2d prec = cov.inverse();
  const double norm = 1.0 / (2 * M_PI * std::sqrt(cov.determinant()));
  double z = 0.0;
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < m; ++k) {
      const Eigen::Vector2d r((i + 0.5) * h - 1.0, (k + 0.5) * h - 1.0);
      z += norm * std::exp(-0.5 * r.dot(prec * r)) * h * h;
    }
  ASSERT_TRUE(t->log_normaliser().has_value());
  EXPECT_NEAR(*t->log_normaliser(), std::log(z), 2e-6);
  // the density: the Gaussian inside, -inf outside, in float and double
  const double in[2] = {0.4, 1.2}, out[2] = {0.4, 1.6};
  double g[2];
  const Eigen::Vector2d r(in[0] - 1, in[1] - 1);
  EXPECT_NEAR(t->evaluate_double(in, g), std::log(norm) - 0.5 * r.dot(prec * r), 1e-6);
  EXPECT_EQ(t->evaluate_double(out, g), -INFINITY);
  float xf[2] = {-0.01f, 0.5f}, lf, gf[2];
  t->evaluate(xf, 1, &lf, gf);
  EXPECT_EQ(lf, -INFINITY);
  // gradient inside by central differences
  t->evaluate_double(in, g);
  const double eps = 1e-6;
  for (int j = 0; j < 2; ++j) {
    double xp[2] = {in[0], in[1]}, xm[2] = {in[0], in[1]}, gd[2];
    xp[j] += eps;
    xm[j] -= eps;
    const double fd = (t->evaluate_double(xp, gd) - t->evaluate_double(xm, gd)) / (2 * eps);
    EXPECT_NEAR(g[j], fd, 1e-6);
  }
  // composite view: -f - g = log R
  const auto* c = dynamic_cast<const dmt::composite_target*>(t.get());
  ASSERT_NE(c, nullptr);
  const Eigen::Vector2d xin(in[0], in[1]);
  EXPECT_NEAR(-c->smooth_part(xin, nullptr) - c->nonsmooth_part(xin), t->evaluate_double(in, g), 1e-6);
  EXPECT_TRUE(std::isinf(c->nonsmooth_part(Eigen::Vector2d(out[0], out[1]))));
}

// Three independent coordinates: log Z is a product of normal probabilities; reference: the
// midpoint rule in each coordinate separately (4000 points).
TEST(BoxGaussian, DiagonalLogNormaliser) {
  const std::vector<double> mean = {0.5, -1, 2}, var = {1, 0.25, 4}, lo = {-1, -1.5, 0}, hi = {0.5, 3, 1};
  const auto t = dmt::make_target(
      "box_gaussian",
      dmt::params().set("dim", 3.0).set("mean", mean).set("covariance", var).set("lower", lo).set("upper", hi));
  double lz = 0.0;
  for (int i = 0; i < 3; ++i) {
    const int m = 4000;
    const double h = (hi[i] - lo[i]) / m;
    double p = 0.0;
    for (int k = 0; k < m; ++k) {
      const double x = lo[i] + (k + 0.5) * h;
      p += std::exp(-0.5 * (x - mean[i]) * (x - mean[i]) / var[i]) / std::sqrt(2 * M_PI * var[i]) * h;
    }
    lz += std::log(p);
  }
  ASSERT_TRUE(t->log_normaliser().has_value());
  EXPECT_NEAR(*t->log_normaliser(), lz, 1e-6);
  EXPECT_FALSE(dmt::make_target("box_gaussian", dmt::params().set("dim", 3.0))->log_normaliser().has_value());
}

// The lasso density from its definition: log N(y; X b, noise^2 I) + sum_j log(lambda/2 e^{-lambda |b_j|}),
// with the data regenerated by lasso_data; its gradient by central differences (away from b_j = 0).
TEST(LassoRegression, DensityFromItsDefinitionAndGradient) {
  const int dim = 4, rows = 30;
  const double noise = 0.7, lambda = 1.3;
  const auto t = dmt::make_target("lasso_regression", dmt::params()
                                                          .set("dim", double(dim))
                                                          .set("rows", double(rows))
                                                          .set("noise", noise)
                                                          .set("lambda", lambda)
                                                          .set("seed", 5.0));
  const auto data = dmt::lasso_data(5, rows, dim, noise);
  EXPECT_EQ(data.truth[0], 2.0);
  EXPECT_EQ(data.truth[3], 0.0);
  const double b[dim] = {1.8, -1.2, 0.7, 0.15};
  double ref = 0.0;
  for (int i = 0; i < rows; ++i) {
    double pred = 0.0;
    for (int j = 0; j < dim; ++j) pred += data.x[i * dim + j] * b[j];
    const double r = data.y[i] - pred;
    ref += -0.5 * r * r / (noise * noise) - 0.5 * std::log(2 * M_PI * noise * noise);
  }
  for (double bj : b) ref += std::log(lambda / 2) - lambda * std::abs(bj);
  double g[dim];
  EXPECT_NEAR(t->evaluate_double(b, g), ref, 1e-4 * std::abs(ref));  // float32-stored Gram matrix
  for (int j = 0; j < dim; ++j) {
    double bp[dim], bm[dim], gd[dim];
    std::copy(b, b + dim, bp);
    std::copy(b, b + dim, bm);
    bp[j] += 1e-5;
    bm[j] -= 1e-5;
    const double fd = (t->evaluate_double(bp, gd) - t->evaluate_double(bm, gd)) / 2e-5;
    EXPECT_NEAR(g[j], fd, 1e-4 * (1 + std::abs(fd))) << "coordinate " << j;
  }
  const auto* c = dynamic_cast<const dmt::composite_target*>(t.get());
  ASSERT_NE(c, nullptr);
  const Eigen::Map<const Eigen::VectorXd> bv(b, dim);
  EXPECT_NEAR(-c->smooth_part(bv, nullptr) - c->nonsmooth_part(bv), ref, 1e-9 * std::abs(ref));
  EXPECT_NEAR(c->nonsmooth_part(bv), lambda * bv.lpNorm<1>(), 1e-12);
}

}  // namespace
