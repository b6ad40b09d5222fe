// The registry: every component (target, sampler, loss, and the kinds later waves add) described
// once -- its name, summary, parameters (type, default, meaning, allowed values), capabilities and
// factory. `dmt targets` / `dmt samplers`, their --json, the wasm lists, the web demo's forms, the
// CUDA refusal ("no CUDA implementation of ...") and the C++ defaults (parse_smc({}) etc.) all read
// it, so each default is written in exactly one place: the component's own source file, which
// registers it with DMT_REGISTER_COMPONENTS (see the end of this header).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/params.hpp"

namespace dmt {

class target;
class particle_sampler;
class latent_model;
class mmle_algorithm;

enum class component_kind { target, sampler, loss, model, algorithm };
const char* kind_name(component_kind k);  // "target", "sampler", ...

enum class param_type { number, integer, boolean, string, list, number_or_list };
const char* type_name(param_type t);  // "number", "integer", ...

// What a run-dependent default may depend on.
struct run_context {
  std::optional<long> steps;  // the planned number of steps of a sampling run, where known
  bool open_ended = false;    // a run stepped without end (the JS Sampler initialised without "steps")
};

struct param_spec {
  std::string name;
  param_type type = param_type::number;
  params::value default_value;  // booleans as 0 / 1
  std::string meaning;
  std::vector<std::string> choices;  // strings: the allowed values (documented; the component checks them)
  // A default computed from the parameters resolved before this one (in declaration order) and the
  // run; default_text then says how (e.g. "half the run's steps (500 open-ended)").
  std::function<params::value(const params& resolved, const run_context& run)> computed_default;
  std::string default_text;  // printed default; empty: default_value formatted

  std::string documented_default() const;
  // Fluent setters for the specs' tables.
  param_spec& one_of(std::vector<std::string> c) {
    choices = std::move(c);
    return *this;
  }
  param_spec& shown_as(std::string text) {  // a default whose value says little ({} for "identity")
    default_text = std::move(text);
    return *this;
  }
  param_spec& computed(std::function<params::value(const params&, const run_context&)> f, std::string text) {
    computed_default = std::move(f);
    default_text = std::move(text);
    return *this;
  }
};

// Parameter spec constructors (the default's type follows the parameter's).
param_spec number_param(std::string name, double def, std::string meaning);
param_spec integer_param(std::string name, long def, std::string meaning);
param_spec boolean_param(std::string name, bool def, std::string meaning);
param_spec string_param(std::string name, std::string def, std::string meaning);
param_spec list_param(std::string name, std::vector<double> def, std::string meaning);
// a number, or a list (one per coordinate); the default is a number
param_spec number_or_list_param(std::string name, double def, std::string meaning);

// A computed default: `value` repeated dim times (dim: the resolved parameter "dim"); empty when dim
// is out of [1, 4096], which the component then refuses.
std::function<params::value(const params&, const run_context&)> dim_filled(double value);

struct capabilities {
  bool weighted = false;        // samplers: importance weights and a log Z estimate
  bool needs_gradient = true;   // samplers: grad log R of the target
  bool needs_hessian = false;   // samplers: Hessian-vector products / Hessians of the target
  bool full_support = false;    // samplers: need log R finite everywhere (refuse a target with bounded support)
  bool cuda = false;            // has a CUDA implementation (`--device cuda`)
  bool wasm = true;             // available in the WebAssembly module
  bool exact_sampler = false;   // targets: an exact sampler (metrics against exact samples)
  bool log_normaliser = false;  // targets: log Z known
};

using target_factory = std::function<std::unique_ptr<target>(const params& resolved)>;
using sampler_factory = std::function<std::unique_ptr<particle_sampler>(
    const params& resolved, const target& t, std::size_t particles, std::uint64_t seed, const executor& exec)>;

using model_factory = std::function<std::unique_ptr<latent_model>(const params& resolved)>;
using algorithm_factory = std::function<std::unique_ptr<mmle_algorithm>(const params& resolved)>;

struct component_spec {
  component_kind kind = component_kind::sampler;
  std::string name{};
  std::string summary{};
  std::vector<param_spec> parameters{};
  capabilities caps{};
  double listing_order = 1000;   // position in listings (then by name)
  target_factory make_target{};  // kind target
  sampler_factory make_sampler{};  // kind sampler
  model_factory make_model{};      // kind model (latent-variable models for dmt fit)
  algorithm_factory make_algorithm{};  // kind algorithm (MMLE algorithms for dmt fit)
  // Kinds without a factory (losses): checks resolved parameters (input_error for bad values).
  std::function<void(const params& resolved)> validate{};
  // Samplers: the settings `dmt sample` restarts a run with, once, when the sampler's defaults leave
  // the finite numbers (nonfinite_error); each replaces a default only, never a parameter the caller
  // gave. Empty: no restart (a sampler that adapts its step, or whose defaults never diverged).
  std::vector<std::pair<std::string, params::value>> on_divergence{};

  const param_spec* parameter(const std::string& key) const;
  std::string owner() const { return std::string(kind_name(kind)) + " " + name; }  // "sampler mala"
};

class registry {
 public:
  static registry& global();
  void add(component_spec spec);  // throws std::logic_error on a duplicate (kind, name)
  // Every component of a kind, in listing order.
  std::vector<const component_spec*> list(component_kind kind) const;
  const component_spec* find(component_kind kind, const std::string& name) const;
  // find, or input_error("unknown sampler 'x' (known: ula, mala, ...)").
  const component_spec& get(component_kind kind, const std::string& name) const;

 private:
  std::vector<std::unique_ptr<component_spec>> specs_;
};

// The given parameters with every documented default filled in (marked as defaults, so that
// reject_unused only checks what the caller gave). Throws input_error for a key the component does
// not document ("unknown parameter 'x' for sampler mala") or a value of the wrong type.
params resolve_params(const component_spec& spec, const params& given, const run_context& run = {});
// "a, b, c": the names of the components of a kind that have the capability (e.g. &capabilities::cuda).
std::string names_with(component_kind kind, bool capabilities::*flag);
// input_error("sampler 'x' has no CUDA implementation yet (on cuda: ...)") unless its entry says cuda.
void require_cuda(const component_spec& spec);

// resolve_params through the global registry by kind and name.
params resolve_params(component_kind kind, const std::string& name, const params& given, const run_context& run = {});

// The component's description as the listings show it (name, summary, parameters with their
// documented defaults).
component_doc describe(const component_spec& spec);
std::vector<component_doc> describe_all(component_kind kind);

// Registration from a component's own source file:
//   DMT_REGISTER_COMPONENTS(funnel) { r.add({...}); }
// core/CMakeLists.txt finds every use in core/src and generates a call of each, so the object file
// is always linked (a static library drops objects nothing refers to). Other code (tests, plugins)
// may call registry::global().add directly.
#define DMT_REGISTER_COMPONENTS(id) void dmt_register_##id(::dmt::registry& r)

}  // namespace dmt
