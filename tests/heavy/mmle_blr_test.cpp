// The Wisconsin Bayesian logistic regression of Kuntz, Lim & Johansen (2023, Table 1) with ParEM's
// settings (N = 100, K = 400, h = 1e-2, theta_0 = 0, X_0 = 0, predictions pooling the clouds of steps
// 200..400): the test log pointwise predictive density of PGD, PQN and PMGD against the published
// -0.09390 +- 0.00073 (PGD; mean +- sd over 100 runs; ParEM's notebook, jax/bayesian_logistic_regression.ipynb).
// R = 10 runs per algorithm (seeds fixed). The mean must be within 3 standard errors of the published
// mean, SE = sqrt(s^2 / R + 0.00073^2 / 100) with our run-to-run sd s capped at 0.0011 (1.5x the
// published sd): a noisier implementation fails the cap, not the band.
#include <gtest/gtest.h>

#include <cmath>

#include "dmt/mmle/fit.hpp"
#include "dmt/native/thread_pool.hpp"

namespace {

TEST(MmleHeavy, WisconsinLppdMatchesParEmTable) {
  const double published = -0.09390, published_sd = 0.00073, cap = 0.0011;
  const int R = 10;
  const dmt::thread_pool pool(2);
  const auto model = dmt::make_latent_model("blr_wisconsin", {});
  for (const char* name : {"pgd", "pqn", "pmgd"}) {
    std::vector<double> lppd;
    double err_pooled = 0.0, err_particle = 0.0;
    for (int r = 0; r < R; ++r) {
      const auto alg = dmt::make_mmle_algorithm(name, {});
      const auto res = dmt::fit(*model, *alg, {100, 400, 1e-2, 200, std::uint64_t(1 + r)}, pool);
      lppd.push_back(res.predictions->lppd);
      err_pooled += res.predictions->error_pooled / R;
      err_particle += res.predictions->error_per_particle / R;
    }
    double m = 0.0, s2 = 0.0;
    for (double v : lppd) m += v / R;
    for (double v : lppd) s2 += (v - m) * (v - m) / (R - 1);
    const double s = std::sqrt(s2);
    const double se = std::sqrt(std::min(s, cap) * std::min(s, cap) / R + published_sd * published_sd / 100);
    std::printf("%s: LPPD %.5f (sd %.5f), test error pooled %.5f, per particle %.5f\n", name, m, s, err_pooled,
                err_particle);
    EXPECT_LE(s, cap) << name;
    EXPECT_NEAR(m, published, 3 * se) << name;
  }
}

}  // namespace
