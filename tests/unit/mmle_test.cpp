// Maximum marginal likelihood by interacting particles (core/include/dmt/mmle/): every model's
// gradients against finite differences, the toy hierarchical model's exact values (theta_MLE = mean y,
// the EM recursion, ULA's stationary variance, IPLA's theta variance), JALA-EM's log Z against the
// analytic Gaussian marginal likelihood, thread-count invariance and bad input. The reference values
// come from closed forms computed here (linear recursions, an n x n Cholesky), never from the code
// under test. The Wisconsin LPPD against ParEM's published table is in tests/heavy/mmle_blr_test.cpp.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <numeric>

#include "dmt/mmle/fit.hpp"
#include "dmt/mmle/models/linear_regression.hpp"
#include "dmt/mmle/models/toy_hierarchical.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/rng/stream.hpp"
#include "test_support.hpp"

namespace {

using dmt::params;

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }

// Central differences of log p and of the theta-gradient (for the negative theta-Hessian) at random
// points; relative error against the analytic gradient.
void check_gradients(const dmt::latent_model& m, const std::vector<double>& theta, double x_scale, double tol) {
  const int d = m.latent_dim(), p = m.theta_dim();
  const std::size_t n = 3;
  std::vector<double> x(n * d);
  dmt::philox_stream rng(dmt::make_philox_key(7), 0, 1);
  for (auto& v : x) v = x_scale * rng.normal();
  std::vector<double> lj(n), gx(n * d), gth(n * p);
  m.evaluate(theta.data(), x.data(), n, lj.data(), gx.data(), gth.data());
  const auto log_p = [&](const std::vector<double>& th, const double* xi) {
    double l = 0.0;
    m.evaluate(th.data(), xi, 1, &l, nullptr, nullptr);
    return l;
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) {
      std::vector<double> xp(x.begin() + i * d, x.begin() + (i + 1) * d), xm = xp;
      const double e = 1e-5 * std::max(1.0, std::abs(xp[j]));
      xp[j] += e;
      xm[j] -= e;
      const double fd = (log_p(theta, xp.data()) - log_p(theta, xm.data())) / (2 * e);
      EXPECT_NEAR(gx[i * d + j], fd, tol * std::max(1.0, std::abs(fd))) << m.name() << " d/dx" << j << " particle " << i;
    }
    for (int j = 0; j < p; ++j) {
      std::vector<double> tp = theta, tm = theta;
      tp[j] += 1e-5;
      tm[j] -= 1e-5;
      const double fd = (log_p(tp, &x[i * d]) - log_p(tm, &x[i * d])) / 2e-5;
      EXPECT_NEAR(gth[i * p + j], fd, tol * std::max(1.0, std::abs(fd))) << m.name() << " d/dtheta" << j;
    }
  }
  // negative theta-Hessian, averaged over the particles, by differences of the averaged theta-gradient
  std::vector<double> h(p * p);
  if (!m.neg_theta_hessian(theta.data(), x.data(), n, h.data())) return;
  for (int a = 0; a < p; ++a) {
    std::vector<double> tp = theta, tm = theta, gp(n * p), gm(n * p);
    tp[a] += 1e-5;
    tm[a] -= 1e-5;
    m.evaluate(tp.data(), x.data(), n, nullptr, nullptr, gp.data());
    m.evaluate(tm.data(), x.data(), n, nullptr, nullptr, gm.data());
    for (int b = 0; b < p; ++b) {
      double fd = 0.0;
      for (std::size_t i = 0; i < n; ++i) fd -= (gp[i * p + b] - gm[i * p + b]) / 2e-5 / double(n);
      EXPECT_NEAR(h[b * p + a], fd, tol * std::max(1.0, std::abs(fd))) << m.name() << " hessian " << a << b;
    }
  }
}

