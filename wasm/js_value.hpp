// Conversions between JavaScript values and the library's inputs, and the one place where a C++
// error becomes a JavaScript Error. Every binding runs its body through `guarded`, so a bad
// argument never aborts the module: the caller gets an Error whose message names the problem.
#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dmt/params.hpp"

namespace dmt::js {

using emscripten::val;

// A plain JS value (object, array, string, finite number, boolean, null) as JSON. Throws
// input_error naming the path of the first value JSON cannot hold ("sampler config: 'step_size'
// is NaN", functions, undefined inside arrays, typed arrays are copied as arrays of numbers).
nlohmann::json to_json(const val& v, const std::string& where);
// JSON -> a fresh JS value (JSON.parse of the text: objects, arrays, numbers, strings).
val from_json(const nlohmann::json& j);

// A Float32Array / Float64Array / Array of finite numbers copied into a vector whose length must be a
// positive multiple of `multiple` (0: any length, empty allowed). `what` names the argument.
std::vector<float> floats(const val& v, std::size_t multiple, const std::string& what);
std::vector<double> doubles(const val& v, std::size_t multiple, const std::string& what);

// Copies into a new Float32Array / Float64Array owned by JS.
val float32_array(const float* p, std::size_t n);
val float64_array(const double* p, std::size_t n);
// A view on wasm memory (no copy): valid until the module's memory grows or the owner changes.
val float32_view(const float* p, std::size_t n);

// A non-negative integer (JS number) within [lo, hi]; input_error naming `what` otherwise.
long integer(const val& v, const std::string& what, long lo, long hi);

// Throws a JS Error with this message (never returns).
[[noreturn]] void throw_error(const std::string& message);

// Runs f(); a C++ exception becomes a JS Error with its message. The message is copied out of the
// handler first so that nothing of f's frame is live when the JS exception unwinds the stack.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
  static std::string message;
  try {
    return f();
  } catch (const std::exception& e) {
    message = e.what();
  } catch (...) {
    message = "unknown error";
  }
  throw_error(message);
}

}  // namespace dmt::js
