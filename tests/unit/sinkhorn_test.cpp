// Point-cloud Sinkhorn, the fast checks (also run under AddressSanitizer): other costs against
// plain Sinkhorn-Knopp, POT 0.8.2's recorded plans and costs in float64 and float32, the linear
// Monge map, and every input error. The accuracy and statistical tests are in
// tests/heavy/sinkhorn_accuracy_test.cpp.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <random>

#include "dmt/native/thread_pool.hpp"
#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "dmt/params.hpp"
#include "ot_fixtures.hpp"
#include "../../core/src/ot/gibbs_kernel.hpp"
#include "test_support.hpp"

namespace {

using namespace dmt_test;

TEST(Sinkhorn, OtherCostsMatchPlainSinkhornKnopp) {
  std::mt19937 gen(dmt_test::test_seed(12));
  const auto x = random_cloud(40, 2, 0.0, gen, true), y = random_cloud(33, 2, 0.5, gen, true);
  for (const char* name : {"euclidean", "l1", "lp:1.5"}) {
    dmt::sinkhorn_options o;
    o.reg = 0.4;
    o.tolerance = 1e-13;
    o.cost = dmt::parse_ground_cost(name);
    o.storage = dmt::sinkhorn_storage::online;
    const auto r = dmt::sinkhorn(x, y, o);
    Eigen::MatrixXd K(40, 33);
    for (int i = 0; i < 40; ++i)
      for (int j = 0; j < 33; ++j) {
        Eigen::VectorXd u = x.points.row(i).transpose(), v = y.points.row(j).transpose();
        double c = 0;
        if (std::string(name) == "euclidean") c = (u - v).norm();
        if (std::string(name) == "l1") c = (u - v).cwiseAbs().sum();
        if (std::string(name) == "lp:1.5") c = (u - v).cwiseAbs().array().pow(1.5).sum();
        K(i, j) = std::exp(-c / o.reg);
      }
    Eigen::VectorXd a = x.weights, b = y.weights, u = Eigen::VectorXd::Ones(40), v = Eigen::VectorXd::Ones(33);
    for (int it = 0; it < 5000; ++it) {
      u = a.cwiseQuotient(K * v);
      v = b.cwiseQuotient(K.transpose() * u);
    }
    const Eigen::MatrixXd Pref = u.asDiagonal() * K * v.asDiagonal();
    const auto P = dmt::sinkhorn_plan(x, y, r, o);
    EXPECT_LT((P - Pref).cwiseAbs().maxCoeff(), 1e-12) << name;
    o.storage = dmt::sinkhorn_storage::dense;
    EXPECT_LT((dmt::sinkhorn_plan(x, y, dmt::sinkhorn(x, y, o), o) - Pref).cwiseAbs().maxCoeff(), 1e-12) << name;
  }
}

// The block-sparse pruning on a small problem (its memory-safety runs under the sanitizers; the
// accuracy test on larger clouds is tests/heavy/sinkhorn_accuracy_test.cpp): the dense and the
// online paths, pruned and not, agree to rounding, and pairs were skipped.
TEST(Sinkhorn, PruningSmallProblem) {
  std::mt19937 gen(dmt_test::test_seed(17));
  auto x = random_cloud(150, 2, 0.0, gen, true), y = random_cloud(97, 2, 0.3, gen, false);
  // two blobs each, far apart: the pairs across them are negligible
  for (int i = 0; i < 150; i += 2) x.points(i, 0) += 8.0;
  for (int j = 0; j < 97; j += 2) y.points(j, 0) += 8.0;
  for (const auto storage : {dmt::sinkhorn_storage::online, dmt::sinkhorn_storage::dense}) {
    dmt::sinkhorn_options o;
    o.reg = 0.003;
    o.max_iterations = 40;
    o.tolerance = 0.0;
    o.storage = storage;
    o.prune = false;
    const auto full = dmt::sinkhorn(x, y, o);
    o.prune = true;
    const auto pruned = dmt::sinkhorn(x, y, o);
    std::printf("evaluated %.3f of the pairs\n", pruned.evaluated);
    // online: about 0.72 (the first iteration has no hint, some clusters straddle); the stored
    // kernel runs one log-domain iteration (no hint, all pairs) and then needs no exp
    if (storage == dmt::sinkhorn_storage::online) EXPECT_LT(pruned.evaluated, 0.8);
    EXPECT_LT((pruned.f - full.f).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((pruned.g - full.g).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_NEAR(pruned.cost, full.cost, 1e-12);
  }
}

// The stored Gibbs kernel (small problems) runs the same iterations as the log domain: after k
// iterations (converged or not; absorptions on the way at small eps) the potentials and the
// marginal errors agree to float64 rounding, the result does not depend on the thread count,
// and in float32 it is closer to the float64 solution than the float32 log-domain path.
TEST(Sinkhorn, StoredKernelFollowsTheLogDomainIterates) {
  std::mt19937 gen(dmt_test::test_seed(18));
  auto x = random_cloud(130, 2, 0.0, gen, true), y = random_cloud(77, 2, 3.0, gen, false);
  for (const double reg : {0.5, 0.01}) {
    for (const int iterations : {2, 3, 12, 60}) {
      dmt::sinkhorn_options o;
      o.reg = reg;
      o.tolerance = 0.0;
      o.max_iterations = iterations;
      o.storage = dmt::sinkhorn_storage::online;
      const auto log_domain = dmt::sinkhorn(x, y, o);
      o.storage = dmt::sinkhorn_storage::dense;
      const auto kernel = dmt::sinkhorn(x, y, o);
      ASSERT_TRUE(kernel.dense);
      EXPECT_FALSE(log_domain.dense);
      EXPECT_EQ(kernel.iterations, iterations);
      EXPECT_EQ(kernel.kernel_iterations, iterations - 1);  // the first one runs in the log domain
      const double scale = 1.0 + log_domain.f.cwiseAbs().maxCoeff();
      EXPECT_LT((kernel.f - log_domain.f).cwiseAbs().maxCoeff(), 1e-12 * scale) << reg << " " << iterations;
      EXPECT_LT((kernel.g - log_domain.g).cwiseAbs().maxCoeff(), 1e-12 * scale) << reg << " " << iterations;
      ASSERT_EQ(kernel.errors.size(), log_domain.errors.size());
      for (std::size_t k = 0; k < kernel.errors.size(); ++k)
        EXPECT_NEAR(kernel.errors[k], log_domain.errors[k], 1e-10 * (1.0 + log_domain.errors[k]));
      EXPECT_NEAR(kernel.cost, log_domain.cost, 1e-11 * (1.0 + std::abs(log_domain.cost)));
      std::printf("reg %.2f, %2d iterations: kernel filled %d times, marginal error %.3e\n", reg, iterations,
                  kernel.kernel_builds, kernel.marginal_error);
      if (reg == 0.01 && iterations == 60) EXPECT_GE(kernel.kernel_builds, 2);  // absorptions happened
      // threads: the same bits
      dmt::thread_pool pool(2);
      o.exec = &pool;
      const auto threaded = dmt::sinkhorn(x, y, o);
      EXPECT_TRUE(threaded.f == kernel.f && threaded.g == kernel.g) << "results must not depend on the thread count";
      // float32: the kernel is filled from float64 exponents
      o.exec = nullptr;
      o.precision = dmt::sinkhorn_precision::float32;
      const double dense32 = (dmt::sinkhorn(x, y, o).f - log_domain.f).cwiseAbs().maxCoeff();
      o.storage = dmt::sinkhorn_storage::online;
      const double online32 = (dmt::sinkhorn(x, y, o).f - log_domain.f).cwiseAbs().maxCoeff();
      EXPECT_LT(dense32, 2e-5 * scale);
      if (iterations >= 12) EXPECT_LT(dense32, online32);
    }
  }
}

// A pass whose row or column sums fall where the stored kernel cannot represent them is refused
// (false, scalings unchanged): the solver then runs that iteration in the log domain.
TEST(Sinkhorn, StoredKernelRefusesSumsItCannotHold) {
  dmt::detail::gibbs_kernel<float> k;
  k.n = 3;
  k.m = 2;
  k.ld = 16;
  k.k.reset(new float[3 * 16]());
  k.k_size = 3 * 16;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) k.k[std::size_t(i) * 16 + std::size_t(j)] = 0.5f;
  k.u.assign(3, 1.0);
  k.v.assign(2, 1.0);
  const double a[3] = {0.2, 0.3, 0.5}, b[2] = {0.4, 0.6};
  double err = 0.0;
  ASSERT_TRUE(k.iterate(a, b, dmt::serial_executor(), err));
  EXPECT_NEAR(err, 0.2 * 0.5 + 0.3 * 0.5 + 0.5 * 0.5, 1e-7);  // every row sum 0.5, u = 1
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(k.u[std::size_t(i)], 2.0, 1e-6);
  const auto u = k.u, v = k.v;
  for (int j = 0; j < 2; ++j) k.k[16 + std::size_t(j)] = 1e-30f;  // row 1: a sum near the float floor
  EXPECT_FALSE(k.iterate(a, b, dmt::serial_executor(), err));
  EXPECT_TRUE(k.u == u && k.v == v);
  for (int j = 0; j < 2; ++j) k.k[16 + std::size_t(j)] = 0.5f;
  for (int i = 0; i < 3; ++i) k.k[std::size_t(i) * 16] = 0.0f;  // column 0 empty
  EXPECT_FALSE(k.iterate(a, b, dmt::serial_executor(), err));
  EXPECT_TRUE(k.u == u && k.v == v);
}

TEST(Sinkhorn, RefusesBadInput) {
  dmt::weighted_cloud x, y, e;
  x.points = Eigen::MatrixXd::Zero(3, 2);
  y.points = Eigen::MatrixXd::Ones(4, 2);
  dmt::sinkhorn_options o;
  const auto message = [&](const dmt::weighted_cloud& a, const dmt::weighted_cloud& b, const dmt::sinkhorn_options& op) {
    try {
      dmt::sinkhorn(a, b, op);
    } catch (const dmt::input_error& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(e, y, o), "the first cloud is empty");
  auto nan = x;
  nan.points(1, 1) = std::nan("");
  EXPECT_EQ(message(nan, y, o), "the first cloud: point 1 has a non-finite coordinate");
  auto w = y;
  w.weights = Eigen::VectorXd::Constant(4, 0.3);
  EXPECT_NE(message(x, w, o).find("the weights sum to 1.2"), std::string::npos);
  w.weights = Eigen::VectorXd::Constant(3, 1.0 / 3);
  EXPECT_EQ(message(x, w, o), "the second cloud: 3 weights for 4 points");
  w.weights = Eigen::Vector4d(0.5, 0.6, -0.1, 0.0);
  EXPECT_EQ(message(x, w, o), "the second cloud: weight 2 is negative or not finite");
  auto d3 = y;
  d3.points = Eigen::MatrixXd::Ones(4, 3);
  EXPECT_EQ(message(x, d3, o), "the clouds have different dimensions (2 and 3)");
  o.reg = 0.0;
  EXPECT_EQ(message(x, y, o), "reg must be positive and finite");
  EXPECT_THROW(dmt::parse_ground_cost("cosine"), dmt::input_error);
  EXPECT_THROW(dmt::parse_ground_cost("lp:0.5"), dmt::input_error);
}


TEST(SinkhornPot, PlansAndCostsMatchPot) {
  const auto ref = pot_reference();
  for (const auto& c : ref["cases"]) {
    dmt::weighted_cloud x{to_matrix(c["x"]), to_vector(c["a"])}, y{to_matrix(c["y"]), to_vector(c["b"])};
    for (const auto storage : {dmt::sinkhorn_storage::online, dmt::sinkhorn_storage::dense}) {
      dmt::sinkhorn_options o;
      o.reg = c["reg"].get<double>();
      o.tolerance = 1e-14;
      o.max_iterations = 100000;
      o.storage = storage;
      const auto r = dmt::sinkhorn(x, y, o);
      const std::string name = c["name"];
      EXPECT_LT((dmt::sinkhorn_plan(x, y, r, o) - to_matrix(c["plan"])).cwiseAbs().maxCoeff(), 1e-6) << name;
      EXPECT_LT((dmt::sinkhorn_plan(x, y, r, o) - to_matrix(c["plan_sinkhorn_knopp"])).cwiseAbs().maxCoeff(), 1e-6)
          << name;
      EXPECT_NEAR(r.transport, c["linear_cost"].get<double>(), 1e-6) << name;
      EXPECT_NEAR(r.transport, c["sinkhorn2"].get<double>(), 1e-6) << name;
      EXPECT_NEAR(r.cost, c["entropic_cost"].get<double>(), 1e-6) << name;
      o.cost = dmt::parse_ground_cost("l1");
      const auto r1 = dmt::sinkhorn(x, y, o);
      EXPECT_LT((dmt::sinkhorn_plan(x, y, r1, o) - to_matrix(c["plan_l1"])).cwiseAbs().maxCoeff(), 1e-6) << name;
      // float32 kernels: the same plan to single-precision accuracy
      o.cost = dmt::ground_cost{};
      o.precision = dmt::sinkhorn_precision::float32;
      o.tolerance = 1e-6;
      const auto r32 = dmt::sinkhorn(x, y, o);
      EXPECT_NEAR(r32.transport, c["linear_cost"].get<double>(), 1e-4 * c["linear_cost"].get<double>()) << name;
    }
  }
}

TEST(SinkhornPot, LinearMongeMapMatchesPot) {
  const auto ref = pot_reference()["linear_map"];
  const Eigen::MatrixXd xs = to_matrix(ref["xs"]), xt = to_matrix(ref["xt"]);
  const auto fit = [](const Eigen::MatrixXd& p) {
    dmt::gaussian g;
    g.mean = p.colwise().mean().transpose();
    const Eigen::MatrixXd c = p.rowwise() - g.mean.transpose();
    g.cov = c.transpose() * c / double(p.rows());
    return g;
  };
  const auto a = fit(xs), b = fit(xt);
  const auto r = dmt::gaussian_entropic_ot(a, b, 0.0);
  EXPECT_LT((r.map_matrix - to_matrix(ref["A"])).cwiseAbs().maxCoeff(), 1e-6);
  const Eigen::VectorXd bias = b.mean - r.map_matrix * a.mean;
  EXPECT_LT((bias - to_matrix(ref["b"]).transpose()).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_NEAR(r.cost, ref["bures_w2_squared"].get<double>(), 1e-6);
}


}  // namespace
