// Gaussian entropic OT: the closed form against the cost evaluated from the plan itself, the
// s -> 0 limit against the Bures-Wasserstein formula, symmetry, and the Gaussian Sinkhorn (IPF /
// Kalman-Riccati) recursion converging to the closed form.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <random>

#include "dmt/ot/gaussian_bridge.hpp"
#include "dmt/ot/gaussian_ot_batch.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/params.hpp"
#include "test_support.hpp"

namespace {

dmt::gaussian random_gaussian(int d, std::mt19937& gen) {
  std::normal_distribution<double> nd;
  Eigen::MatrixXd L(d, d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) L(i, j) = nd(gen) / std::sqrt(double(d));
  dmt::gaussian g;
  g.cov = L * L.transpose() + 0.5 * Eigen::MatrixXd::Identity(d, d);
  g.mean = Eigen::VectorXd(d);
  for (int i = 0; i < d; ++i) g.mean(i) = nd(gen);
  return g;
}

double logdet(const Eigen::MatrixXd& m) {
  Eigen::LLT<Eigen::MatrixXd> llt(m);
  return 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
}

// E|x - y|^2 + 2 s^2 KL(pi || alpha x beta) for the plan N([a; b], [[A, C], [C^T, B]]): the KL of a
// Gaussian plan to the product of its marginals is (ln det A + ln det B - ln det Sigma) / 2.
TEST(GaussianOt, ClosedFormEqualsTheCostOfItsPlan) {
  std::mt19937 gen(4);
  for (int d : {1, 2, 5, 20})
    for (double s : {0.1, 0.5, 1.0, 3.0}) {
      const auto a = random_gaussian(d, gen), b = random_gaussian(d, gen);
      const auto r = dmt::gaussian_entropic_ot(a, b, s);
      Eigen::MatrixXd joint(2 * d, 2 * d);
      joint << a.cov, r.cross, r.cross.transpose(), b.cov;
      const double transport = (a.mean - b.mean).squaredNorm() + a.cov.trace() + b.cov.trace() - 2 * r.cross.trace();
      const double kl = 0.5 * (logdet(a.cov) + logdet(b.cov) - logdet(joint));
      const double from_plan = transport + 2 * s * s * kl;
      EXPECT_NEAR(r.cost, from_plan, 1e-10 * (1 + std::abs(from_plan))) << "d " << d << " s " << s;
      // the conditional covariance is that of the plan
      const Eigen::MatrixXd cond = b.cov - r.cross.transpose() * a.cov.inverse() * r.cross;
      EXPECT_LT((r.conditional - cond).norm(), 1e-10 * (1 + cond.norm()));
    }
}

// Bures-Wasserstein by another route: tr (A^(1/2) B A^(1/2))^(1/2) = tr (B^(1/2) A B^(1/2))^(1/2).
TEST(GaussianOt, SmallRegularisationApproachesBuresWasserstein) {
  std::mt19937 gen(6);
  for (int d : {1, 3, 10}) {
    const auto a = random_gaussian(d, gen), b = random_gaussian(d, gen);
    const Eigen::MatrixXd bh = dmt::spd_sqrt(b.cov);
    const double bures =
        (a.mean - b.mean).squaredNorm() + a.cov.trace() + b.cov.trace() - 2 * dmt::spd_sqrt(bh * a.cov * bh).trace();
    const auto exact = dmt::gaussian_entropic_ot(a, b, 0.0);
    EXPECT_NEAR(exact.cost, bures, 1e-10 * (1 + bures));
    // s = 1e-6: the entropic terms are O(s^2 ln s) ~ 3e-11 d: no cancellation
    const auto tiny = dmt::gaussian_entropic_ot(a, b, 1e-6);
    EXPECT_NEAR(tiny.cost, bures, 1e-9 * (1 + bures));
    EXPECT_LT((tiny.cross - exact.cross).norm(), 1e-9);
    // the Monge map pushes A onto B: T A T = B
    const Eigen::MatrixXd T = exact.map_matrix;
    EXPECT_LT((T * a.cov * T.transpose() - b.cov).norm(), 1e-9 * (1 + b.cov.norm()));
  }
}

TEST(GaussianOt, SymmetryAndSinkhornDivergence) {
  std::mt19937 gen(8);
  const auto a = random_gaussian(4, gen), b = random_gaussian(4, gen);
  const auto ab = dmt::gaussian_entropic_ot(a, b, 0.7), ba = dmt::gaussian_entropic_ot(b, a, 0.7);
  EXPECT_NEAR(ab.cost, ba.cost, 1e-10);
  EXPECT_LT((ab.cross - ba.cross.transpose()).norm(), 1e-10);
  EXPECT_NEAR(dmt::gaussian_sinkhorn_divergence(a, a, 0.7), 0.0, 1e-10);
  EXPECT_GT(dmt::gaussian_sinkhorn_divergence(a, b, 0.7), 0.0);
}

TEST(GaussianOt, BadInputIsRefused) {
  dmt::gaussian a{Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)};
  dmt::gaussian b{Eigen::VectorXd::Zero(2), -Eigen::MatrixXd::Identity(2, 2)};
  auto msg = [](auto f) {
    try {
      f();
    } catch (const dmt::input_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(msg([&] { dmt::gaussian_entropic_ot(a, b, 1.0); }),
            "the second Gaussian: the covariance is not positive definite (smallest eigenvalue -1)");
  EXPECT_EQ(msg([&] { dmt::gaussian_entropic_ot(a, a, -1.0); }),
            "the regularisation s must be finite and non-negative");
  EXPECT_EQ(msg([&] { dmt::gaussian_sinkhorn(a, a, 0.0, 10); }), "Gaussian Sinkhorn needs s > 0");
}

TEST(GaussianSinkhorn, RiccatiRecursionConvergesToTheClosedForm) {
  std::mt19937 gen(10);
  for (int d : {1, 2, 5, 20})
    for (double s : {0.5, 1.0, 2.0}) {
      const auto a = random_gaussian(d, gen), b = random_gaussian(d, gen);
      const auto r = dmt::gaussian_sinkhorn(a, b, s, 5000);
      ASSERT_TRUE(r.converged) << "d " << d << " s " << s;
      EXPECT_LT(r.iterates.back().error, 1e-10) << "d " << d << " s " << s;
      EXPECT_LT(r.iterates.back().y_marginal_error, 1e-10);
      EXPECT_GT(r.contraction, 0.0);
      EXPECT_LT(r.contraction, 1.0);
      std::printf("d %2d s %.1f: %3zu sweeps, ||C_n - C|| = %.1e, contraction %.3f\n", d, s, r.iterates.size(),
                  r.iterates.back().error, r.contraction);
    }
}

}  // namespace

namespace {

// The bridge's marginals solve the moment equations of its own SDE: dm/dt = J m + c and
// dSigma/dt = J Sigma + Sigma J^T + s^2 I (checked by central differences), and its end points are
// the two Gaussians.
TEST(GaussianBridge, MarginalsSolveTheMomentEquationsOfTheDrift) {
  std::mt19937 gen(12);
  for (int d : {1, 3, 6})
    for (double s : {0.3, 1.0}) {
      const auto a = random_gaussian(d, gen), b = random_gaussian(d, gen);
      const dmt::gaussian_bridge br(a, b, s);
      EXPECT_LT((br.marginal(0).cov - a.cov).norm(), 1e-12);
      EXPECT_LT((br.marginal(1).cov - b.cov).norm(), 1e-12);
      EXPECT_LT((br.marginal(1).mean - b.mean).norm(), 1e-12);
      for (double t : {0.05, 0.3, 0.5, 0.9}) {
        const double h = 1e-5;
        const auto mp = br.marginal(t + h), mm = br.marginal(t - h), m0 = br.marginal(t);
        Eigen::MatrixXd J;
        Eigen::VectorXd c;
        br.drift(t, J, c);
        const Eigen::VectorXd dm = (mp.mean - mm.mean) / (2 * h);
        const Eigen::MatrixXd dS = (mp.cov - mm.cov) / (2 * h);
        const Eigen::MatrixXd lyapunov = J * m0.cov + m0.cov * J.transpose() + s * s * Eigen::MatrixXd::Identity(d, d);
        EXPECT_LT((dm - (J * m0.mean + c)).norm(), 1e-7 * (1 + dm.norm())) << "d " << d << " t " << t;
        EXPECT_LT((dS - lyapunov).norm(), 1e-6 * (1 + dS.norm())) << "d " << d << " t " << t;
      }
    }
}

}  // namespace

namespace {

// Sampled bridge paths have the closed-form marginals: at each time, every coordinate's mean is
// within 5.3 standard errors (two-sided p = 1e-7 per check, Bonferroni over 2 x 5 x 3 = 30
// checks: p < 4e-6 overall) and every variance within 5.3 of its standard error sqrt(2/n) sigma^2.
TEST(GaussianBridge, SampledPathsHaveTheClosedFormMarginals) {
  const std::uint64_t seed = dmt_test::test_seed(17);
  std::mt19937 gen(14);
  const auto a = random_gaussian(3, gen), b = random_gaussian(3, gen);
  const dmt::gaussian_bridge br(a, b, 0.6);
  const std::vector<double> times = {0.0, 0.25, 0.5, 0.8, 1.0};
  const std::size_t n = 40000;
  const auto x = br.sample_paths(times, n, seed);
  for (std::size_t k = 0; k < times.size(); ++k) {
    const auto m = br.marginal(times[k]);
    for (int j = 0; j < 3; ++j) {
      double s1 = 0, s2 = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double v = x[(i * times.size() + k) * 3 + j];
        s1 += v;
        s2 += v * v;
      }
      const double mean = s1 / n, var = s2 / n - mean * mean, sigma2 = m.cov(j, j);
      EXPECT_NEAR(mean, m.mean(j), 5.3 * std::sqrt(sigma2 / n)) << "t " << times[k] << " coordinate " << j;
      EXPECT_NEAR(var, sigma2, 5.3 * std::sqrt(2.0 / n) * sigma2) << "t " << times[k] << " coordinate " << j;
    }
  }
  // the end points are coupled by the entropic plan: Cov(X_0, X_1) = C (standard error of a sample
  // covariance of Gaussians: sqrt((A_jj B_jj + C_jj^2) / n); 3 more checks at 5.3 of it)
  for (int j = 0; j < 3; ++j) {
    double m0 = 0, m1 = 0, c01 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      m0 += x[(i * times.size()) * 3 + j] / n;
      m1 += x[(i * times.size() + times.size() - 1) * 3 + j] / n;
    }
    for (std::size_t i = 0; i < n; ++i)
      c01 += (x[(i * times.size()) * 3 + j] - m0) * (x[(i * times.size() + times.size() - 1) * 3 + j] - m1) / n;
    const double c = br.plan().cross(j, j);
    EXPECT_NEAR(c01, c, 5.3 * std::sqrt((a.cov(j, j) * b.cov(j, j) + c * c) / n)) << "coordinate " << j;
  }
}

}  // namespace

