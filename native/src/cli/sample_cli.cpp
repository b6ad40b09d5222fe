// `dmt sample`: a registry sampler on a registry target (flags over an optional JSON config), or a
// trained diffusion sampler (--model).
#include <iostream>
#include <memory>

#include "cli_command.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/native/sample_command.hpp"
#include "dmt/registry.hpp"

namespace dmt::cli {
namespace {

struct options {
  std::string config, target_name, sampler_name, model;
  std::vector<std::string> target_params, sampler_params;
  long particles = -1, steps = -1, seed = -1, reference = -1, repeats = 1;
  int threads = -1;
  double step_size = -1;
  std::string out, metrics, init, weights, device;
  bool strict = false;
  CLI::Option* repeats_option = nullptr;
};

void run_model(const options& o) {
  if (!o.target_name.empty() || !o.sampler_name.empty() || !o.config.empty() || !o.init.empty())
    throw input_error("--model samples a trained model; it takes no --target, --sampler, --config or --init");
  if (o.seed < -1) throw input_error("seed must be non-negative");
  if (o.steps == 0 || o.steps < -1 || o.steps >= 65536) throw input_error("--steps must be between 1 and 65535");
  run_model_sample(o.model, o.particles == -1 ? 10000 : o.particles, o.steps == -1 ? 0 : static_cast<int>(o.steps),
                   o.seed == -1 ? 1 : static_cast<std::uint64_t>(o.seed), o.threads == -1 ? 0 : o.threads, o.out);
}

// The config file's settings with the flags over them.
sample_request request_of(const options& o) {
  sample_request r;
  if (!o.config.empty()) r = read_sample_config(o.config);
  if (!o.target_name.empty()) r.target["name"] = o.target_name;
  if (!o.sampler_name.empty()) r.sampler["name"] = o.sampler_name;
  auto add = [](nlohmann::json& component, const std::vector<std::string>& texts, const char* where) {
    for (const auto& kv : texts) {
      params p;
      set_param_from_text(p, kv, where);
      component.update(params_to_json(p));
    }
  };
  add(r.target, o.target_params, "target");
  add(r.sampler, o.sampler_params, "sampler");
  if (o.step_size != -1) r.sampler["step_size"] = o.step_size;
  if (o.particles != -1) r.particles = o.particles;
  if (o.steps != -1) r.steps = o.steps;
  if (o.seed != -1) {
    if (o.seed < 0) throw input_error("seed must be non-negative");
    r.seed = static_cast<std::uint64_t>(o.seed);
  }
  if (o.threads != -1) r.threads = o.threads;
  if (o.reference != -1) r.reference_samples = o.reference;
  if (o.repeats_option->count() > 0) r.repeats = o.repeats;
  for (const auto& [flag, field] :
       {std::pair{&o.out, &r.out}, std::pair{&o.metrics, &r.metrics}, std::pair{&o.init, &r.init},
        std::pair{&o.weights, &r.weights}, std::pair{&o.device, &r.device}})
    if (!flag->empty()) *field = *flag;
  if (!r.target.contains("name")) throw input_error("no target given (use --target or a config file)");
  if (!r.sampler.contains("name")) throw input_error("no sampler given (use --sampler or a config file)");
  return r;
}

}  // namespace

void add_sample_command(CLI::App& app, std::vector<command>& out) {
  auto o = std::make_shared<options>();
  const std::string weighted = names_with(component_kind::sampler, &capabilities::weighted);
  auto* s = app.add_subcommand("sample", "run a sampler; write samples (NPY) and metrics (JSON)");
  s->add_option("--config", o->config, "JSON file with the same settings (flags override it)");
  s->add_option("--target", o->target_name, "target name (see `dmt targets`)");
  s->add_option("--target-param", o->target_params, "target parameter key=value (repeatable)");
  s->add_option("--sampler", o->sampler_name, "sampler name (see `dmt samplers`)");
  s->add_option("--sampler-param", o->sampler_params, "sampler parameter key=value (repeatable)");
  s->add_option("--particles", o->particles, "number of particles (default 10000)");
  s->add_option("--steps", o->steps, "number of steps (default 2000)");
  s->add_option("--step-size", o->step_size, "step size h (sampler parameter step_size)");
  s->add_option("--seed", o->seed, "random seed (default 1)");
  s->add_option("--threads", o->threads, "worker threads (default: all cores; results do not depend on it)");
  s->add_option(
      "--device", o->device,
      "cpu (default) or cuda (" + names_with(component_kind::sampler, &capabilities::cuda) + "; builds with DMT_CUDA)");
  s->add_option("--reference-samples", o->reference, "exact samples drawn for the metrics (default 20000)");
  o->repeats_option = s->add_option("--repeats", o->repeats,
                                    "weighted samplers (" + weighted +
                                        "): K independent runs (seeds SEED .. SEED+K-1); the metrics gain log Z's mean "
                                        "and standard error (samples and weights are the first run's)");
  s->add_option("--init", o->init, "initial particles, NPY float32 (particles x dim)");
  s->add_option("--out", o->out, "samples output, NPY float32 (particles x dim)");
  s->add_option("--metrics", o->metrics, "metrics output, JSON");
  s->add_option("--weights", o->weights,
                "weighted samplers (" + weighted +
                    "): normalised weights, NPY float32 (particles x 1); default OUT_weights.npy beside --out");
  s->add_option("--model", o->model, "sample a trained diffusion sampler (model.dmt) instead of a sampler");
  s->add_flag("--strict", o->strict,
              "exit with status 3 when the estimate carries a warning (weighted samplers: ESS collapse, Pareto "
              "k-hat, non-finite weights; the outputs are still written)");
  out.push_back({s, [o] {
                   if (!o->model.empty()) return run_model(*o);
                   const sample_request r = request_of(*o);
                   const auto m = run_sample(r);
                   if (r.metrics.empty()) std::cout << m.dump(2) << "\n";
                   report_warnings(m["warnings"].get<std::vector<std::string>>(), m["sampler"]["name"].get<std::string>(),
                                   o->strict);
                 }});
}

}  // namespace dmt::cli