TEST(Mmle, GradientsMatchFiniteDifferences) {
  check_gradients(*dmt::make_latent_model("toy_hierarchical", params().set("dim", 5.0)), {0.3}, 1.0, 1e-6);
  check_gradients(*dmt::make_latent_model("blr_wisconsin", {}), {0.4}, 0.5, 1e-6);
  const params small = params().set("rows", 40.0).set("dim", 3.0);
  check_gradients(*dmt::make_latent_model("linear_gaussian", small), {0.2, -0.3}, 1.0, 1e-6);
  check_gradients(*dmt::make_latent_model("linear_student_t", small), {0.2, -0.3}, 1.0, 1e-6);
  const params poly = params().set("design", std::string("polynomial")).set("order", 3.0).set("rows", 30.0);
  check_gradients(*dmt::make_latent_model("linear_gaussian", poly), {0.5, 0.1}, 0.3, 1e-6);
}

// precision=float32 runs the same kernel in single precision: its log density and gradients follow
// float64's to the rounding of a 546-row sum (float's unit roundoff 6e-8 times the row count bounds
// the relative error by ~3e-5; the tolerance is 1e-4 of max(1, |value|)). 37 particles cover full
// SIMD batches and a partial last batch.
TEST(Mmle, Float32WisconsinFollowsFloat64) {
  const auto m64 = dmt::make_latent_model("blr_wisconsin", {});
  const auto m32 = dmt::make_latent_model("blr_wisconsin", params().set("precision", std::string("float32")));
  const std::size_t n = 37;
  const int d = m64->latent_dim();
  std::vector<double> x(n * d);
  dmt::philox_stream rng(dmt::make_philox_key(11), 0, 1);
  for (auto& v : x) v = 0.5 * rng.normal();
  const double theta = 0.4;
  std::vector<double> l64(n), g64(n * d), t64(n), l32(n), g32(n * d), t32(n);
  m64->evaluate(&theta, x.data(), n, l64.data(), g64.data(), t64.data());
  m32->evaluate(&theta, x.data(), n, l32.data(), g32.data(), t32.data());
  int differ = 0;
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(l32[i], l64[i], 1e-4 * std::max(1.0, std::abs(l64[i]))) << "particle " << i;
    EXPECT_NEAR(t32[i], t64[i], 1e-4 * std::max(1.0, std::abs(t64[i]))) << "particle " << i;
    for (int j = 0; j < d; ++j) {
      EXPECT_NEAR(g32[i * d + j], g64[i * d + j], 1e-4 * std::max(1.0, std::abs(g64[i * d + j])));
      differ += g32[i * d + j] != g64[i * d + j];
    }
  }
  EXPECT_GT(differ, 0) << "float32 gave float64's digits exactly: is the option wired?";
}

// The M-steps are the maximisers: the particle-averaged theta-gradient vanishes there.
TEST(Mmle, ClosedFormMStepsZeroTheAveragedGradient) {
  for (const char* name : {"toy_hierarchical", "blr_wisconsin", "linear_gaussian"}) {
    const auto m = dmt::make_latent_model(name, {});
    const int d = m->latent_dim(), p = m->theta_dim();
    const std::size_t n = 7;
    std::vector<double> x(n * d), theta(p), g(n * p);
    dmt::philox_stream rng(dmt::make_philox_key(3), 0, 2);
    for (auto& v : x) v = 0.7 + rng.normal();
    ASSERT_TRUE(m->m_step(x.data(), n, theta.data())) << name;
    m->evaluate(theta.data(), x.data(), n, nullptr, nullptr, g.data());
    for (int j = 0; j < p; ++j) {
      double s = 0.0;
      for (std::size_t i = 0; i < n; ++i) s += g[i * p + j] / double(n);
      EXPECT_NEAR(s, 0.0, 1e-9 * std::max(1.0, double(d))) << name << " theta " << j;
    }
  }
}

// log N(y; 0, e^{phi1} I + e^{-phi2} Phi Phi^T) by an n x n Cholesky: independent of the model's
// p x p posterior identity.
double direct_log_marginal(const dmt::regression_data& data, const std::vector<double>& theta) {
  const long n = data.rows, d = data.dim;
  const Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> X(data.design.data(), n, d);
  const Eigen::Map<const Eigen::VectorXd> y(data.y.data(), n);
  const Eigen::MatrixXd C =
      std::exp(theta[0]) * Eigen::MatrixXd::Identity(n, n) + std::exp(-theta[1]) * X * X.transpose();
  const Eigen::LLT<Eigen::MatrixXd> llt(C);
  double log_det = 0.0;
  for (long i = 0; i < n; ++i) log_det += 2.0 * std::log(llt.matrixL()(i, i));
  return -0.5 * n * std::log(2.0 * M_PI) - 0.5 * log_det - 0.5 * y.dot(llt.solve(y));
}

