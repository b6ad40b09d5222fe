// Point-cloud log-domain Sinkhorn: against the Gaussian closed form (a fine 1-D grid with Gaussian
// weights is a Nystrom discretisation of the continuous problem, spectrally accurate), the
// dense and online paths and float32 against float64, thread-count independence, the marginal
// constraints, the barycentric map, the divergence, and sample-based convergence in N.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <random>

#include "dmt/native/thread_pool.hpp"
#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "dmt/params.hpp"
#include "../unit/ot_fixtures.hpp"
#include "../unit/test_support.hpp"

namespace {

using namespace dmt_test;

TEST(Sinkhorn, FineGridMatchesTheGaussianClosedForm) {
  for (double s : {0.3, 0.5}) {
    const auto x = gaussian_grid(0.3, 1.0, 1200), y = gaussian_grid(1.1, 1.5, 1200);
    dmt::sinkhorn_options o;
    o.reg = 2.0 * s * s;
    o.tolerance = 1e-12;
    const auto r = dmt::sinkhorn(x, y, o);
    const auto exact = dmt::gaussian_entropic_ot(gauss1(0.3, 1.0), gauss1(1.1, 2.25), s);
    const double cross = dmt::plan_cross_covariance(x, y, r)(0, 0);
    std::printf("s = %.1f: cost %.10f (closed form %.10f), C %.10f (%.10f), %d iterations, contraction %.3f\n", s,
                r.cost, exact.cost, cross, exact.cross(0, 0), r.iterations, r.contraction);
    EXPECT_TRUE(r.converged);
    EXPECT_NEAR(r.cost, exact.cost, 1e-5);
    EXPECT_NEAR(r.dual, exact.cost, 1e-5);
    EXPECT_NEAR(cross, exact.cross(0, 0), 1e-5);
    // the entropic map at the grid points is the closed-form affine map
    for (int i = 300; i < 900; i += 100)
      EXPECT_NEAR(r.barycentric(i, 0), 1.1 + exact.map_matrix(0, 0) * (x.points(i, 0) - 0.3), 1e-5);
  }
}

TEST(Sinkhorn, ContractionRateMatchesTheGaussianSpectrum) {
  const double s = 0.5;
  const auto x = gaussian_grid(0.0, 1.0, 600), y = gaussian_grid(0.5, 0.8, 600);
  dmt::sinkhorn_options o;
  o.reg = 2.0 * s * s;
  o.tolerance = 1e-13;
  const auto r = dmt::sinkhorn(x, y, o);
  const auto ipf = dmt::gaussian_sinkhorn(gauss1(0.0, 1.0), gauss1(0.5, 0.64), s, 200);
  const double rho = dmt::gaussian_entropic_ot(gauss1(0.0, 1.0), gauss1(0.5, 0.64), s).cross(0, 0) / std::sqrt(0.64);
  std::printf("rho %.4f: point-cloud contraction %.4f (rho^2 %.4f), Gaussian recursion %.4f (rho^4 %.4f)\n", rho,
              r.contraction, rho * rho, ipf.contraction, std::pow(rho, 4));
  EXPECT_NEAR(r.contraction, rho * rho, 0.01);
  EXPECT_NEAR(ipf.contraction, std::pow(rho, 4), 0.01);
}

TEST(Sinkhorn, StoragePrecisionAndThreadsAgree) {
  std::mt19937 gen(dmt_test::test_seed(11));
  const auto x = random_cloud(301, 3, 0.0, gen, true), y = random_cloud(257, 3, 0.7, gen, false);
  dmt::sinkhorn_options o;
  o.reg = 0.3;
  o.tolerance = 1e-11;
  o.storage = dmt::sinkhorn_storage::online;
  const auto online = dmt::sinkhorn(x, y, o);
  o.storage = dmt::sinkhorn_storage::dense;
  const auto dense = dmt::sinkhorn(x, y, o);
  EXPECT_TRUE(dense.dense);
  EXPECT_FALSE(online.dense);
  EXPECT_NEAR(online.cost, dense.cost, 1e-12);
  EXPECT_LT((online.f - dense.f).cwiseAbs().maxCoeff(), 1e-11);
  dmt::thread_pool pool(2);
  o.exec = &pool;
  o.storage = dmt::sinkhorn_storage::online;
  const auto threaded = dmt::sinkhorn(x, y, o);
  EXPECT_EQ(threaded.iterations, online.iterations);
  EXPECT_TRUE(threaded.f == online.f) << "results must not depend on the thread count";
  EXPECT_TRUE(threaded.g == online.g);
  o.precision = dmt::sinkhorn_precision::float32;
  o.tolerance = 1e-5;
  const auto single = dmt::sinkhorn(x, y, o);
  std::printf("float64 cost %.10f, float32 cost %.10f (%d iterations)\n", online.cost, single.cost, single.iterations);
  EXPECT_NEAR(single.cost, online.cost, 1e-4 * std::abs(online.cost));
  EXPECT_LT((single.barycentric - online.barycentric).cwiseAbs().maxCoeff(), 1e-3);
  // marginals of the returned plan: columns exact, rows within the stopping tolerance
  const auto P = dmt::sinkhorn_plan(x, y, online, o);
  EXPECT_LT((P.rowwise().sum() - x.weights).cwiseAbs().sum(), 1e-10);
  EXPECT_LT((P.colwise().sum().transpose() - Eigen::VectorXd::Constant(257, 1.0 / 257)).cwiseAbs().sum(), 1e-12);
  // the reported cost is the primal objective of that plan
  double lin = 0.0, kl = 0.0;
  for (int i = 0; i < 301; ++i)
    for (int j = 0; j < 257; ++j) {
      lin += P(i, j) * (x.points.row(i) - y.points.row(j)).squaredNorm();
      kl += P(i, j) * std::log(P(i, j) / (x.weights(i) / 257.0));
    }
  EXPECT_NEAR(online.transport, lin, 1e-10);
  EXPECT_NEAR(online.cost, lin + o.reg * kl, 1e-9);
  EXPECT_NEAR(online.dual, online.cost, 1e-9);
}

// Block-sparse pruning skips cluster pairs whose terms are provably below 2^-56 (float64) or
// 2^-27 (float32) of their rows' sums: with and without it the potentials must agree to
// rounding, for every cost, with eps-scaling (stale hints at each stage change), weights and
// threads; and at small eps it must actually skip most pairs.
TEST(Sinkhorn, PruningMatchesTheFullSums) {
  std::mt19937 gen(dmt_test::test_seed(16));
  const auto x = random_cloud(1200, 3, 0.0, gen, true), y = random_cloud(1000, 3, 0.4, gen, false);
  dmt::thread_pool pool(2);
  struct variant {
    const char* cost;
    double reg;
    bool scaling, f32;
  };
  for (const variant v : {variant{"sqeuclidean", 0.01, false, false}, variant{"sqeuclidean", 0.01, true, false},
                          variant{"euclidean", 0.05, false, false}, variant{"lp:1.5", 0.05, false, false},
                          variant{"sqeuclidean", 0.01, false, true}}) {
    dmt::sinkhorn_options o;
    o.reg = v.reg;
    o.cost = dmt::parse_ground_cost(v.cost);
    o.eps_scaling = v.scaling;
    o.precision = v.f32 ? dmt::sinkhorn_precision::float32 : dmt::sinkhorn_precision::float64;
    o.max_iterations = 100;
    o.tolerance = 0.0;
    o.storage = dmt::sinkhorn_storage::online;
    o.exec = &pool;
    o.prune = false;
    const auto full = dmt::sinkhorn(x, y, o);
    o.prune = true;
    const auto pruned = dmt::sinkhorn(x, y, o);
    o.exec = nullptr;
    const auto serial = dmt::sinkhorn(x, y, o);
    const double df = (pruned.f - full.f).cwiseAbs().maxCoeff(), dg = (pruned.g - full.g).cwiseAbs().maxCoeff();
    std::printf("%-11s reg %.2f%s%s: evaluated %.3f of the pairs, max |df| %.2e, |dg| %.2e, cost %.12f / %.12f\n",
                v.cost, v.reg, v.scaling ? " eps-scaling" : "", v.f32 ? " float32" : "", pruned.evaluated, df, dg,
                pruned.cost, full.cost);
    EXPECT_EQ(full.evaluated, 1.0);
    EXPECT_TRUE(serial.f == pruned.f && serial.g == pruned.g) << "pruning must not depend on the thread count";
    // float64: the sums' grouping differs, so rounding (1e-16 relative per half-step on
    // potentials of size ~10, over 150 iterations of a contraction) and nothing more;
    // float32: its own rounding, 1e-7 relative, amplified the same way
    const double tol = v.f32 ? 2e-4 : 1e-11;
    EXPECT_LT(df, tol) << v.cost;
    EXPECT_LT(dg, tol) << v.cost;
    EXPECT_NEAR(pruned.cost, full.cost, tol * std::abs(full.cost)) << v.cost;
    // here (N = 1000, eps = 0.01, 3-D standard normals) the bound skips about a third of the pairs
    if (std::string(v.cost) == "sqeuclidean" && !v.scaling) EXPECT_LT(pruned.evaluated, 0.8) << "pruning skipped too little";
  }
}

TEST(Sinkhorn, EpsScalingReachesTheSameSolution) {
  std::mt19937 gen(dmt_test::test_seed(13));
  const auto x = random_cloud(400, 2, 0.0, gen, false), y = random_cloud(300, 2, 1.0, gen, false);
  dmt::sinkhorn_options o;
  o.reg = 0.01;
  o.tolerance = 1e-5;
  o.max_iterations = 20000;
  const auto plain = dmt::sinkhorn(x, y, o);
  o.eps_scaling = true;
  const auto scaled = dmt::sinkhorn(x, y, o);
  std::printf("reg 0.01: %d iterations plain, %d with eps-scaling\n", plain.iterations, scaled.iterations);
  EXPECT_TRUE(plain.converged && scaled.converged);
  EXPECT_LT(scaled.iterations, plain.iterations);
  // both stop at marginal error 1e-5; with potentials spanning ~30 the costs then agree to ~3e-4
  EXPECT_NEAR(plain.cost, scaled.cost, 1e-3);
}

TEST(Sinkhorn, DivergenceMatchesTheGaussianClosedForm) {
  std::mt19937 gen(dmt_test::test_seed(14));
  const auto x = random_cloud(200, 2, 0.0, gen, true);
  dmt::sinkhorn_options o;
  o.reg = 0.5;
  o.tolerance = 1e-12;
  EXPECT_NEAR(dmt::sinkhorn_divergence(x, x, o).value, 0.0, 1e-10);
  const double s = 0.5;
  o.reg = 2 * s * s;
  const auto gx = gaussian_grid(0.0, 1.0, 800), gy = gaussian_grid(1.0, 0.7, 800);
  const auto dv = dmt::sinkhorn_divergence(gx, gy, o);
  const double exact = dmt::gaussian_sinkhorn_divergence(gauss1(0.0, 1.0), gauss1(1.0, 0.49), s);
  std::printf("divergence %.10f, closed form %.10f\n", dv.value, exact);
  EXPECT_TRUE(dv.converged);
  EXPECT_NEAR(dv.value, exact, 1e-6);
  EXPECT_NEAR(dv.xx, dmt::gaussian_entropic_ot(gauss1(0.0, 1.0), gauss1(0.0, 1.0), s).cost, 1e-6);
}

TEST(Sinkhorn, EntropicMapAtNewPoints) {
  const double s = 0.5;
  const auto x = gaussian_grid(0.0, 1.0, 1000), y = gaussian_grid(2.0, 0.5, 1000);
  dmt::sinkhorn_options o;
  o.reg = 2 * s * s;
  o.tolerance = 1e-12;
  const auto r = dmt::sinkhorn(x, y, o);
  Eigen::MatrixXd q(5, 1);
  q << -1.3, -0.2, 0.05, 0.77, 1.9;
  const auto exact = dmt::gaussian_entropic_ot(gauss1(0.0, 1.0), gauss1(2.0, 0.25), s);
  for (const auto prec : {dmt::sinkhorn_precision::float64, dmt::sinkhorn_precision::float32}) {
    o.precision = prec;
    const auto t = dmt::entropic_map(q, y, r.g, o);
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(t(i, 0), 2.0 + exact.map_matrix(0, 0) * q(i, 0), prec == dmt::sinkhorn_precision::float64 ? 1e-8 : 1e-3);
  }
}

TEST(Sinkhorn, SampleBasedConvergesToTheClosedForm) {
  const double s = 0.5;
  dmt::gaussian a, b;
  a.mean = Eigen::VectorXd::Zero(2);
  a.cov = Eigen::MatrixXd::Identity(2, 2);
  b.mean = Eigen::Vector2d(1.0, -0.5);
  b.cov = (Eigen::Matrix2d() << 0.6, 0.2, 0.2, 0.9).finished();
  const double exact = dmt::gaussian_entropic_ot(a, b, s).cost;
  const Eigen::MatrixXd lb = Eigen::LLT<Eigen::MatrixXd>(b.cov).matrixL();
  dmt::sinkhorn_options o;
  o.reg = 2 * s * s;
  o.tolerance = 1e-7;  // far below the sampling error
  dmt::thread_pool pool(2);
  o.exec = &pool;
  const unsigned seed = dmt_test::test_seed(15);
  std::vector<double> ns, rmse;
  const int reps = 24;
  for (int n : {64, 256, 1024}) {
    double se = 0.0;
    for (int rep = 0; rep < reps; ++rep) {
      std::mt19937 gen(seed + 1000 * rep + n);
      std::normal_distribution<double> nd;
      dmt::weighted_cloud x, y;
      x.points.resize(n, 2);
      y.points.resize(n, 2);
      for (int i = 0; i < n; ++i) {
        x.points.row(i) << nd(gen), nd(gen);
        Eigen::Vector2d z(nd(gen), nd(gen));
        y.points.row(i) = (b.mean + lb * z).transpose();
      }
      const double e = dmt::sinkhorn(x, y, o).cost - exact;
      se += e * e;
    }
    ns.push_back(std::log(n));
    rmse.push_back(std::log(std::sqrt(se / reps)));
    std::printf("N = %d: rmse %.5f\n", n, std::sqrt(se / reps));
  }
  const double slope = (rmse[2] - rmse[0]) / (ns[2] - ns[0]);
  std::printf("fitted slope %.3f (theory -0.5)\n", slope);
  EXPECT_GT(slope, -0.8);
  EXPECT_LT(slope, -0.2);
}

TEST(SinkhornPot, EmpiricalDivergenceMatchesPot) {
  const auto ref = pot_reference()["divergence"];
  dmt::weighted_cloud x{to_matrix(ref["x"]), {}}, y{to_matrix(ref["y"]), {}};
  dmt::sinkhorn_options o;
  o.reg = ref["reg"].get<double>();
  o.tolerance = 1e-14;
  o.max_iterations = 100000;
  const double v = dmt::sinkhorn(x, y, o).transport -
                   0.5 * (dmt::sinkhorn(x, x, o).transport + dmt::sinkhorn(y, y, o).transport);
  EXPECT_NEAR(v, ref["value"].get<double>(), 1e-6);
}

}  // namespace
