#include "js_value.hpp"

#include <cmath>
#include <limits>

#include "dmt/params.hpp"

namespace dmt::js {
namespace {

std::string type_name(const val& v) {
  if (v.isNull()) return "null";
  if (v.isUndefined()) return "undefined";
  const std::string t = v.typeOf().as<std::string>();
  if (t != "object") return t;
  const val ctor = v["constructor"];
  if (!ctor.isUndefined() && !ctor.isNull() && !ctor["name"].isUndefined()) return ctor["name"].as<std::string>();
  return "object";
}

bool is_typed_number_array(const val& v) {
  return v.instanceof(val::global("Float32Array")) || v.instanceof(val::global("Float64Array")) ||
         v.instanceof(val::global("Int32Array")) || v.instanceof(val::global("Uint32Array")) ||
         v.instanceof(val::global("Int16Array")) || v.instanceof(val::global("Uint16Array")) ||
         v.instanceof(val::global("Int8Array")) || v.instanceof(val::global("Uint8Array"));
}

std::string describe_number(double x) { return std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity"); }

template <class T>
std::vector<T> numbers(const val& v, std::size_t multiple, const std::string& what) {
  const bool typed = is_typed_number_array(v);
  if (!typed && !v.isArray())
    throw input_error(what + " must be a Float32Array, Float64Array or Array of numbers (got " + type_name(v) + ")");
  if (v.isArray()) {
    const std::size_t n = v["length"].as<std::size_t>();
    for (std::size_t i = 0; i < n; ++i)
      if (!v[i].isNumber()) throw input_error(what + "[" + std::to_string(i) + "] is not a number (" + type_name(v[i]) + ")");
  }
  std::vector<T> out = emscripten::convertJSArrayToNumberVector<T>(v);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!std::isfinite(out[i])) throw input_error(what + "[" + std::to_string(i) + "] is " + describe_number(out[i]));
  if (multiple > 0 && (out.empty() || out.size() % multiple != 0))
    throw input_error(what + " has length " + std::to_string(out.size()) + ", not a positive multiple of " +
                      std::to_string(multiple));
  return out;
}

}  // namespace

nlohmann::json to_json(const val& v, const std::string& where) {
  if (v.isNull()) return nullptr;
  if (v.isTrue()) return true;
  if (v.isFalse()) return false;
  if (v.isNumber()) {
    const double x = v.as<double>();
    if (!std::isfinite(x)) throw input_error(where + " is " + describe_number(x));
    return x;
  }
  if (v.isString()) return v.as<std::string>();
  if (v.isArray() || is_typed_number_array(v)) {
    nlohmann::json a = nlohmann::json::array();
    const std::size_t n = v["length"].as<std::size_t>();
    for (std::size_t i = 0; i < n; ++i) a.push_back(to_json(v[i], where + "[" + std::to_string(i) + "]"));
    return a;
  }
  if (v.typeOf().as<std::string>() == "object") {
    nlohmann::json o = nlohmann::json::object();
    const val keys = val::global("Object").call<val>("keys", v);
    const std::size_t n = keys["length"].as<std::size_t>();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string k = keys[i].as<std::string>();
      const val item = v[k];
      if (item.isUndefined()) continue;  // {x: undefined} means x is not given
      o[k] = to_json(item, where + ": '" + k + "'");
    }
    return o;
  }
  throw input_error(where + " is a " + type_name(v) + ", which is not a number, string, boolean, list or object");
}

val from_json(const nlohmann::json& j) { return val::global("JSON").call<val>("parse", j.dump()); }

std::vector<float> floats(const val& v, std::size_t multiple, const std::string& what) {
  return numbers<float>(v, multiple, what);
}
std::vector<double> doubles(const val& v, std::size_t multiple, const std::string& what) {
  return numbers<double>(v, multiple, what);
}

val float32_array(const float* p, std::size_t n) {
  return val::global("Float32Array").new_(emscripten::typed_memory_view(n, p)) ;
}
val float64_array(const double* p, std::size_t n) {
  return val::global("Float64Array").new_(emscripten::typed_memory_view(n, p));
}
val float32_view(const float* p, std::size_t n) { return val(emscripten::typed_memory_view(n, p)); }

long integer(const val& v, const std::string& what, long lo, long hi) {
  if (!v.isNumber()) throw input_error(what + " must be a number (got " + type_name(v) + ")");
  const double x = v.as<double>();
  if (!std::isfinite(x)) throw input_error(what + " is " + describe_number(x));
  if (x != std::floor(x)) throw input_error(what + " must be an integer (got " + std::to_string(x) + ")");
  if (x < lo || x > hi)
    throw input_error(what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " +
                      std::to_string(static_cast<long long>(x)) + ")");
  return static_cast<long>(x);
}

void throw_error(const std::string& message) { val::global("Error").new_(message).throw_(); }

}  // namespace dmt::js