// The batched closed form (float64 and float32) against the single-pair function.
TEST(GaussianOtBatch, MatchesTheSinglePairFunction) {
  std::mt19937 gen(21);
  for (int d : {1, 2, 3, 4, 5, 8, 16})
    for (double s : {0.0, 1e-6, 0.3, 2.0}) {
      const std::size_t n = 37;
      std::vector<double> ma(n * d), mb(n * d), ca(n * d * d), cb(n * d * d), cost(n), cross(n * d * d);
      std::vector<dmt::gaussian> ga, gb;
      for (std::size_t p = 0; p < n; ++p) {
        ga.push_back(random_gaussian(d, gen));
        gb.push_back(random_gaussian(d, gen));
        for (int i = 0; i < d; ++i) {
          ma[p * d + i] = ga[p].mean(i);
          mb[p * d + i] = gb[p].mean(i);
          for (int k = 0; k < d; ++k) {
            ca[(p * d + i) * d + k] = ga[p].cov(i, k);
            cb[(p * d + i) * d + k] = gb[p].cov(i, k);
          }
        }
      }
      dmt::gaussian_entropic_ot_batch<double>(n, d, ma.data(), ca.data(), mb.data(), cb.data(), s, cost.data(),
                                              cross.data());
      std::vector<float> fma(ma.begin(), ma.end()), fmb(mb.begin(), mb.end()), fca(ca.begin(), ca.end()),
          fcb(cb.begin(), cb.end()), fcost(n);
      dmt::gaussian_entropic_ot_batch<float>(n, d, fma.data(), fca.data(), fmb.data(), fcb.data(), s, fcost.data(),
                                             nullptr);
      for (std::size_t p = 0; p < n; ++p) {
        const auto r = dmt::gaussian_entropic_ot(ga[p], gb[p], s);
        EXPECT_NEAR(cost[p], r.cost, 1e-9 * (1 + std::abs(r.cost))) << "d " << d << " s " << s;
        EXPECT_NEAR(fcost[p], r.cost, 2e-5 * (1 + std::abs(r.cost))) << "float32, d " << d << " s " << s;
        for (int i = 0; i < d; ++i)
          for (int k = 0; k < d; ++k) EXPECT_NEAR(cross[(p * d + i) * d + k], r.cross(i, k), 1e-9);
      }
    }
}

