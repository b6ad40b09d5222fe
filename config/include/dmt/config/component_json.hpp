// The registry's components as JSON: what `dmt targets --json`, `dmt samplers --json`, the wasm
// module's targets() / samplers() / losses() and the web demo's forms read.
#pragma once
#include <nlohmann/json.hpp>

#include "dmt/registry.hpp"

namespace dmt {

// {"name", "summary", "parameters": [{"name", "type", "default", "meaning", "choices"?}], "capabilities": {...},
//  "on_divergence"?: {...}}
nlohmann::ordered_json component_json(const component_spec& spec);
// A sampler's on_divergence settings as an object ({"step_size": 0.01}).
nlohmann::json on_divergence_json(const component_spec& spec);
// Every component of a kind, in listing order.
nlohmann::ordered_json components_json(component_kind kind);

}  // namespace dmt
