// dmt.Target: a registry target evaluated on Float32Array batches.
#include <emscripten/bind.h>

#include <memory>

#include "dmt/targets/registry.hpp"
#include "js_value.hpp"
#include "dmt/config/json_params.hpp"

namespace dmt::js {
namespace {

class js_target {
 public:
  js_target(const std::string& name, const val& parameters) {
    nlohmann::json p = parameters.isUndefined() ? nlohmann::json::object() : to_json(parameters, "target parameters");
    if (!p.is_object()) throw input_error("target parameters must be an object");
    t_ = make_target(name, params_from_json(p, "target"));
  }
  std::string name() const { return t_->name(); }
  int dim() const { return t_->dim(); }

  val log_density(const val& x) const {
    return guarded([&] {
    const auto xs = floats(x, t_->dim(), "x");
    const std::size_t n = xs.size() / t_->dim();
    std::vector<float> out(n);
    t_->evaluate(xs.data(), n, out.data(), nullptr);
    return float32_array(out.data(), n);
    });
  }
  val gradient(const val& x) const {
    return guarded([&] {
    const auto xs = floats(x, t_->dim(), "x");
    const std::size_t n = xs.size() / t_->dim();
    std::vector<float> lr(n), g(xs.size());
    t_->evaluate(xs.data(), n, lr.data(), g.data());
    return float32_array(g.data(), g.size());
    });
  }
  val log_normaliser() const { return t_->log_normaliser() ? val(*t_->log_normaliser()) : val::null(); }
  bool has_exact_sampler() const { return t_->has_exact_sampler(); }
  val sample_exact(const val& n, const val& seed) const {
    return guarded([&] {
    const long count = integer(n, "sample count", 1, 10000000);
    const long s = seed.isUndefined() ? 1 : integer(seed, "seed", 0, 2147483647);
    if (!t_->has_exact_sampler()) throw input_error("target '" + t_->name() + "' has no exact sampler");
    std::vector<float> out(static_cast<std::size_t>(count) * t_->dim());
    t_->sample_exact(static_cast<std::uint64_t>(s), static_cast<std::size_t>(count), out.data());
    return float32_array(out.data(), out.size());
    });
  }
  val sample_exact1(const val& n) const { return sample_exact(n, val::undefined()); }
  val modes() const {
    const auto m = t_->mode_locations();
    return float64_array(m.data(), m.size());
  }
  double mode_radius() const { return t_->mode_radius(); }
  val parameters() const {
    nlohmann::json j = params_to_json(t_->resolved_params());
    return from_json(j);
  }

 private:
  std::unique_ptr<target> t_;
};

js_target* make_js_target1(const val& name);
js_target* make_js_target(const val& name, const val& parameters) {
  return guarded([&] {
    if (!name.isString()) throw input_error("target name must be a string");
    return new js_target(name.as<std::string>(), parameters);
  });
}

js_target* make_js_target1(const val& name) { return make_js_target(name, val::undefined()); }

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_target) {
  using namespace dmt::js;
  emscripten::class_<js_target>("Target")
      .constructor(&make_js_target, emscripten::allow_raw_pointers())
      .constructor(&make_js_target1, emscripten::allow_raw_pointers())
      .property("name", &js_target::name)
      .property("dim", &js_target::dim)
      .property("hasExactSampler", &js_target::has_exact_sampler)
      .property("modeRadius", &js_target::mode_radius)
      .function("logDensity", &js_target::log_density)
      .function("gradient", &js_target::gradient)
      .function("logNormaliser", &js_target::log_normaliser)
      .function("sampleExact", &js_target::sample_exact)
      .function("sampleExact", &js_target::sample_exact1)
      .function("modes", &js_target::modes)
      .function("parameters", &js_target::parameters);
}
