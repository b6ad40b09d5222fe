#include "dmt/targets/registry.hpp"

#include "dmt/registry.hpp"

namespace dmt {

std::unique_ptr<target> make_target(const std::string& name, const params& p) {
  const component_spec& spec = registry::global().get(component_kind::target, name);
  const params resolved = resolve_params(spec, p);
  auto t = spec.make_target(resolved);
  resolved.reject_unused(spec.owner());
  return t;
}

std::vector<component_doc> target_docs() { return describe_all(component_kind::target); }

}  // namespace dmt