// Spectra that exercise the eigensolvers' corner cases (cyclic Jacobi for d <= 3, Householder +
// tridiagonal QR above): W = L^T B L with exact zeros off the diagonal (identity and diagonal
// covariances: every lane deflates at once), repeated eigenvalues, block-diagonal matrices (a zero
// in the middle of the tridiagonal form, so a lane's bulge chase starts below the top), eigenvalues
// spread over 8 decades, and lanes of one SIMD group mixing these cases. Reference: the single-pair
// function (Eigen's SelfAdjointEigenSolver).
TEST(GaussianOtBatch, HandlesDegenerateAndClusteredSpectra) {
  std::mt19937 gen(29);
  std::normal_distribution<double> nd;
  for (int d : {3, 4, 7, 8, 16}) {
    std::vector<dmt::gaussian> ga, gb;
    for (int kind = 0; kind < 6; ++kind)
      for (int rep = 0; rep < 3; ++rep) {
        dmt::gaussian a, b;
        a.mean = Eigen::VectorXd::Zero(d);
        b.mean = Eigen::VectorXd::Constant(d, 0.5);
        a.cov = b.cov = Eigen::MatrixXd::Identity(d, d);
        if (kind == 1) {  // diagonal, values repeated in pairs
          for (int i = 0; i < d; ++i) b.cov(i, i) = 1.0 + (i / 2);
        } else if (kind == 2) {  // block diagonal: two random blocks
          const auto r1 = random_gaussian(d / 2, gen), r2 = random_gaussian(d - d / 2, gen);
          b.cov.topLeftCorner(d / 2, d / 2) = r1.cov;
          b.cov.bottomRightCorner(d - d / 2, d - d / 2) = r2.cov;
        } else if (kind == 3) {  // random rotation of a spectrum spread over 8 decades
          Eigen::HouseholderQR<Eigen::MatrixXd> qr(Eigen::MatrixXd::NullaryExpr(d, d, [&] { return nd(gen); }));
          const Eigen::MatrixXd q = qr.householderQ();
          Eigen::VectorXd ev(d);
          for (int i = 0; i < d; ++i) ev(i) = std::pow(10.0, -4.0 + 8.0 * i / std::max(1, d - 1));
          b.cov = q * ev.asDiagonal() * q.transpose();
          b.cov = 0.5 * (b.cov + b.cov.transpose()).eval();
        } else if (kind == 4) {  // B = 3 A: every eigenvalue of W the same
          a = random_gaussian(d, gen);
          b.cov = 3.0 * a.cov;
        } else if (kind == 5) {
          a = random_gaussian(d, gen);
          b = random_gaussian(d, gen);
        }
        ga.push_back(a);
        gb.push_back(b);
      }
    const std::size_t n = ga.size();
    std::vector<double> ma(n * d), mb(n * d), ca(n * d * d), cb(n * d * d), cost(n), cross(n * d * d);
    for (std::size_t p = 0; p < n; ++p)
      for (int i = 0; i < d; ++i) {
        ma[p * d + i] = ga[p].mean(i);
        mb[p * d + i] = gb[p].mean(i);
        for (int k = 0; k < d; ++k) {
          ca[(p * d + i) * d + k] = ga[p].cov(i, k);
          cb[(p * d + i) * d + k] = gb[p].cov(i, k);
        }
      }
    for (double s : {0.0, 0.3}) {
      dmt::gaussian_entropic_ot_batch<double>(n, d, ma.data(), ca.data(), mb.data(), cb.data(), s, cost.data(),
                                              cross.data());
      for (std::size_t p = 0; p < n; ++p) {
        const auto r = dmt::gaussian_entropic_ot(ga[p], gb[p], s);
        const double scale = 1 + r.cross.cwiseAbs().maxCoeff();
        EXPECT_NEAR(cost[p], r.cost, 1e-9 * (1 + std::abs(r.cost))) << "d " << d << " pair " << p << " s " << s;
        for (int i = 0; i < d; ++i)
          for (int k = 0; k < d; ++k)
            EXPECT_NEAR(cross[(p * d + i) * d + k], r.cross(i, k), 1e-8 * scale)
                << "d " << d << " pair " << p << " s " << s << " entry " << i << "," << k;
      }
    }
  }
}

