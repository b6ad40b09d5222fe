// Module-level facts and the registries: version, SIMD width, targets(), samplers(), losses().
#include <emscripten/bind.h>

#include "dmt/diffusion/losses.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/simd.hpp"
#include "dmt/targets/registry.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

val docs(const std::vector<component_doc>& d) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : d) {
    nlohmann::json ps = nlohmann::json::array();
    for (const auto& p : c.parameters) ps.push_back({{"name", p.name}, {"default", p.default_value}, {"meaning", p.meaning}});
    a.push_back({{"name", c.name}, {"summary", c.summary}, {"parameters", ps}});
  }
  return from_json(a);
}

val target_list() { return docs(target_docs()); }
val sampler_list() { return docs(sampler_docs()); }
std::string version() { return DMT_VERSION; }
int simd_lanes() { return static_cast<int>(float_batch::size); }

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_module) {
  using namespace dmt::js;
  emscripten::function("version", &version);
  emscripten::function("simdLanes", &simd_lanes);
  emscripten::function("targets", &target_list);
  emscripten::function("samplers", &sampler_list);
}
