// Module-level facts and the registries: version, SIMD width, targets(), samplers(), losses().
#include <emscripten/bind.h>

#include "dmt/config/component_json.hpp"
#include "dmt/simd.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

val target_list() { return from_json(components_json(component_kind::target)); }
val sampler_list() { return from_json(components_json(component_kind::sampler)); }
val loss_list() { return from_json(components_json(component_kind::loss)); }
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
  emscripten::function("losses", &loss_list);
}