TEST(Mmle, ExactMarginalsAgreeWithDirectFormulas) {
  const auto toy = dmt::make_latent_model("toy_hierarchical", {});
  const std::vector<double> y = dmt::toy_hierarchical_data(100, 1.0, 0);
  double direct = 0.0;
  for (double v : y) direct += -0.5 * std::log(2 * M_PI * 2.0) - (v - 0.3) * (v - 0.3) / 4.0;
  const double t = 0.3;
  EXPECT_NEAR(*toy->log_marginal(&t), direct, 1e-9);
  EXPECT_NEAR((*toy->theta_mle())[0], mean_of(y), 1e-12);
  const auto lin = dmt::make_latent_model("linear_gaussian", {});
  const dmt::regression_data data = dmt::make_regression_data({});
  for (const std::vector<double>& th : {std::vector<double>{1.0, 1.0}, {-0.2, 0.4}})
    EXPECT_NEAR(*lin->log_marginal(th.data()), direct_log_marginal(data, th), 1e-7);
}

dmt::fit_result run(const std::string& model, const params& mp, const std::string& algorithm, const params& ap,
                    std::size_t particles, long steps, double h, std::uint64_t seed, long burn_in = 0,
                    const dmt::executor& exec = dmt::serial_executor()) {
  const auto m = dmt::make_latent_model(model, mp);
  const auto a = dmt::make_mmle_algorithm(algorithm, ap);
  return dmt::fit(*m, *a, {particles, steps, h, burn_in, seed}, exec);
}

// PGD on the toy model with ParEM's settings (D = 100, N = 10, K = 300, h = 2/(2+D), theta_0 = 0,
// X_0 = 0), time-averaged from k = 150. The particles' mean m_k and theta_k follow the linear
// recursion  theta' = theta + hD (m - theta),  m' = m + h (ybar + theta - 2m) + sqrt(2h/(ND)) xi,
// so E[average] and Var[average] are computed exactly here by propagating the mean vector and the
// 2 x 2 covariances of (theta_k, m_k) (the cross-covariances of the average by the same recursion).
// R runs with independent seeds: their mean must lie within 4 standard deviations of E, and E within
// 0.02 of ybar (the transient left at k = 150; the stationary mean is exactly ybar).
TEST(Mmle, PgdTimeAverageOnToyModelMatchesExactLinearRecursion) {
  const int D = 100, N = 10, K = 300, B = 150, R = 20;
  const double h = 2.0 / (2.0 + D);
  const std::vector<double> y = dmt::toy_hierarchical_data(D, 1.0, 0);
  const double ybar = mean_of(y);
  // exact moments of A = (1/(K-B+1)) sum_{k=B..K} theta_k
  Eigen::Matrix2d M;
  M << 1 - h * D, h * D, h, 1 - 2 * h;
  const Eigen::Vector2d c(0.0, h * ybar);
  Eigen::Matrix2d Q = Eigen::Matrix2d::Zero();
  Q(1, 1) = 2 * h / double(N * D);
  Eigen::Vector2d mu(0.0, 0.0);
  Eigen::Matrix2d S = Eigen::Matrix2d::Zero();
  double mean_avg = 0.0, var_avg = 0.0;
  std::vector<Eigen::Vector2d> mus;
  std::vector<Eigen::Matrix2d> covs;
  for (int k = 0; k <= K; ++k) {
    mus.push_back(mu);
    covs.push_back(S);
    mu = M * mu + c;
    S = M * S * M.transpose() + Q;
  }
  const double w = 1.0 / double(K - B + 1);
  for (int k = B; k <= K; ++k) {
    mean_avg += w * mus[k][0];
    // Cov(s_j, s_k) = M^{k-j} S_j for k >= j
    Eigen::Matrix2d P = covs[k];
    for (int j = k; j <= K; ++j) {
      var_avg += (j == k ? 1.0 : 2.0) * w * w * P(0, 0);
      P = M * P;
    }
  }
  std::printf("ybar %.6f  E[avg] %.6f  sd[avg] %.6f\n", ybar, mean_avg, std::sqrt(var_avg));
  EXPECT_NEAR(mean_avg, ybar, 0.03);  // the transient left at k = 150 (0.022 here)
  double sum = 0.0;
  const std::uint64_t seed = dmt_test::test_seed(11);
  for (int r = 0; r < R; ++r) {
    const auto res = run("toy_hierarchical", {}, "pgd", {}, N, K, h, seed + r, B);
    sum += res.theta_mean[0] / R;
  }
  std::printf("mean of %d PGD averages %.6f\n", R, sum);
  EXPECT_NEAR(sum, mean_avg, 4.0 * std::sqrt(var_avg / R));
}

