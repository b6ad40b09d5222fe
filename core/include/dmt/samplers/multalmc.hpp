// MultALMC, the multiscale annealed Langevin sampler (arXiv 2508.15069; ALGORITHMS.md 3): DALMC's
// variance-preserving path mu_t = Law(sqrt(lambda) X + sqrt(1 - lambda) Z), Z ~ N(0, I), with the
// score of mu_t estimated not by inner importance sampling but by fast Langevin chains: each slow
// particle x carries M chains Y^m targeting the posterior of the clean sample,
//   rho_{lambda,x}(y) proportional to pi(y) exp(-|x - sqrt(lambda) y|^2 / (2 (1 - lambda))),
// advanced by `fast_steps` steps of size `fast_step_size` (fast time; the time-scale separation
// 1/eps = fast_steps x fast_step_size / step_size) of the exponential Euler integrator, which takes
// the stiff linear part exactly: with kappa = lambda / (1 - lambda), c = x / sqrt(lambda),
// g = grad log pi(y) held fixed over the step,
//   y <- c + g / kappa + e^(-kappa d) (y - c - g / kappa) + sqrt((1 - e^(-2 kappa d)) / kappa) xi.
// The slow particle then takes the overdamped step x <- x + h s + sqrt(2h) xi with the score
// estimate s = (1/M) sum_m (sqrt(lambda) Y^m - x) / (1 - lambda) (Tweedie's formula over the chains'
// current states: stochastic averaging). After the last level the steps are ULA on the target.
// slow = underdamped: unit-mass OBABO steps instead (friction gamma, velocities from N(0, I)):
//   v <- e^(-gamma h / 2) v + sqrt(1 - e^(-gamma h)) xi + h/2 s(x);  x <- x + h v;
//   v <- e^(-gamma h / 2) (v + h/2 s(x)) + sqrt(1 - e^(-gamma h)) xi',
// one score estimate per step (the first half kick reuses the previous step's, computed at the
// same x; the first step computes one more).
// fast = skrock: the fast chains take SK-ROCK steps (Abdulle, Almuslimani, Vilmart 2018; the
// foundation's skrock sampler) on the whole drift grad log rho = grad log pi(y) - kappa (y - c),
// stable for step sizes up to about 0.65 s^2 / (kappa + L): s gradient evaluations per fast step,
// for targets whose own stiffness, not the Gaussian factor's, limits the exponential Euler step.
// noise = student_t (df): the path's noise is product Student-t as in DALMC; the fast chains target
// rho(y) proportional to pi(y) p((x - sqrt(lambda) y) / sqrt(1 - lambda)) (SK-ROCK only: the
// exponential Euler step is exact only for the Gaussian factor) and the score estimate is the chains'
// mean of grad_v log p_{sqrt(1 - lambda)}(v) at v = x - sqrt(lambda) Y^m, -(df + 1) v / (df (1 - lambda) + v^2).
// Particles start from the noise law (N(0, I) or product Student-t), their chains at x / sqrt(lambda_0) (the centre of rho's Gaussian
// factor: spread wide at small lambda_0, they fall into the modes of pi near them). Every random
// number is keyed by (seed, particle, chain, step): deterministic, independent of the threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/rng/philox.hpp"
#include "dmt/samplers/dalmc.hpp"
#include "dmt/samplers/lazy_log_densities.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/posterior_chains.hpp"

namespace dmt {

struct multalmc_settings {
  dalmc_settings path;              // schedule, levels, steps_per_level, lambda_min, step_size (slow h)
  posterior_chain_settings fast;    // M chains per slow particle, fast steps, integrator, chain start
  std::string slow{};  // overdamped | underdamped (OBABO)
  double friction{};            // underdamped: gamma
};

multalmc_settings parse_multalmc(const params& p);

class multalmc_sampler : public particle_sampler {
 public:
  multalmc_sampler(const target& t, multalmc_settings settings, std::size_t particles, std::uint64_t seed,
                   const executor& exec = serial_executor());
  void run(long steps, const executor& exec = serial_executor(),
           const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>& x, const executor& exec = serial_executor()) override;
  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override;
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return settings_.path.step_size; }
  long energy_evaluations() const override { return evaluations_; }
  double lambda_at(long k) const;
  // The fast chains (n x M x dim) and the last score estimates (n x dim), for tests.
  const std::vector<float>& chains() const { return chains_.states(); }
  const std::vector<float>& last_scores() const { return score_; }
  // Advances only the fast chains of every particle by `steps` fast steps at a fixed lambda (tests:
  // the chains' stationary law and the score estimate at fixed x).
  void run_fast(double lambda, long steps, const executor& exec = serial_executor());

 private:
  void init_chains(double lambda);
  void fast_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t step, long steps);
  void score_block(double lambda, std::size_t begin, std::size_t end, std::uint32_t counter);
  const target& target_;
  multalmc_settings settings_;
  std::size_t n_;
  int d_;
  philox_key key_;
  long step_ = 0, fast_done_ = 0;
  long evaluations_ = 0;
  posterior_chains chains_;
  std::vector<float> x_, v_, centre_, score_;
  bool score_valid_ = false;  // underdamped: score_ holds the estimate at the current x
  lazy_log_densities log_r_;
};

}  // namespace dmt
