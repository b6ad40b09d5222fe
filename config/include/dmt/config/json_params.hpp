// JSON -> dmt::params: numbers, booleans (as 0/1), strings and arrays of numbers.
#pragma once
#include <nlohmann/json.hpp>

#include "dmt/params.hpp"

namespace dmt {

// Converts every member of `object` except those listed in `skip`; throws input_error naming the
// key for values of another type. `where` names the object in messages ("target", "sampler").
params params_from_json(const nlohmann::json& object, const std::string& where,
                        const std::vector<std::string>& skip = {});
// Parses "key=value" (value: JSON, or a bare string) into p.
void set_param_from_text(params& p, const std::string& key_equals_value, const std::string& where);
nlohmann::json params_to_json(const params& p);

}  // namespace dmt
