// Entropic OT between Gaussian mixtures / KDEs: the Gauss-Hermite rule against Gaussian moments,
// the component quadrature against the Gaussian closed form (one component) and against itself
// at a finer rule, the sample-based estimate against the quadrature within Monte-Carlo error,
// and the reported exponential contraction.
#include <gtest/gtest.h>

#include <cmath>

#include "dmt/native/thread_pool.hpp"
#include "dmt/ot/mixture_sinkhorn.hpp"
#include "dmt/params.hpp"
#include "../unit/test_support.hpp"

namespace {

TEST(GaussHermite, IntegratesGaussianMomentsExactly) {
  std::vector<double> z, w;
  dmt::gauss_hermite(10, z, w);  // exact for polynomials of degree <= 19
  double m0 = 0, m2 = 0, m4 = 0, m8 = 0, m3 = 0;
  for (int k = 0; k < 10; ++k) {
    m0 += w[k];
    m2 += w[k] * z[k] * z[k];
    m3 += w[k] * z[k] * z[k] * z[k];
    m4 += w[k] * std::pow(z[k], 4);
    m8 += w[k] * std::pow(z[k], 8);
  }
  EXPECT_NEAR(m0, 1.0, 1e-13);
  EXPECT_NEAR(m2, 1.0, 1e-12);
  EXPECT_NEAR(m3, 0.0, 1e-12);
  EXPECT_NEAR(m4, 3.0, 1e-11);
  EXPECT_NEAR(m8, 105.0, 1e-9);  // 7!!
}

dmt::gaussian_mixture two_bumps(double shift, double spread) {
  dmt::gaussian_mixture m;
  m.weights = {0.3, 0.7};
  m.components.push_back({Eigen::Vector2d(-1.0 + shift, 0.0), spread * Eigen::Matrix2d::Identity()});
  m.components.push_back({Eigen::Vector2d(1.0 + shift, 0.5),
                          (Eigen::Matrix2d() << 0.5, 0.1, 0.1, 0.3).finished() * spread});
  return m;
}

TEST(MixtureSinkhorn, OneComponentQuadratureIsTheClosedForm) {
  const double s = 0.5;
  dmt::gaussian a{Eigen::Vector2d(0.0, 0.3), (Eigen::Matrix2d() << 1.0, 0.3, 0.3, 0.7).finished()};
  dmt::gaussian b{Eigen::Vector2d(1.0, -0.5), (Eigen::Matrix2d() << 0.5, -0.1, -0.1, 0.9).finished()};
  dmt::gaussian_mixture ma{{1.0}, {a}}, mb{{1.0}, {b}};
  dmt::sinkhorn_options o;
  o.reg = 2 * s * s;
  o.tolerance = 1e-12;
  dmt::mixture_ot_settings m;
  m.nodes_per_dim = 24;
  const auto r = dmt::mixture_sinkhorn(ma, mb, m, o);
  const double exact = dmt::gaussian_entropic_ot(a, b, s).cost;
  std::printf("Gauss-Hermite 24^2: %.10f, closed form %.10f, contraction %.3f\n", r.cost, exact, r.contraction);
  EXPECT_NEAR(r.cost, exact, 1e-6);
}

TEST(MixtureSinkhorn, QuadratureConvergesAndSamplesAgree) {
  const auto a = two_bumps(0.0, 0.4), b = two_bumps(0.8, 0.6);
  dmt::sinkhorn_options o;
  o.reg = 0.5;
  o.tolerance = 1e-11;
  dmt::thread_pool pool(2);
  o.exec = &pool;
  dmt::mixture_ot_settings coarse, fine;
  coarse.nodes_per_dim = 24;
  fine.nodes_per_dim = 36;
  const auto rc = dmt::mixture_sinkhorn(a, b, coarse, o), rf = dmt::mixture_sinkhorn(a, b, fine, o);
  std::printf("mixtures: q = 24 %.10f, q = 36 %.10f; contraction %.3f per iteration (%d iterations)\n", rc.cost,
              rf.cost, rf.contraction, rf.iterations);
  // observed: 12 -> 20 nodes per axis moves the cost by 6e-5, 24 -> 36 by 1.3e-6
  EXPECT_NEAR(rc.cost, rf.cost, 5e-6);
  // exponential convergence: a geometric rate well inside (0, 1), and the errors follow it
  EXPECT_GT(rf.contraction, 0.0);
  EXPECT_LT(rf.contraction, 0.95);
  ASSERT_GT(rf.errors.size(), 10u);
  const std::size_t k = rf.errors.size() / 2;
  EXPECT_LT(rf.errors[k + 5], rf.errors[k] * std::pow(rf.contraction, 5) * 1.5);
  // sample-based: 4 seeds of 1500 draws; the mean is within 4 standard errors of the quadrature
  o.tolerance = 1e-8;
  dmt::mixture_ot_settings sm;
  sm.samples = 1500;
  std::vector<double> v;
  const unsigned seed = dmt_test::test_seed(31);
  for (int rep = 0; rep < 4; ++rep) {
    sm.seed = seed + 10 * rep;
    v.push_back(dmt::mixture_sinkhorn(a, b, sm, o).cost);
  }
  double mean = 0, var = 0;
  for (double x : v) mean += x / 4;
  for (double x : v) var += (x - mean) * (x - mean) / 3;
  std::printf("sample-based mean %.5f (sd %.5f), quadrature %.5f\n", mean, std::sqrt(var), rf.cost);
  EXPECT_LT(std::abs(mean - rf.cost), 4 * std::sqrt(var / 4) + 0.01);
}

TEST(MixtureSinkhorn, KernelDensityEstimates) {
  Eigen::MatrixXd p(5, 1), q(4, 1);
  p << -1.0, -0.2, 0.1, 0.8, 1.5;
  q << 0.5, 1.0, 1.2, 2.5;
  const auto ka = dmt::kernel_density(p, 0.3), kb = dmt::kernel_density(q, 0.4);
  dmt::sinkhorn_options o;
  o.reg = 0.2;
  o.tolerance = 1e-12;
  dmt::mixture_ot_settings m;
  m.nodes_per_dim = 40;
  const auto r = dmt::mixture_sinkhorn(ka, kb, m, o);
  m.nodes_per_dim = 60;
  const auto r2 = dmt::mixture_sinkhorn(ka, kb, m, o);
  std::printf("KDE OT %.10f (q = 40) %.10f (q = 60), contraction %.3f\n", r.cost, r2.cost, r.contraction);
  EXPECT_NEAR(r.cost, r2.cost, 1e-7);
  EXPECT_GT(r.contraction, 0.0);
  EXPECT_LT(r.contraction, 1.0);
  EXPECT_THROW(dmt::kernel_density(p, 0.0), dmt::input_error);
  dmt::gaussian_mixture bad = ka;
  bad.weights[0] = 0.5;
  EXPECT_THROW(dmt::mixture_sinkhorn(bad, kb, m, o), dmt::input_error);
}

}  // namespace
