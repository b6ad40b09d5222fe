#include "dmt/config/component_json.hpp"

#include "dmt/config/json_params.hpp"

namespace dmt {

nlohmann::ordered_json component_json(const component_spec& spec) {
  nlohmann::ordered_json c;
  c["name"] = spec.name;
  c["summary"] = spec.summary;
  c["parameters"] = nlohmann::ordered_json::array();
  for (const auto& p : spec.parameters) {
    nlohmann::ordered_json j{
        {"name", p.name}, {"type", type_name(p.type)}, {"default", p.documented_default()}, {"meaning", p.meaning}};
    if (!p.choices.empty()) j["choices"] = p.choices;
    c["parameters"].push_back(j);
  }
  const capabilities& k = spec.caps;
  nlohmann::ordered_json caps{{"cuda", k.cuda}, {"wasm", k.wasm}};
  if (spec.kind == component_kind::sampler) {
    caps["weighted"] = k.weighted;
    caps["needs_gradient"] = k.needs_gradient;
    caps["needs_hessian"] = k.needs_hessian;
    caps["full_support"] = k.full_support;
  }
  if (spec.kind == component_kind::target) {
    caps["exact_sampler"] = k.exact_sampler;
    caps["log_normaliser"] = k.log_normaliser;
  }
  if (spec.kind == component_kind::model) caps["log_marginal_exact"] = k.log_normaliser;
  if (spec.kind == component_kind::algorithm) {
    caps["log_z_estimate"] = k.weighted;
    caps["needs_hessian"] = k.needs_hessian;
  }
  c["capabilities"] = caps;
  if (!spec.on_divergence.empty()) c["on_divergence"] = on_divergence_json(spec);
  return c;
}

nlohmann::json on_divergence_json(const component_spec& spec) {
  params with;
  for (const auto& [key, value] : spec.on_divergence) with.set(key, value);
  return params_to_json(with);
}

nlohmann::ordered_json components_json(component_kind kind) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const component_spec* s : registry::global().list(kind)) out.push_back(component_json(*s));
  return out;
}

}  // namespace dmt
