// MultCDiff: the forward processes' conditional moments and the exact reverse step against RK4
// integrations of their moment ODEs written out here (F, G G^T typed in from the formulas, not taken
// from the code), thread independence, the evaluation count and the parameter errors. Its sampling
// runs (a Gaussian target; the comparison with SMC on gmm40) are in tests/heavy/.
#include "dmt/samplers/multcdiff.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dmt/native/thread_pool.hpp"
#include "dmt/targets/registry.hpp"
#include "test_support.hpp"

namespace {

// cld with beta 4, M 0.25 (Gamma 1): F = [[0, beta / M], [-beta, -beta Gamma / M]], G G^T = diag(0, 2 Gamma beta),
// Sigma_0 = diag(0, 0.04 M); ou: F = -1, G G^T = 2, Sigma_0 = 0.
struct written_out {
  Eigen::MatrixXd f, q, s0;
};
written_out process(const std::string& kind) {
  written_out w;
  if (kind == "cld") {
    w.f = Eigen::MatrixXd(2, 2);
    w.f << 0.0, 16.0, -4.0, -16.0;
    w.q = Eigen::MatrixXd::Zero(2, 2);
    w.q(1, 1) = 8.0;
    w.s0 = Eigen::MatrixXd::Zero(2, 2);
    w.s0(1, 1) = 0.01;
  } else {
    w.f = Eigen::MatrixXd::Constant(1, 1, -1.0);
    w.q = Eigen::MatrixXd::Constant(1, 1, 2.0);
    w.s0 = Eigen::MatrixXd::Zero(1, 1);
  }
  return w;
}

// m' = F m, S' = F S + S F^T + Q from (e_1, Sigma_0) to t, classical RK4 with 20000 steps
std::pair<Eigen::VectorXd, Eigen::MatrixXd> moments_by_rk4(const written_out& w, double t) {
  const int k = static_cast<int>(w.f.rows()), n = 20000;
  Eigen::VectorXd m = Eigen::VectorXd::Zero(k);
  m[0] = 1.0;
  Eigen::MatrixXd s = w.s0;
  const double h = t / n;
  const auto ds = [&](const Eigen::MatrixXd& x) -> Eigen::MatrixXd { return w.f * x + x * w.f.transpose() + w.q; };
  for (int i = 0; i < n; ++i) {
    const Eigen::VectorXd a1 = w.f * m, a2 = w.f * (m + 0.5 * h * a1), a3 = w.f * (m + 0.5 * h * a2),
                          a4 = w.f * (m + h * a3);
    m += h / 6 * (a1 + 2 * a2 + 2 * a3 + a4);
    const Eigen::MatrixXd b1 = ds(s), b2 = ds(s + 0.5 * h * b1), b3 = ds(s + 0.5 * h * b2), b4 = ds(s + h * b3);
    s += h / 6 * (b1 + 2 * b2 + 2 * b3 + b4);
  }
  return {m, s};
}

TEST(Multcdiff, ForwardMomentsMatchTheirOdes) {
  for (const std::string kind : {"cld", "ou"}) {
    dmt::linear_forward_process p;
    p.kind = kind;
    const written_out w = process(kind);
    for (const double t : {0.003, 0.05, 0.4, 1.0, 3.0}) {
      const auto [m, s] = moments_by_rk4(w, t);
      const Eigen::VectorXd mc = p.mean_factor(t);
      const Eigen::MatrixXd sc = p.covariance(t);
      std::printf("[ multcdiff ] %s t %.3f: m %.6e / %.6e, Sigma_00 %.6e / %.6e\n", kind.c_str(), t, mc[0], m[0],
                  sc(0, 0), s(0, 0));
      EXPECT_LT((mc - m).norm(), 1e-9 * std::max(1.0, m.norm())) << kind << " t " << t;
      // relative to Sigma_00, which is O(t^3) for cld at small t
      EXPECT_LT((sc - s).norm(), 1e-7 * s(0, 0)) << kind << " t " << t;
    }
  }
}

// The reverse step over h at time t: Phi' = A Phi, psi' = Phi, C' = A C + C A^T + Q from (I, 0, 0)
// over [0, h] by RK4 (4000 steps), with A = -F - Q Sigma^-1, B = Q Sigma^-1 m from the RK4 moments; the
// code's Phi, psi B and L L^T within 1e-8 (relative). Includes t = 0.002, where |A h| is large.
TEST(Multcdiff, ReverseStepSolvesTheFrozenLinearSde) {
  for (const std::string kind : {"cld", "ou"}) {
    dmt::linear_forward_process p;
    p.kind = kind;
    const written_out w = process(kind);
    const int k = static_cast<int>(w.f.rows());
    for (const auto& [t, h] : {std::pair{0.002, 0.001}, {0.05, 0.01}, {0.6, 0.05}, {2.0, 0.1}}) {
      const auto [m, s] = moments_by_rk4(w, t);
      const Eigen::MatrixXd prec = s.inverse();
      const Eigen::MatrixXd a = -w.f - w.q * prec;
      const Eigen::VectorXd b = w.q * prec * m;
      Eigen::MatrixXd phi = Eigen::MatrixXd::Identity(k, k), psi = Eigen::MatrixXd::Zero(k, k),
                      c = Eigen::MatrixXd::Zero(k, k);
      const int n = 4000;
      const double dt = h / n;
      const auto dc = [&](const Eigen::MatrixXd& x) -> Eigen::MatrixXd { return a * x + x * a.transpose() + w.q; };
      for (int i = 0; i < n; ++i) {
        // (phi, psi) jointly: psi' = phi
        const Eigen::MatrixXd p1 = a * phi, q1 = phi;
        const Eigen::MatrixXd p2 = a * (phi + 0.5 * dt * p1), q2 = phi + 0.5 * dt * p1;
        const Eigen::MatrixXd p3 = a * (phi + 0.5 * dt * p2), q3 = phi + 0.5 * dt * p2;
        const Eigen::MatrixXd p4 = a * (phi + dt * p3), q4 = phi + dt * p3;
        phi += dt / 6 * (p1 + 2 * p2 + 2 * p3 + p4);
        psi += dt / 6 * (q1 + 2 * q2 + 2 * q3 + q4);
        const Eigen::MatrixXd c1 = dc(c), c2 = dc(c + 0.5 * dt * c1), c3 = dc(c + 0.5 * dt * c2), c4 = dc(c + dt * c3);
        c += dt / 6 * (c1 + 2 * c2 + 2 * c3 + c4);
      }
      const dmt::reverse_step_coefficients r = dmt::reverse_step(p, t, h);
      const Eigen::MatrixXd cov = r.chol * r.chol.transpose();
      const Eigen::VectorXd gain = psi * b;
      std::printf("[ multcdiff ] %s t %.3f h %.3f: Phi_00 %.8f / %.8f, gain_0 %.6e / %.6e, C_00 %.6e / %.6e\n",
                  kind.c_str(), t, h, r.phi(0, 0), phi(0, 0), r.gain[0], gain[0], cov(0, 0), c(0, 0));
      EXPECT_LT((r.phi - phi).norm(), 1e-8 * std::max(1.0, phi.norm())) << kind << " t " << t;
      EXPECT_LT((r.gain - gain).norm(), 1e-8 * std::max(1e-3, gain.norm())) << kind << " t " << t;
      EXPECT_LT((cov - c).norm(), 1e-8 * c.norm()) << kind << " t " << t;
      // the posterior factor of x_0: kappa = m^T Sigma^-1 m, c = (Sigma^-1 m)^T u / kappa
      const dmt::posterior_factor f = dmt::posterior_of_clean(p, t);
      const double kappa = m.dot(prec * m);
      EXPECT_NEAR(f.kappa, kappa, 1e-7 * kappa);
      EXPECT_LT((f.w - prec * m / kappa).norm(), 1e-7 * f.w.norm());
    }
  }
}

TEST(Multcdiff, DeterministicAcrossThreadCountsAndCountsEvaluations) {
  const auto t = dmt::make_target("gmm25", {});
  for (const std::string forward : {"cld", "ou"}) {
    const auto settings = dmt::parse_multcdiff(dmt::params()
                                                   .set("forward", forward)
                                                   .set("levels", 10.0)
                                                   .set("fast_chains", 3.0)
                                                   .set("fast_steps", 2.0));
    dmt::thread_pool one(1), three(3);
    dmt::multcdiff_sampler a(*t, settings, 300, 4, one), b(*t, settings, 300, 4, three);
    a.run(14, one);
    b.run(14, three);
    EXPECT_EQ(a.particles(), b.particles());
    // 10 reverse steps of 3 x 2 fast evaluations, then 4 ULA steps on the target of one each
    EXPECT_EQ(a.energy_evaluations(), 300L * (10 * 3 * 2 + 4));
    EXPECT_DOUBLE_EQ(a.time_at(0), forward == "cld" ? 1.0 : 5.0);
    EXPECT_DOUBLE_EQ(a.time_at(10), 1e-3);
  }
}

TEST(Multcdiff, ParameterErrors) {
  const auto message = [](const dmt::params& p) { return dmt_test::error_message([&] { dmt::parse_multcdiff(p); }); };
  EXPECT_EQ(message(dmt::params().set("forward", std::string("vp"))), "multcdiff: forward must be cld or ou (got 'vp')");
  EXPECT_EQ(message(dmt::params().set("t_min", 0.0)), "multcdiff: t_min must be positive");
  EXPECT_EQ(message(dmt::params().set("horizon", 1e-4)), "multcdiff: horizon must be finite and greater than t_min");
  EXPECT_EQ(message(dmt::params().set("levels", 0.0)), "multcdiff: levels must be between 1 and 1e6");
  EXPECT_EQ(message(dmt::params().set("grid", std::string("cubic"))),
            "multcdiff: grid must be quadratic or uniform (got 'cubic')");
  EXPECT_EQ(message(dmt::params().set("step_size", 0.0)), "multcdiff: step_size must be positive");
  EXPECT_EQ(message(dmt::params().set("beta", -1.0)), "multcdiff: beta must be positive");
  EXPECT_EQ(message(dmt::params().set("mass", 0.0)), "multcdiff: mass must be positive");
  EXPECT_EQ(message(dmt::params().set("v0_scale", 0.0)), "multcdiff: v0_scale must be positive");
  EXPECT_EQ(message(dmt::params().set("fast_chains", 0.0)), "multcdiff: fast_chains must be between 1 and 4096");
  EXPECT_EQ(message(dmt::params().set("chain_init", std::string("zero"))),
            "multcdiff: chain_init must be centre or particle (got 'zero')");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("laplace"))),
            "multcdiff: noise must be gaussian or student_t (got 'laplace')");
  EXPECT_EQ(message(dmt::params().set("noise", std::string("student_t")).set("df", 0.0)),
            "multcdiff: df must be positive");
  EXPECT_EQ(message(dmt::params().set("df", -2.0)), "multcdiff: df must be positive");
}