// Mallasto, Gerolin and Minh (2021), Theorem 2, with eps = 2 s^2:
//   OT = |a - b|^2 + tr A + tr B - (eps/2) [tr M - ln det M + d ln 2 - 2d],  M = I + (I + (16/eps^2) A B)^(1/2),
// evaluated through the eigenvalues mu_i of the non-symmetric A B (general eigensolver): tr M =
// d + sum sqrt(1 + 16 mu_i / eps^2), det M = prod (1 + sqrt(1 + 16 mu_i / eps^2)).
TEST(GaussianOt, MallastoFormAgrees) {
  std::mt19937 gen(23);
  for (int d : {1, 2, 5, 20})
    for (double s : {0.1, 0.5, 1.0, 3.0}) {
      const auto a = random_gaussian(d, gen), b = random_gaussian(d, gen);
      const double eps = 2 * s * s;
      Eigen::EigenSolver<Eigen::MatrixXd> es(a.cov * b.cov, false);
      double tr = d, logdet = 0.0;
      for (int i = 0; i < d; ++i) {
        const double mu = es.eigenvalues()(i).real();
        ASSERT_LT(std::abs(es.eigenvalues()(i).imag()), 1e-9 * (1 + mu));
        const double r = std::sqrt(1.0 + 16.0 * mu / (eps * eps));
        tr += r;
        logdet += std::log(1.0 + r);
      }
      const double mallasto = (a.mean - b.mean).squaredNorm() + a.cov.trace() + b.cov.trace() -
                              0.5 * eps * (tr - logdet + d * std::log(2.0) - 2.0 * d);
      const double ours = dmt::gaussian_entropic_ot(a, b, s).cost;
      EXPECT_NEAR(ours, mallasto, 1e-10 * (1 + std::abs(mallasto))) << "d " << d << " s " << s;
    }
}