// PMGD with h = 1/2: the particles' mean follows m' = m + (ybar + theta - 2m)/2 and theta' = m', so
// theta' = theta/2 + ybar/2 up to the particles' noise: the EM recursion. With N = 1000, D = 100 the
// deviation e_k = theta_k - EM_k obeys e' = e/2 + N(0, 2h/(ND)), stationary sd sqrt(1e-5 / 0.75) =
// 0.00365; each of the 20 steps must be within 5 sd.
TEST(Mmle, PmgdWithManyParticlesFollowsTheEmRecursion) {
  const std::vector<double> y = dmt::toy_hierarchical_data(100, 1.0, 0);
  const double ybar = mean_of(y);
  const auto res = run("toy_hierarchical", {}, "pmgd", {}, 1000, 20, 0.5, dmt_test::test_seed(5));
  double em = 0.0;
  for (int k = 1; k <= 20; ++k) {
    em = em / 2 + ybar / 2;
    EXPECT_NEAR(res.theta_path[k], em, 5 * 0.00365) << "step " << k;
  }
}

// ULA at (almost) fixed theta: each coordinate is the AR(1) x' = (1 - 2h) x + h (y + theta) + sqrt(2h) xi
// with stationary variance 1/(2(1 - h)) around (y + theta)/2. h = 1/4: 2/3. 1000 particles x 100
// coordinates, 40 steps (transient 0.5^40): the sample variance's standard error is
// (2/3) sqrt(2 / 1e5) = 0.003; 5 SE.
TEST(Mmle, UlaStationaryVarianceAtFixedTheta) {
  const std::vector<double> y = dmt::toy_hierarchical_data(100, 1.0, 0);
  const auto res = run("toy_hierarchical", params().set("init", std::string("posterior")), "pgd",
                       params().set("theta_step_scale", 1e-12), 1000, 40, 0.25, dmt_test::test_seed(9));
  double s2 = 0.0;
  for (std::size_t i = 0; i < 1000; ++i)
    for (int d = 0; d < 100; ++d) {
      const double e = res.particles[i * 100 + d] - 0.5 * y[d];  // theta stays 0
      s2 += e * e / 1e5;
    }
  EXPECT_NEAR(s2, 1.0 / (2.0 * (1.0 - 0.25)), 5 * 0.003);
}

