// Fast Langevin chains on the posterior of a clean sample given a noisy one, the inner part of the
// multiscale samplers (MultALMC, MultCDiff; arXiv 2508.15069): for particle i with centre c_i,
//   rho_i(y) proportional to pi(y) p(a (c_i - y) / sqrt(s2)),
// p the standard Gaussian (then rho_i = pi(y) N(y; c_i, s2 / a^2 I), precision kappa = a^2 / s2) or
// the product Student-t with `df` degrees of freedom. With Gaussian p, an optional per-coordinate
// scale g_ij multiplies s2 (precision kappa / g_ij): the Gaussian scale mixture behind MultCDiff's
// Student-t noise. M chains per particle, advanced by
// - exponential Euler (Gaussian p only), which takes the stiff Gaussian factor exactly with
//   g = grad log pi(y) held fixed over the step d:
//     y <- c + e^(-kappa d) (y - c) + (1 - e^(-kappa d)) / kappa g + sqrt((1 - e^(-2 kappa d)) / kappa) xi;
// - SK-ROCK (Abdulle, Almuslimani, Vilmart 2018) on the whole drift grad log rho: s gradient
//   evaluations per step, for targets whose own stiffness limits the exponential Euler step.
// The noise of step f of chain m of particle i is keyed by (seed, i, m, counter + f): deterministic
// and independent of how the particles are split between threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/registry.hpp"
#include "dmt/rng/philox.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct posterior_chain_settings {
  long chains = 4;                          // M per particle
  long steps = 5;                           // fast steps per slow step
  double step_size = 0.05;                  // d, in fast time
  std::string integrator = "exponential";  // exponential | skrock
  int stages = 10;                          // skrock: s
  double damping = 0.05;                    // skrock: eta
  std::string init = "centre";              // chains start at the centre c_i (centre) or at the particle (particle)
  bool student = false;                     // p: Gaussian or product Student-t
  double df = 3.0;
};

// Reads fast_chains, fast_steps, fast_step_size, fast, fast_stages, fast_damping, chain_init
// (messages prefixed with `who`); `student` and `df` are the caller's.
posterior_chain_settings parse_posterior_chains(const params& p, const std::string& who);  // p: resolved
// The fast chains' registry parameters (fast_chains, ...; defaults: posterior_chain_settings{}),
// shared by multalmc and multcdiff; centre_start names where "centre" starts them.
std::vector<param_spec> posterior_chain_parameters(const std::string& centre_start);

class posterior_chains {
 public:
  posterior_chains(const target& t, posterior_chain_settings s, std::size_t particles, philox_key key);
  // every chain of particle i at centre[i] or, with init = particle, at x[i] (both n x dim)
  void reset(const float* centre, const float* x);
  // `steps` fast steps of the chains of particles [begin, end); centre: n x dim, the particles' c_i;
  // scale: null, or n x dim factors g_ij on s2 (Gaussian p only).
  void advance(std::size_t begin, std::size_t end, const float* centre, double a, double s2, std::uint32_t counter,
               long steps, const float* scale = nullptr);
  // chain m of particle i: dim numbers
  const float* chain(std::size_t i, std::size_t m) const { return y_.data() + (i * chains_ + m) * d_; }
  const std::vector<float>& states() const { return y_; }
  std::size_t chains() const { return chains_; }
  long evaluations_per_step() const { return s_.integrator == "skrock" ? s_.stages : 1; }
  const posterior_chain_settings& settings() const { return s_; }

 private:
  void exponential(std::size_t begin, std::size_t end, const float* centre, double kappa, std::uint32_t counter,
                   long steps, const float* scale);
  void skrock(std::size_t begin, std::size_t end, const float* centre, double a, double s2, std::uint32_t counter,
              long steps, const float* scale);
  const target& target_;
  posterior_chain_settings s_;
  std::size_t n_, chains_;
  std::size_t d_;
  philox_key key_;
  std::vector<float> y_;
};

}  // namespace dmt
