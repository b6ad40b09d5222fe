// Local search for diffusion samplers (Sendera et al., arXiv 2402.05098; ALGORITHMS.md 4): MALA on
// the target from replay-buffer states, `steps` steps of which the first `burn_in` adapt the step
// size toward `target_accept`. What goes into the local-search buffer: the final states (keep =
// final), or every proposal accepted after the burn-in (keep = accepted: gfn-diffusion's
// langevin_dynamics, about (steps - burn_in) x acceptance x n states per round).
// MALA leaves the target invariant, so exact states stay exact (tests/unit/replay_buffer_test.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct local_search_settings {
  long every = 0;  // run every this many training iterations (0: off)
  long steps = 200, burn_in = 100;
  double step_size = 0.01, target_accept = 0.574;
  bool keep_accepted = false;  // false: the final states; true: every accepted proposal after burn-in
};

struct local_search_result {
  std::vector<float> x, log_r;  // m x dim, m (m = n for keep = final)
  double step_size = 0.0;       // after adaptation (the next round starts from it)
  double acceptance = 0.0;      // after burn-in
};

// `start`: n x dim states; `step_size`: the initial h. Keyed by seed.
local_search_result run_local_search(const target& t, const std::vector<float>& start, const local_search_settings& s,
                                     double step_size, std::uint64_t seed, const executor& exec = serial_executor());

// The MALA settings of a local search starting at step size h (backends build their own sampler
// from them and run it with run_local_search below).
sampler_settings local_search_sampler_settings(const local_search_settings& s, double step_size);
// Runs a local search on `mala` (built from local_search_sampler_settings, holding the start states).
local_search_result run_local_search(particle_sampler& mala, const local_search_settings& s,
                                     const executor& exec = serial_executor());

}  // namespace dmt
