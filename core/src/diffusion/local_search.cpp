#include "dmt/diffusion/local_search.hpp"

#include <algorithm>

namespace dmt {

sampler_settings local_search_sampler_settings(const local_search_settings& s, double step_size) {
  sampler_settings ms = parse_sampler("mala", params());
  ms.step_size = step_size;
  ms.adapt_steps = s.burn_in;
  ms.target_accept = s.target_accept;
  ms.trace_particles = 0;
  return ms;
}

local_search_result run_local_search(particle_sampler& mala, const local_search_settings& s, const executor& exec) {
  if (!s.keep_accepted) {
    mala.run(s.steps, exec);
    return {mala.particles(), mala.log_densities(), mala.step_size(), mala.acceptance_rate()};
  }
  mala.run(s.burn_in, exec);
  local_search_result r;
  const std::size_t n = mala.size(), d = n ? mala.particles().size() / n : 0;
  for (long k = s.burn_in; k < s.steps; ++k) {
    const std::vector<float> before = mala.particles();
    mala.run(1, exec);
    const std::vector<float>& x = mala.particles();
    const std::vector<float>& log_r = mala.log_densities();
    for (std::size_t i = 0; i < n; ++i) {
      // a MALA step either keeps the state or moves it to the accepted proposal
      if (std::equal(x.begin() + i * d, x.begin() + (i + 1) * d, before.begin() + i * d)) continue;
      r.x.insert(r.x.end(), x.begin() + i * d, x.begin() + (i + 1) * d);
      r.log_r.push_back(log_r[i]);
    }
  }
  r.step_size = mala.step_size();
  r.acceptance = mala.acceptance_rate();
  return r;
}

local_search_result run_local_search(const target& t, const std::vector<float>& start, const local_search_settings& s,
                                     double step_size, std::uint64_t seed, const executor& exec) {
  sampler mala(t, local_search_sampler_settings(s, step_size), start, seed, exec);
  return run_local_search(mala, s, exec);
}

}  // namespace dmt
