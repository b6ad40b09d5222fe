// MultCDiff, the multiscale controlled diffusion sampler (arXiv 2508.15069; ALGORITHMS.md 3): the
// reverse-time SDE of a linear forward process (linear_forward_process.hpp: the critically damped
// Langevin diffusion on (x, v), `forward = cld`, or the Ornstein-Uhlenbeck process on x, `forward = ou`)
// from t = T to t_min, with the score grad log p_t(u) = -Sigma(t)^-1 (u - m(t) y^) taken from fast
// Langevin chains (posterior_chains.hpp) on the posterior of the clean sample,
//   rho_{t,u}(y) proportional to pi(y) N(y; c(u), 1 / kappa(t)),
// y^ the chains' mean (stochastic averaging: the chains are never restarted, they follow u). One slow
// step over [t - h, t] solves the reverse SDE exactly with Sigma and m frozen at the step's midpoint and y^
// from the chains at its start
// (an exponential integrator, first order in h; the stiff linear part is taken exactly); `levels`
// steps on a grid t_k = t_min + (T - t_min) (1 - k / levels)^2 (quadratic: finer near the data) or
// uniform. Particles start from N(0, Sigma(T)), their chains at c(u).
// Student-t noise (`noise = student_t`, `df`): every coordinate j of particle i carries a scale
// g_ij ~ InvGamma(df/2, df/2), drawn once, that multiplies the forward diffusion G G^T and Sigma_0; given
// g, u_t | x_0 ~ N(m(t) x_0, g Sigma(t)), so over g the forward kernel is m(t) x_0 plus product
// Student-t noise (the heavy-tailed paths of DALMC / MultALMC) while each particle still follows an
// exact Gaussian diffusion: A and psi B of the reverse step are unchanged, its noise is sqrt(g) L xi,
// the posterior factor's precision is kappa / g, and the start is sqrt(g) N(0, Sigma(T)). After the last level the steps
// are ULA on the target (step_size). Every random number is keyed by (seed, particle, chain, step):
// deterministic, independent of the threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/rng/philox.hpp"
#include "dmt/samplers/linear_forward_process.hpp"
#include "dmt/samplers/lazy_log_densities.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/posterior_chains.hpp"

namespace dmt {

struct multcdiff_settings {
  linear_forward_process forward;   // kind, beta, mass, v0_scale
  long levels{};                // reverse steps
  double horizon{};             // T (cld: 1, ou: 5 by default)
  double t_min{};              // the reverse process stops here
  std::string grid{};   // quadratic | uniform
  double step_size{};          // ULA after the last level
  std::string noise{};   // gaussian | student_t
  double df{};                  // student_t: degrees of freedom
  posterior_chain_settings fast;    // M chains per particle, fast steps, integrator, chain start
};

multcdiff_settings parse_multcdiff(const params& p);

class multcdiff_sampler : public particle_sampler {
 public:
  multcdiff_sampler(const target& t, multcdiff_settings settings, std::size_t particles, std::uint64_t seed,
                    const executor& exec = serial_executor());
  void run(long steps, const executor& exec = serial_executor(),
           const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>& x, const executor& exec = serial_executor()) override;
  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override;
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return settings_.step_size; }
  long energy_evaluations() const override { return evaluations_; }
  // the forward time at the start of slow step k (t_min from step `levels` on)
  double time_at(long k) const;
  // student_t: the noise scales g_ij (n x dim); empty for Gaussian noise
  const std::vector<float>& noise_scales() const { return scale_; }

 private:
  void centre_block(double t, std::size_t begin, std::size_t end);
  const target& target_;
  multcdiff_settings settings_;
  std::size_t n_;
  int d_;
  philox_key key_;
  long step_ = 0, evaluations_ = 0;
  posterior_chains chains_;
  std::vector<float> x_, v_, centre_, scale_;
  lazy_log_densities log_r_;
};

}  // namespace dmt
