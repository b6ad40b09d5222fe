// Local search for diffusion samplers (Sendera et al., arXiv 2402.05098; ALGORITHMS.md 4): MALA on
// the target from replay-buffer states, `steps` steps of which the first `burn_in` adapt the step
// size toward `target_accept`; the final states (and their log R) go into the local-search buffer.
// MALA leaves the target invariant, so exact states stay exact (tests/unit/replay_buffer_test.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct local_search_settings {
  long every = 0;  // run every this many training iterations (0: off)
  long steps = 200, burn_in = 100;
  double step_size = 0.01, target_accept = 0.574;
};

struct local_search_result {
  std::vector<float> x, log_r;  // n x dim, n
  double step_size = 0.0;       // after adaptation (the next round starts from it)
  double acceptance = 0.0;      // after burn-in
};

// `start`: n x dim states; `step_size`: the initial h. Keyed by seed.
local_search_result run_local_search(const target& t, const std::vector<float>& start, const local_search_settings& s,
                                     double step_size, std::uint64_t seed, const executor& exec = serial_executor());

}  // namespace dmt
