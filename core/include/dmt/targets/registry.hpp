// Targets by name, from the registry (dmt/registry.hpp); each target registers itself in its own file.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dmt/targets/target.hpp"

namespace dmt {

// Builds the named target; throws input_error for an unknown name or parameter, or a bad value.
std::unique_ptr<target> make_target(const std::string& name, const params& p);
std::vector<component_doc> target_docs();

}  // namespace dmt
