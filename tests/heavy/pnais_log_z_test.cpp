// The proximal Newton adaptive importance sampler's log Z on smooth targets. A multimodal one:
// doublewell(10, 5, 3) has 32 equal modes (log Z = 4.8303 by quadrature). 200 proposals from
// N(0, 4 I), 4000 particles, 20 iterations (the last 10 pooled), 6 seeds (100..105); log Z within 3
// standard errors (from the seeds, printed). With 100 proposals some seeds lose modes (4.75 +- 0.017).
// The Hessian's eigenvalues enter by absolute value (saddle-free Newton): with the negative ones
// floored at 1e-3 instead, Newton steps from the wells' barrier throw means far away (4.03 +- 0.08).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dmt/samplers/pnais.hpp"
#include "dmt/targets/registry.hpp"

namespace {

// J proposals from N(0, init_scale^2 I), 4000 particles, 20 iterations (the last 10 pooled), seeds
// 100..105; log Z within 3 standard errors of the seeds' mean (+ 1e-5, see below), the standard error
// capped at se_cap (about twice the one measured, printed) so that a noisier sampler cannot widen its band.
void check_log_z(const std::string& name, const dmt::params& target_params, int proposals, double init_scale,
                 double se_cap) {
  const auto t = dmt::make_target(name, target_params);
  const auto settings =
      dmt::parse_pnais(dmt::params().set("proposals", double(proposals)).set("init_scale", init_scale));
  const int seeds = 6;
  double mean = 0, sq = 0;
  std::vector<double> lz;
  for (int s = 0; s < seeds; ++s) {
    dmt::pnais_sampler sp(*t, settings, 4000, 100 + s);
    sp.run(20);
    lz.push_back(*sp.log_z());
    mean += lz.back() / seeds;
  }
  for (double v : lz) sq += (v - mean) * (v - mean) / (seeds - 1);
  const double se = std::sqrt(sq / seeds), exact = *t->log_normaliser();
  std::printf("[ pnais    ] %s, %d proposals from N(0, %g^2 I), seeds 100..105: log Z %.6f +- %.6f (exact %.4f)\n",
              name.c_str(), proposals, init_scale, mean, se, exact);
  EXPECT_NEAR(mean, exact, 3 * std::min(se, se_cap) + 1e-5) << name << " (SE cap " << se_cap << ")";
}

TEST(Pnais, DoublewellLogZWithinThreeStandardErrors) {
  check_log_z("doublewell", {}, 200, 2.0, 0.045);  // measured SE 0.0215
}

// gmm25 (log Z = 0): 200 proposals from N(0, 10^2 I) find all 25 modes; with the default 10 proposals
// from N(0, 3^2 I) log Z comes out -1.45 +- 0.11 (modes lost). The Gaussian (d = 10, diagonal
// covariance 0.5..2.3, mean 1; log Z = 0) with the defaults. The standard errors are tiny (about 4e-5
// and 4e-6: each proposal converges to a component), so 1e-5 is added for the float32 log densities
// the weights are computed from.
TEST(Pnais, Gmm25AndGaussianLogZWithinThreeStandardErrors) {
  check_log_z("gmm25", {}, 200, 10.0, 1e-4);  // measured SE 3.7e-5
  check_log_z("gaussian",
              dmt::params()
                  .set("dim", 10.0)
                  .set("mean", std::vector<double>(10, 1.0))
                  .set("covariance", std::vector<double>{0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9, 2.1, 2.3}),
              10, 3.0, 1e-5);  // measured SE 4e-6
}

// Not tested, because the algorithm cannot meet it: on the funnel the proximal Newton steps head for
// the density's maximum at x = 0, v = -9 (d - 1) / 2 = -40.5, where the curvature e^(-v) leaves the
// float range ("the Hessian of f is not finite at a proposal mean" with 200 proposals; the defaults
// give -3.4 +- 0.36); manywell(32) has 2^16 modes, which J Gaussian proposals cannot cover (defaults:
// 154.2 +- 0.7 against 164.70). Even J proposals placed by an oracle on the J heaviest modes (each
// pair's y sits in its right-hand well with probability 0.8443, by quadrature of exp(-y^4 + 6y^2 +
// 0.5y)) would leave log Z low by -log(covered mass): 0.58 at J = 200, 0.23 at 1000, 0.071 at 4000,
// 0.0044 at 20 000; the Newton steps from random starts pick modes nearly uniformly instead.

}  // namespace
