// A sampling run's target and sampler from their JSON settings (a name or {"name": ..., parameters}),
// resolved once against the registry: the same for `dmt sample`, C++ callers and the wasm Sampler,
// so that one settings object gives the same samples everywhere.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "dmt/executor.hpp"
#include "dmt/registry.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

struct sampling_setup {
  std::string target_name, sampler_name;
  const component_spec* sampler_spec = nullptr;
  params sampler_params;  // resolved: every default filled in (the run-dependent ones for the run given)
  std::unique_ptr<dmt::target> target;

  // The sampler on the CPU (its parameters are parsed here, once).
  std::unique_ptr<particle_sampler> make(std::size_t particles, std::uint64_t seed,
                                         const executor& exec = serial_executor()) const;
  // Every sampler parameter with the value in use, for the metrics ({"name": ..., ...}).
  nlohmann::json sampler_json() const;
  nlohmann::json target_json() const;  // the target's resolved parameters with its name
};

// {"name": x} for a name x; the object itself for an object with a string "name"; else input_error
// ("<what> must be a name or an object with a \"name\"").
nlohmann::json component_object(const nlohmann::json& j, const std::string& what);

// run: the planned number of steps (MALA's adapt_steps default is half of it) or an open-ended run.
sampling_setup setup_sampling(const nlohmann::json& target, const nlohmann::json& sampler, const run_context& run);

}  // namespace dmt
