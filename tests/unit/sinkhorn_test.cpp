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
    EXPECT_LT(pruned.evaluated, 0.8);  // about 0.73: the first iteration has no hint, some clusters straddle
    EXPECT_LT((pruned.f - full.f).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LT((pruned.g - full.g).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_NEAR(pruned.cost, full.cost, 1e-12);
  }
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
