#include "dmt/config/sampling_setup.hpp"

#include "dmt/config/json_params.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt {

nlohmann::json component_object(const nlohmann::json& j, const std::string& what) {
  const nlohmann::json o = j.is_string() ? nlohmann::json{{"name", j}} : j;
  if (!o.is_object()) throw input_error(what + " must be a name or an object with a \"name\"");
  if (!o.contains("name") || !o["name"].is_string()) throw input_error(what + " needs a \"name\"");
  return o;
}

sampling_setup setup_sampling(const nlohmann::json& target, const nlohmann::json& sampler, const run_context& run) {
  const nlohmann::json tj = component_object(target, "target"), sj = component_object(sampler, "sampler");
  sampling_setup s;
  s.target_name = tj["name"].get<std::string>();
  s.sampler_name = sj["name"].get<std::string>();
  s.target = make_target(s.target_name, params_from_json(tj, "target", {"name"}));
  s.sampler_spec = &registry::global().get(component_kind::sampler, s.sampler_name);
  s.sampler_params = resolve_params(*s.sampler_spec, params_from_json(sj, "sampler", {"name"}), run);
  check_support(*s.sampler_spec, *s.target);
  return s;
}

std::unique_ptr<particle_sampler> sampling_setup::make(std::size_t particles, std::uint64_t seed,
                                                       const executor& exec) const {
  return sampler_spec->make_sampler(sampler_params, *target, particles, seed, exec);
}

nlohmann::json sampling_setup::sampler_json() const {
  nlohmann::json j = params_to_json(sampler_params);
  j["name"] = sampler_name;
  return j;
}

nlohmann::json sampling_setup::target_json() const {
  nlohmann::json j = params_to_json(target->resolved_params());
  j["name"] = target_name;
  return j;
}

}  // namespace dmt