// Student-t noise: the particles start from m(T) x_0 + product Student-t(df) noise with scale
// sqrt(Sigma_xx(T)) (Sigma from the RK4 moments above). Kolmogorov-Smirnov distance of the 2 x 4000
// standardised coordinates to the closed-form CDFs of df = 1 (Cauchy: 1/2 + atan(x) / pi) and df = 2
// (1/2 + x / (2 sqrt(2 + x^2))), seed 11; bound sqrt(ln(2 / p) / (2 n)) at p = 1e-6 (0.0301). Gaussian
// starts are 0.12 (df 1) / 0.05 (df 2) away; a missing sqrt on the scale fails too.
TEST(Multcdiff, StudentTNoiseStartsFromTheProductTLaw) {
  const auto t = dmt::make_target("gaussian", dmt::params().set("dim", 2.0));
  for (const std::string forward : {"cld", "ou"}) {
    const auto [m, s] = moments_by_rk4(process(forward), forward == "cld" ? 1.0 : 5.0);
    for (const double df : {1.0, 2.0}) {
      const dmt::multcdiff_sampler smp(
          *t, dmt::parse_multcdiff(dmt::params().set("forward", forward).set("noise", std::string("student_t")).set("df", df)),
          4000, 11);
      std::vector<double> z(smp.particles().begin(), smp.particles().end());
      for (double& v : z) v /= std::sqrt(s(0, 0));
      std::sort(z.begin(), z.end());
      const auto cdf = [df](double x) {
        return df == 1.0 ? 0.5 + std::atan(x) / M_PI : 0.5 + x / (2.0 * std::sqrt(2.0 + x * x));
      };
      const double n = double(z.size());
      double ks = 0.0;
      for (std::size_t i = 0; i < z.size(); ++i)
        ks = std::max({ks, std::abs(cdf(z[i]) - i / n), std::abs(cdf(z[i]) - (i + 1) / n)});
      const double bound = std::sqrt(std::log(2.0 / 1e-6) / (2.0 * n));
      std::printf("[ multcdiff ] %s student_t df %g, seed 11: KS %.4f (bound %.4f)\n", forward.c_str(), df, ks, bound);
      EXPECT_LT(ks, bound) << forward << " df " << df;
      EXPECT_EQ(smp.noise_scales().size(), z.size());
    }
  }
}

