// Point-cloud log-domain Sinkhorn: against the Gaussian closed form (a fine 1-D grid with Gaussian
// weights is a Nystrom discretisation of the continuous problem, spectrally accurate), the
// dense and online paths and float32 against float64, thread-count independence, the marginal
// constraints, the barycentric map, the divergence, and sample-based convergence in N.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "dmt/native/thread_pool.hpp"
#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "dmt/params.hpp"
#include "test_support.hpp"

namespace {

// n grid points on [m - w sd, m + w sd] with normalised N(m, sd^2) weights.
dmt::weighted_cloud gaussian_grid(double m, double sd, int n, double w = 9.0) {
  dmt::weighted_cloud c;
  c.points.resize(n, 1);
  c.weights.resize(n);
  for (int i = 0; i < n; ++i) {
    const double x = m - w * sd + 2.0 * w * sd * i / (n - 1);
    c.points(i, 0) = x;
    c.weights(i) = std::exp(-0.5 * (x - m) * (x - m) / (sd * sd));
  }
  c.weights /= c.weights.sum();
  return c;
}

dmt::gaussian gauss1(double m, double var) {
  dmt::gaussian g;
  g.mean = Eigen::VectorXd::Constant(1, m);
  g.cov = Eigen::MatrixXd::Constant(1, 1, var);
  return g;
}

dmt::weighted_cloud random_cloud(int n, int d, double shift, std::mt19937& gen, bool weighted) {
  std::normal_distribution<double> nd;
  dmt::weighted_cloud c;
  c.points.resize(n, d);
  for (int i = 0; i < n; ++i)
    for (int k = 0; k < d; ++k) c.points(i, k) = nd(gen) + shift * (k + 1);
  if (weighted) {
    std::uniform_real_distribution<double> u(0.2, 1.0);
    c.weights.resize(n);
    for (int i = 0; i < n; ++i) c.weights(i) = u(gen);
    c.weights /= c.weights.sum();
  }
  return c;
}

// 1200 grid points per side, reg = 2 s^2: cost and cross-covariance match OT_s and C (ALGORITHMS.md 6).
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

// The observed contraction against the spectrum of the linearised Sinkhorn map. Near the fixed
// point a perturbation of the potential goes through E[E[. | Y] | X] under the optimal plan; for a
// Gaussian plan with correlation rho this maps the Hermite polynomial H_k to rho^(2k) H_k. The
// Kalman-Riccati recursion starts with exact means, so only the quadratic mode (k = 2) is left
// and it contracts like rho^4; the point cloud also carries the linear mode (its discretised
// means are not exactly transported) and contracts like rho^2. rho comes from the closed form.
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

// The same problem through the stored cost matrix and on the fly, serially and on threads,
// in float64 and float32; the plan's marginals.
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

// Other costs: euclidean and l1 against a dense reference computed here by the textbook
// (non-log) Sinkhorn-Knopp iteration on the explicit kernel.
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

// eps-scaling reaches the same solution in fewer iterations at small eps.
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

// Debiased divergence: zero for identical clouds, positive otherwise, and on fine grids the
// closed-form Gaussian Sinkhorn divergence.
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

// The entropic map at new points, from g alone, is the closed-form affine map on a fine grid.
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

// Sample-based entropic OT between N(0, I) and N(m, B) in d = 2 approaches OT_s as N grows.
// The plug-in estimator's error is O(N^-1/2) (Genevay et al. 2019; Mena and Niles-Weed 2019):
// the root-mean-square error over 24 seeds should fall by about 4 from N = 64 to 1024. 24 seeds
// give each RMSE to about 14 % (chi distribution), the slope over a factor 16 in N to about
// 0.07, so the accepted band [-0.8, -0.2] is 4 standard errors either side of -0.5.
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

// Values recorded from POT 0.8.2 by tests/reference/pot_sinkhorn.py (inputs in the same file).
nlohmann::json pot_reference() {
  std::ifstream in(std::string(DMT_SOURCE_DIR) + "/tests/reference/pot_sinkhorn.json");
  return nlohmann::json::parse(in);
}

Eigen::MatrixXd to_matrix(const nlohmann::json& j) {
  Eigen::MatrixXd m(j.size(), j[0].size());
  for (std::size_t i = 0; i < j.size(); ++i)
    for (std::size_t k = 0; k < j[i].size(); ++k) m(i, k) = j[i][k].get<double>();
  return m;
}

Eigen::VectorXd to_vector(const nlohmann::json& j) {
  Eigen::VectorXd v(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) v(i) = j[i].get<double>();
  return v;
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
    }
  }
}

// POT's empirical_sinkhorn_divergence uses the linear costs <P, M> of the three plans.
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

// ot.da.OT_mapping_linear (the Monge map between fitted Gaussians) and scipy's Bures W2^2 against
// the s = 0 closed form.
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
