// JALA's log Z against the exact values: R = 6 independent runs (seeds 1..6) of 4000 particles,
// 200 temperatures (linear), ULA step 0.02; the mean of the estimates must lie within 3 standard
// errors (sample standard deviation / sqrt(R)) of the exact log Z. (exp(log Z) is unbiased for Z at
// any step size: the Jarzynski weights are exact path-space importance weights.)
// manywell-32 needs a finer path: at 200 temperatures and step 0.02 its estimate varies by about 1
// nat between seeds (60 resamplings); at 1000 temperatures and step 0.01 the six runs agree within
// 0.4 nats (measured 164.60 +- 0.055 against 164.6957; 2000 / 0.005 gave 164.62 +- 0.052; since the
// path is combined in double in jala.cpp, 2026-11-24, another realisation: 164.54 +- 0.081, and
// gaussian -0.045 +- 0.031, gmm25 0.0015 +- 0.0086, doublewell 4.815 +- 0.018).
// Not tested, because JALA (isotropic ULA) does not meet it: the funnel (log Z = 0). Measured with
// `dmt sample --target funnel --sampler jala --repeats 6` (reference_scale 3): 16 000 particles,
// 5000 levels, step 0.005: -0.125 +- 0.016; 10 000 levels, step 0.002: -0.112 +- 0.011; 4000
// particles: -0.154 +- 0.037 / -0.070 +- 0.040 (reference_scale 6 / 10: -0.11 +- 0.14, -0.45 +- 0.26;
// 400 levels, step 0.01, 32 000 particles: -0.31 +- 0.06). The bias does not shrink with the
// particle count: in the funnel's mouth (v > 4.5, 6.7 % of the mass) x_i | v has variance e^v,
// which ULA relaxes at rate e^-v per unit time while the v direction caps the step near 0.4, so the
// particles keep the reference's spread there and the weights must carry the whole correction
// (heavy-tailed); in the neck the step must stay below 2 e^v. A position-dependent step
// h(x) = h0 / (1 + c h0 |grad U|^2 / d) (exact weights with the two kernels' own steps) made it
// worse (-0.70 +- 0.08 at 20 000 levels in a numpy prototype), and so does a reference wide in x
// only (tests/reference/jala_funnel_reference.py: x scale 1 / 3 / 10 / 30 with v scale 3 gives
// -0.36 / -0.40 / -1.07 / -2.45). Ten times longer in time (100 000 levels at step 0.002: 200,
// 4000 particles, seeds 1..6, `dmt sample --target funnel --sampler jala --sampler-param
// levels=100000 --sampler-param reference_scale=3 --step-size 0.002 --steps 100000 --particles 4000
// --repeats 6`, 2026-11-24, about 6 minutes on 2 threads): 0.902, -0.080, -0.080, -0.064, 0.016,
// -0.032, mean 0.110 +- 0.159. That meets "3 standard errors" only because one seed is a +0.9
// outlier (the heavy upper tail of an unbiased Z estimator whose typical value is still low: median
// -0.05), so it is not taken as evidence (and a test at this cost, 12 CPU-minutes, would double
// the CI run). A reference matched to the funnel's marginal scales (reference_scale = [3, 10 x 9])
// with time 200 to 400 does not settle it either (tests/reference/jala_funnel_reference.py, numpy,
// 6 seeds: -0.031 +- 0.036 and -0.049 +- 0.022 at time 200 with 2000 and 8000 particles, -0.085 +-
// 0.009 at time 400): ULA's step must stay below 2 e^v for the neck (v = -9 at 3 standard
// deviations: h <= 2.5e-4) while the mouth needs time e^v (400 at v = 6): over a million steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "dmt/native/thread_pool.hpp"
#include "dmt/samplers/jala.hpp"
#include "dmt/targets/registry.hpp"

namespace {

TEST(JalaLogZ, WithinThreeStandardErrorsOfTheExactValue) {
  dmt::thread_pool pool(2);
  struct log_z_case {
    const char* name;
    dmt::params target;
    double reference_scale, exact;
    double se_cap;  // the band's standard error is capped here: about twice the SE measured (printed)
    double levels = 200, step = 0.02;
  };
  const std::vector<log_z_case> cases = {
      {"gaussian", dmt::params().set("dim", 10.0).set("mean", std::vector<double>(10, 1.0))
                       .set("covariance", std::vector<double>{0.5, 0.7, 0.9, 1.1, 1.3, 1.5, 1.7, 1.9, 2.1, 2.3}), 1.0, 0.0, 0.06},
      {"gmm25", {}, 8.0, 0.0, 0.02},               // measured SE 0.0086
      {"doublewell", {}, 1.0, 4.8303, 0.04},       // 0.0184
      {"manywell", {}, 1.0, 164.6957, 0.16, 1000, 0.01}};  // 0.0814; gaussian above: 0.0309
  const int R = 6;
  for (const auto& c : cases) {
    const auto t = dmt::make_target(c.name, c.target);
    dmt::params p;
    p.set("reference_scale", c.reference_scale).set("levels", c.levels).set("step_size", c.step);
    std::vector<double> est;
    for (int seed = 1; seed <= R; ++seed) {
      dmt::jala_sampler s(*t, dmt::parse_jala(p), 4000, seed, pool);
      s.run(static_cast<long>(c.levels), pool);
      ASSERT_EQ(s.beta(), 1.0);
      est.push_back(*s.log_z());
    }
    double mean = 0, var = 0;
    for (double e : est) mean += e / R;
    for (double e : est) var += (e - mean) * (e - mean) / (R - 1);
    const double se = std::sqrt(var / R);
    std::printf("[ log Z    ] %-10s exact %.4f  JALA %.4f +- %.4f (SE, %d seeds)\n", c.name, c.exact, mean, se, R);
    // a noisier implementation must not widen its own band: 3 x min(SE, cap)
    EXPECT_LT(std::fabs(mean - c.exact), 3 * std::min(se, c.se_cap) + 1e-9) << c.name << " (SE cap " << c.se_cap << ")";
  }
}

}  // namespace
