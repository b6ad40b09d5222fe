#include "dmt/config/json_params.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace dmt {
namespace {

params::value value_from_json(const nlohmann::json& v, const std::string& key, const std::string& where) {
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::vector<double> out;
    for (const auto& e : v) {
      if (!e.is_number()) throw input_error(where + " parameter '" + key + "' must hold only numbers");
      out.push_back(e.get<double>());
    }
    return out;
  }
  throw input_error(where + " parameter '" + key + "' must be a number, string, boolean or list of numbers");
}

}  // namespace

params params_from_json(const nlohmann::json& object, const std::string& where, const std::vector<std::string>& skip) {
  if (!object.is_object()) throw input_error(where + " must be a JSON object");
  params p;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(skip.begin(), skip.end(), it.key()) != skip.end()) continue;
    p.set(it.key(), value_from_json(it.value(), it.key(), where));
  }
  return p;
}

void set_param_from_text(params& p, const std::string& text, const std::string& where) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw input_error(where + " parameter '" + text + "' must look like key=value");
  const std::string key = text.substr(0, eq), raw = text.substr(eq + 1);
  nlohmann::json v = nlohmann::json::parse(raw, nullptr, false);
  if (v.is_discarded()) {
    char* end = nullptr;
    const double d = std::strtod(raw.c_str(), &end);  // nan, inf: numbers JSON cannot spell
    if (!raw.empty() && end == raw.c_str() + raw.size())
      v = d;
    else
      v = raw;  // a bare string such as init=exact
  }
  p.set(key, value_from_json(v, key, where));
}

nlohmann::json params_to_json(const params& p) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, v] : p.values())
    std::visit(
        [&, k = key](const auto& x) {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, double>) {
            // integral values print as integers ("dim": 10, not 10.0)
            if (x == std::floor(x) && std::fabs(x) < 9.0e15) {
              j[k] = static_cast<long long>(x);
              return;
            }
          }
          j[k] = x;
        },
        v);
  return j;
}

}  // namespace dmt
