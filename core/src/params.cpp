#include "dmt/params.hpp"

#include <cmath>

namespace dmt {

const params::value* params::find(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return nullptr;
  used_.insert(key);
  return &it->second;
}

double params::number(const std::string& key) const {
  const value* v = find(key);
  if (!v) throw input_error("missing parameter '" + key + "'");
  const double* d = std::get_if<double>(v);
  if (!d) throw input_error("parameter '" + key + "' must be a number");
  if (!std::isfinite(*d)) throw input_error("parameter '" + key + "' must be finite");
  return *d;
}

double params::number(const std::string& key, double fallback) const { return has(key) ? number(key) : fallback; }

long params::integer(const std::string& key, long fallback) const { return has(key) ? integer(key) : fallback; }

long params::integer(const std::string& key) const {
  const double d = number(key);
  if (d != std::floor(d) || std::fabs(d) > 9.0e15) throw input_error("parameter '" + key + "' must be an integer");
  return static_cast<long>(d);
}

bool params::boolean(const std::string& key, bool fallback) const { return has(key) ? boolean(key) : fallback; }

bool params::boolean(const std::string& key) const {
  const double d = number(key);
  if (d != 0.0 && d != 1.0) throw input_error("parameter '" + key + "' must be true or false");
  return d != 0.0;
}

std::string params::string(const std::string& key, const std::string& fallback) const {
  return has(key) ? string(key) : fallback;
}

std::string params::string(const std::string& key) const {
  const value* v = find(key);
  if (!v) throw input_error("missing parameter '" + key + "'");
  const std::string* s = std::get_if<std::string>(v);
  if (!s) throw input_error("parameter '" + key + "' must be a string");
  return *s;
}

std::vector<double> params::list(const std::string& key, const std::vector<double>& fallback) const {
  return has(key) ? list(key) : fallback;
}

std::vector<double> params::list(const std::string& key) const {
  const value* v = find(key);
  if (!v) throw input_error("missing parameter '" + key + "'");
  if (const double* d = std::get_if<double>(v)) return {*d};
  const auto* l = std::get_if<std::vector<double>>(v);
  if (!l) throw input_error("parameter '" + key + "' must be a list of numbers");
  for (double x : *l)
    if (!std::isfinite(x)) throw input_error("parameter '" + key + "' must hold finite numbers");
  return *l;
}

void params::reject_unused(const std::string& owner) const {
  for (const auto& [key, v] : values_)
    if (!used_.count(key) && !defaulted_.count(key)) throw input_error("unknown parameter '" + key + "' for " + owner);
}

}  // namespace dmt
