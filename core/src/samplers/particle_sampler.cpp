#include "dmt/samplers/particle_sampler.hpp"

#include <limits>

namespace dmt {

void particle_sampler::set_particles(const std::vector<float>&, const executor&) {
  throw input_error("this sampler starts from its own reference; it takes no initial particles");
}

double particle_sampler::step_size() const { return std::numeric_limits<double>::quiet_NaN(); }

const std::vector<float>& particle_sampler::trace() const {
  static const std::vector<float> none;
  return none;
}

const std::vector<double>& particle_sampler::ess_history() const {
  static const std::vector<double> none;
  return none;
}

void check_support(const component_spec& sampler_spec, const target& t) {
  if (sampler_spec.caps.full_support && t.bounded_support())
    throw input_error("sampler '" + sampler_spec.name + "' needs a log density finite everywhere, and target '" +
                      t.name() + "' is -inf outside its support: use smc or pnais");
}

std::unique_ptr<particle_sampler> make_particle_sampler(const std::string& name, const params& p, const target& t,
                                                        std::size_t particles, std::uint64_t seed,
                                                        const executor& exec, const run_context& run) {
  const component_spec& spec = registry::global().get(component_kind::sampler, name);
  check_support(spec, t);
  return spec.make_sampler(resolve_params(spec, p, run), t, particles, seed, exec);
}

}  // namespace dmt