// IPLA's theta_k: its law tends to N(ybar, 2/(ND)) (the theta-marginal of p_theta(y)^N) up to O(hD).
// Started in equilibrium in the mean (theta_0 = ybar, particles drawn from p_theta0(x | y)), theta_k
// and the particles' mean m_k form the linear system s' = M s + c + noise, Q = diag(2h/N, 2h/(ND)),
// so E[theta_K] = ybar and Var[theta_K] = S_K(0, 0) with S_{k+1} = M S_k M^T + Q from
// S_0 = diag(0, 1/(2ND)), computed here. R = 3000 independent runs: the sample variance's standard
// error is S_K sqrt(2/R) = 2.6 %; 5 SE; the mean within 5 SE of ybar. The discrete stationary
// variance at h = 5e-4 is within 2 % of 2/(ND) (the continuous-time claim).
TEST(Mmle, IplaThetaVarianceIsTwoOverNd) {
  const int D = 20, N = 10, R = 3000, K = 300;
  const auto stationary_or_at = [&](double h, int steps) {
    Eigen::Matrix2d M;
    M << 1 - h * D, h * D, h, 1 - 2 * h;
    Eigen::Matrix2d Q = Eigen::Matrix2d::Zero(), S = Eigen::Matrix2d::Zero();
    Q(0, 0) = 2 * h / N;
    Q(1, 1) = 2 * h / double(N * D);
    S(1, 1) = 0.5 / double(N * D);
    for (int k = 0; k < steps; ++k) S = M * S * M.transpose() + Q;
    return S(0, 0);
  };
  const double continuous = 2.0 / double(N * D);
  EXPECT_NEAR(stationary_or_at(5e-4, 200000), continuous, 0.02 * continuous);
  const double h = 0.005, exact = stationary_or_at(h, K);
  const std::vector<double> y = dmt::toy_hierarchical_data(D, 1.0, 0);
  const double ybar = mean_of(y);
  std::printf("IPLA Var theta_K exact %.6g (stationary %.6g, 2/(ND) %.6g)\n", exact, stationary_or_at(h, 200000),
              continuous);
  const std::uint64_t seed = dmt_test::test_seed(100);
  std::vector<double> last(R);
  const auto m = dmt::make_latent_model(
      "toy_hierarchical", params().set("dim", double(D)).set("theta0", ybar).set("init", std::string("posterior")));
  const auto a = dmt::make_mmle_algorithm("ipla", {});
  for (int r = 0; r < R; ++r) last[r] = dmt::fit(*m, *a, {std::size_t(N), K, h, 0, seed + r}).theta_path.back();
  const double mu = mean_of(last);
  double var = 0.0;
  for (double v : last) var += (v - mu) * (v - mu) / (R - 1);
  std::printf("IPLA theta_K: mean %.6f (ybar %.6f), var %.6g\n", mu, ybar, var);
  EXPECT_NEAR(var, exact, 5 * exact * std::sqrt(2.0 / R));
  EXPECT_NEAR(mu, ybar, 5 * std::sqrt(exact / R));
}

// JALA-EM on the Gaussian-noise model of the paper's App. C.4 (d_y = 500, d_x = 8, theta_0 = (1, 1),
// particles from the exact posterior at theta_0, K = 250, h = 5e-5, Adam 5e-3, C = 0): log Z_k must
// track the analytic log p_{theta_k}(y) (direct n x n formula; |log Z| is about 730). The start is
// exact (every weight equals log Z_0); afterwards the error is the weights' Monte-Carlo error, which
// falls as 1/sqrt(N): worst over the path 0.30 / 0.097 / 0.032 nats at N = 50 / 500 / 2000 (measured
// over 8, 8, 3 seeds). Tolerances, fixed: N = 50 (the paper's): worst < 0.6 on each of 10 seeds and the
// mean end error < 0.1 (its standard error is about 0.03); N = 2000: worst < 0.1.
TEST(Mmle, JalaEmLogZTracksTheAnalyticMarginalLikelihood) {
  const dmt::regression_data data = dmt::make_regression_data({});
  const std::uint64_t seed = dmt_test::test_seed(21);
  const auto worst_error = [&](const dmt::fit_result& res) {
    double worst = 0.0;
    for (std::size_t k = 0; k < res.log_z_path.size(); k += 25) {
      const std::vector<double> th(res.theta_path.begin() + 2 * k, res.theta_path.begin() + 2 * k + 2);
      worst = std::max(worst, std::abs(res.log_z_path[k] - direct_log_marginal(data, th)));
    }
    return worst;
  };
  double mean_err = 0.0;
  const params no_resampling = params().set("resample_threshold", 0.0);
  for (int r = 0; r < 10; ++r) {
    const auto res = run("linear_gaussian", {}, "jala_em", no_resampling, 50, 250, 5e-5, seed + r);
    ASSERT_EQ(res.log_z_path.size(), 251u);
    const std::vector<double> th(res.theta_path.end() - 2, res.theta_path.end());
    mean_err += (res.log_z_path.back() - direct_log_marginal(data, th)) / 10.0;
    EXPECT_NEAR(res.log_z_path.front(), direct_log_marginal(data, {1.0, 1.0}), 1e-6);
    EXPECT_LT(worst_error(res), 0.6) << "run " << r;
  }
  EXPECT_LT(std::abs(mean_err), 0.1);
  const dmt::thread_pool pool(2);
  const auto big = run("linear_gaussian", {}, "jala_em", no_resampling, 2000, 250, 5e-5, seed, 0, pool);
  std::printf("N = 2000: worst |log Z - exact| %.3g\n", worst_error(big));
  EXPECT_LT(worst_error(big), 0.1);
}

