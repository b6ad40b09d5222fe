#include "dmt/diffusion/local_search.hpp"

#include "dmt/samplers/sampler.hpp"

namespace dmt {

local_search_result run_local_search(const target& t, const std::vector<float>& start, const local_search_settings& s,
                                     double step_size, std::uint64_t seed, const executor& exec) {
  sampler_settings ms;
  ms.kind = "mala";
  ms.step_size = step_size;
  ms.adapt_steps = s.burn_in;
  ms.target_accept = s.target_accept;
  ms.trace_particles = 0;
  sampler mala(t, ms, start, seed, exec);
  mala.run(s.steps, exec);
  return {mala.particles(), mala.log_densities(), mala.step_size(), mala.acceptance_rate()};
}

}  // namespace dmt