// The chains' per-coordinate scale g on the Gaussian factor (MultCDiff's Student-t noise): on the target
// N(0, I) with centre c and precision kappa / g, the chain's stationary law is Gaussian with mean
// (kappa / g) c / (kappa / g + 1) and variance 1 / (kappa / g + 1). Two particles with g = 1 and g = 9,
// kappa = 4, c = (2, -1): the time average over 20 000 steps of step 0.2 (after 200 of burn-in) of 16
// chains, for both integrators; tolerance 6 standard errors of the time average (integrated
// autocorrelation time <= 1 + 2 / (1 - rho), rho the per-step contraction e^(-(kappa / g + 1) d)) plus
// the exponential Euler / SK-ROCK step bias at d = 0.2 (at most 0.02 for the means: the exponential
// Euler's stationary mean is exact for a Gaussian target, SK-ROCK's within 1 %).
TEST(Multcdiff, PosteriorChainsApplyTheNoiseScale) {
  const auto t = dmt::make_target("gaussian", dmt::params().set("dim", 2.0));
  const double kappa = 4.0, d = 0.2;
  const std::vector<float> centre = {2.0f, -1.0f, 2.0f, -1.0f}, scale = {1.0f, 1.0f, 9.0f, 9.0f};
  for (const std::string integrator : {"exponential", "skrock"}) {
    dmt::posterior_chain_settings ps;
    ps.chains = 16;
    ps.step_size = d;
    ps.integrator = integrator;
    ps.stages = 5;
    dmt::posterior_chains ch(*t, ps, 2, dmt::make_philox_key(5));
    ch.reset(centre.data(), centre.data());
    ch.advance(0, 2, centre.data(), std::sqrt(kappa), 1.0, 0, 200, scale.data());
    const long steps = 20000;
    std::vector<double> sum(4, 0.0);
    for (long f = 0; f < steps; ++f) {
      ch.advance(0, 2, centre.data(), std::sqrt(kappa), 1.0, 200 + f, 1, scale.data());
      for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t c = 0; c < 16; ++c)
          for (int j = 0; j < 2; ++j) sum[i * 2 + j] += ch.chain(i, c)[j];
    }
    for (std::size_t i = 0; i < 2; ++i) {
      const double prec = kappa / scale[2 * i] + 1.0, rho = std::exp(-prec * d);
      const double se = std::sqrt(1.0 / prec * (1.0 + 2.0 / (1.0 - rho)) / (16.0 * steps));
      for (int j = 0; j < 2; ++j) {
        const double mean = sum[i * 2 + j] / (16.0 * steps), exact = (kappa / scale[2 * i]) * centre[j] / prec;
        std::printf("[ multcdiff ] chains %s, seed 5, g %g: mean %.4f vs %.4f (se %.4f)\n", integrator.c_str(),
                    scale[2 * i], mean, exact, se);
        EXPECT_NEAR(mean, exact, 6.0 * se + 0.02) << integrator << " g " << scale[2 * i] << " j " << j;
      }
    }
  }
}

}  // namespace