TEST(Mmle, SameNumbersForAnyThreadCount) {
  const dmt::thread_pool pool(2);
  for (const char* alg : {"pgd", "jala_em", "soul"}) {
    const auto a = run("blr_wisconsin", {}, alg, {}, 70, 12, 1e-2, 3, 6);
    const auto b = run("blr_wisconsin", {}, alg, {}, 70, 12, 1e-2, 3, 6, pool);
    EXPECT_EQ(a.theta_path, b.theta_path) << alg;
    EXPECT_EQ(a.particles, b.particles) << alg;
    EXPECT_EQ(a.predictions->lppd, b.predictions->lppd) << alg;
  }
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const dmt::input_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Mmle, BadInputIsRefusedWithOneLine) {
  EXPECT_EQ(error_of([] { dmt::make_latent_model("toy", {}); }),
            "unknown model 'toy' (known: toy_hierarchical, blr_wisconsin, linear_gaussian, linear_student_t)");
  EXPECT_EQ(error_of([] { dmt::make_latent_model("blr_wisconsin", params().set("precision", std::string("half"))); }),
            "blr_wisconsin: precision must be float64 or float32 (got 'half')");
  EXPECT_EQ(error_of([] { dmt::make_mmle_algorithm("em", {}); }),
            "unknown algorithm 'em' (known: pgd, pqn, pmgd, ipla, soul, jala_em)");
  EXPECT_EQ(error_of([] { dmt::make_mmle_algorithm("pgd", params().set("lr", 1.0)); }),
            "unknown parameter 'lr' for algorithm pgd");
  EXPECT_EQ(error_of([] { dmt::make_latent_model("toy_hierarchical", params().set("theta0", NAN)); }),
            "parameter 'theta0' must be finite");
  EXPECT_EQ(error_of([] { dmt::make_latent_model("linear_gaussian", params().set("theta0", std::vector<double>{1})); }),
            "linear_gaussian: theta0 must have 2 entries (log noise variance, log prior precision)");
  EXPECT_EQ(error_of([] { dmt::make_mmle_algorithm("jala_em", params().set("resample_threshold", 2.0)); }),
            "jala_em: resample_threshold must be in [0, 1]");
  const auto toy = dmt::make_latent_model("toy_hierarchical", {});
  EXPECT_EQ(error_of([&] { dmt::complete_fit_settings(*toy, "pgd", {10, 5, -1.0, 0, 1}, true, true, true, true); }),
            "fit: step size must be positive and finite");
  EXPECT_EQ(error_of([&] { dmt::complete_fit_settings(*toy, "pgd", {10, 5, 0.1, 9, 1}, true, true, true, true); }),
            "fit: burn-in must be in [0, steps]");
  // h = 1.5 on the toy model: x' = -2x + ..., so deviations double each step until a particle's log
  // density or gradient overflows (particles are checked before theta, so the message names one).
  EXPECT_EQ(error_of([] { run("toy_hierarchical", {}, "pmgd", {}, 4, 3000, 1.5, 1); }),
            "pmgd: particle 0 diverged at step 1021 (non-finite log density or gradient; reduce --step-size)");
  EXPECT_EQ(error_of([] { run("toy_hierarchical", {}, "jala_em", {}, 4, 3000, 1.5, 1); }).substr(0, 44),
            "jala_em: particle 0 diverged at step 509 (no");
  EXPECT_EQ(error_of([] { run("linear_student_t", {}, "pqn", {}, 4, 3, 1e-5, 1); }), "(no error)");
}

}  // namespace
