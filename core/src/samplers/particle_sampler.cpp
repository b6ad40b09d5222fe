#include "dmt/samplers/particle_sampler.hpp"

#include "dmt/samplers/sampler.hpp"
#include "dmt/samplers/dalmc.hpp"
#include "dmt/samplers/jala.hpp"
#include "dmt/samplers/multalmc.hpp"
#include "dmt/samplers/multcdiff.hpp"
#include "dmt/samplers/pnais.hpp"
#include "dmt/samplers/smc.hpp"

namespace dmt {

std::unique_ptr<particle_sampler> make_particle_sampler(const std::string& name, const params& p, const target& t,
                                                        std::size_t particles, std::uint64_t seed,
                                                        const executor& exec) {
  if (name == "smc") return std::make_unique<smc_sampler>(t, parse_smc(p), particles, seed, exec);
  if (name == "dalmc") return std::make_unique<dalmc_sampler>(t, parse_dalmc(p), particles, seed, exec);
  if (name == "jala") return std::make_unique<jala_sampler>(t, parse_jala(p), particles, seed, exec);
  if (name == "multalmc") return std::make_unique<multalmc_sampler>(t, parse_multalmc(p), particles, seed, exec);
  if (name == "multcdiff") return std::make_unique<multcdiff_sampler>(t, parse_multcdiff(p), particles, seed, exec);
  if (name == "pnais") return std::make_unique<pnais_sampler>(t, parse_pnais(p), particles, seed, exec);
  return std::make_unique<sampler>(t, parse_sampler(name, p), particles, seed, exec);
}

}  // namespace dmt
