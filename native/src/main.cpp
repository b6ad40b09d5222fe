// The `dmt` command: lists components and runs samplers. Every user-facing error is one line on
// stderr ("dmt: error: ...") with exit code 2.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iomanip>
#include <iostream>

#include "dmt/config/component_json.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/native/ot_command.hpp"
#include "dmt/native/sample_command.hpp"
#include "dmt/native/train_command.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"

namespace {

// `dmt targets` / `dmt samplers`: the registry's entries, as text or JSON.
void print_components(dmt::component_kind kind, bool json) {
  if (json) {
    std::cout << dmt::components_json(kind).dump(2) << "\n";
    return;
  }
  for (const dmt::component_spec* c : dmt::registry::global().list(kind)) {
    std::cout << c->name << "  " << c->summary << "\n";
    for (const auto& p : c->parameters)
      std::cout << "    " << std::left << std::setw(16) << p.name << " default " << std::setw(10) << p.documented_default()
                << " " << p.meaning << "\n";
  }
}

int fail(const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n') c = ' ';
  std::fprintf(stderr, "dmt: error: %s\n", line.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dmt: dynamic measure transport -- sampling unnormalised densities"};
  app.require_subcommand(1);
  bool json = false;
  auto* targets = app.add_subcommand("targets", "list the targets, their parameters and defaults");
  targets->add_flag("--json", json, "machine-readable output");
  auto* samplers = app.add_subcommand("samplers", "list the samplers, their parameters and defaults");
  samplers->add_flag("--json", json, "machine-readable output");

  auto* modes = app.add_subcommand("modes", "print a mixture target's mode locations as CSV");
  std::string modes_target;
  std::vector<std::string> modes_params;
  modes->add_option("--target", modes_target, "target name")->required();
  modes->add_option("--target-param", modes_params, "target parameter key=value (repeatable)");

  auto* sample = app.add_subcommand("sample", "run a sampler; write samples (NPY) and metrics (JSON)");
  std::string config, target_name, sampler_name;
  std::vector<std::string> target_params, sampler_params;
  long particles = -1, steps = -1, seed = -1, reference = -1;
  int threads = -1;
  double step_size = -1;
  std::string out, metrics, init, weights, device;
  sample->add_option("--config", config, "JSON file with the same settings (flags override it)");
  sample->add_option("--target", target_name, "target name (see `dmt targets`)");
  sample->add_option("--target-param", target_params, "target parameter key=value (repeatable)");
  sample->add_option("--sampler", sampler_name, "sampler name (see `dmt samplers`)");
  sample->add_option("--sampler-param", sampler_params, "sampler parameter key=value (repeatable)");
  sample->add_option("--particles", particles, "number of particles (default 10000)");
  sample->add_option("--steps", steps, "number of steps (default 2000)");
  sample->add_option("--step-size", step_size, "step size h (sampler parameter step_size)");
  sample->add_option("--seed", seed, "random seed (default 1)");
  sample->add_option("--threads", threads, "worker threads (default: all cores; results do not depend on it)");
  sample->add_option("--device", device,
                     "cpu (default) or cuda (" + dmt::names_with(dmt::component_kind::sampler, &dmt::capabilities::cuda) +
                         "; builds with DMT_CUDA)");
  sample->add_option("--reference-samples", reference, "exact samples drawn for the metrics (default 20000)");
  long repeats = 1;
  auto* repeats_opt = sample->add_option(
      "--repeats", repeats,
      "weighted samplers (" + dmt::names_with(dmt::component_kind::sampler, &dmt::capabilities::weighted) +
          "): K independent runs (seeds SEED .. SEED+K-1); the metrics gain log Z's mean and "
      "standard error (samples and weights are the first run's)");
  sample->add_option("--init", init, "initial particles, NPY float32 (particles x dim)");
  sample->add_option("--out", out, "samples output, NPY float32 (particles x dim)");
  sample->add_option("--metrics", metrics, "metrics output, JSON");
  sample->add_option("--weights", weights,
                     "weighted samplers (" + dmt::names_with(dmt::component_kind::sampler, &dmt::capabilities::weighted) +
                         "): normalised weights, NPY float32 (particles x 1); default OUT_weights.npy beside --out");
  std::string model;
  sample->add_option("--model", model, "sample a trained diffusion sampler (model.dmt) instead of a sampler");

  auto* train = app.add_subcommand("train", "train a diffusion sampler from a JSON config");
  std::string train_config, train_out;
  bool resume = false;
  long train_iterations = -1;
  int train_threads = -1;
  std::string train_device;
  train->add_option("config", train_config, "JSON config (see configs/)")->required();
  train->add_option("--out", train_out, "output directory (model.dmt, metrics.jsonl, loss.csv, samples.npy, report.svg)")
      ->required();
  train->add_flag("--resume", resume, "continue from the checkpoint in --out");
  train->add_option("--iterations", train_iterations, "override the config's iteration count");
  train->add_option("--threads", train_threads, "worker threads (default: all cores; results do not depend on it)");
  train->add_option("--device", train_device, "cpu (default) or cuda (every training setting; builds with DMT_CUDA)");

  auto* eval = app.add_subcommand("eval", "evaluate a trained diffusion sampler; prints JSON");
  std::string eval_model;
  long eval_samples = 2000, eval_steps = 0, eval_seed = 1;
  int eval_threads = 0;
  eval->add_option("--model", eval_model, "model file (model.dmt)")->required();
  eval->add_option("--samples", eval_samples, "evaluation samples K (default 2000)");
  eval->add_option("--steps", eval_steps, "time steps (default: the training T)");
  eval->add_option("--seed", eval_seed, "random seed (default 1)");
  eval->add_option("--threads", eval_threads, "worker threads (default: all cores)");

  auto* ot = app.add_subcommand("ot", "optimal transport: Gaussian closed forms, Sinkhorn, Schrodinger bridges");
  ot->require_subcommand(1);
  auto* ot_gauss = ot->add_subcommand("gaussian", "entropic OT between two Gaussians in closed form; prints JSON");
  dmt::ot_gaussian_request og;
  ot_gauss->add_option("--a", og.a, "first Gaussian, JSON {\"mean\": [...], \"cov\": [[...]]}")->required();
  ot_gauss->add_option("--b", og.b, "second Gaussian, same format")->required();
  ot_gauss->add_option("--reg", og.reg, "eps = 2 s^2 (POT's reg for the squared-Euclidean cost); 0 gives W2")->required();
  ot_gauss->add_option("--iterations", og.iterations, "also run N sweeps of the Gaussian Sinkhorn recursion");
  auto* ot_sink = ot->add_subcommand("sinkhorn", "log-domain Sinkhorn between point clouds (NPY); prints JSON");
  dmt::ot_sinkhorn_request os;
  ot_sink->add_option("--x", os.x, "first cloud, NPY n x d (float32 or float64)")->required();
  ot_sink->add_option("--y", os.y, "second cloud, NPY m x d")->required();
  ot_sink->add_option("--a", os.a, "weights of the first cloud, NPY (default uniform; must sum to 1)");
  ot_sink->add_option("--b", os.b, "weights of the second cloud, NPY (default uniform; must sum to 1)");
  ot_sink->add_option("--reg", os.reg, "eps")->required();
  ot_sink->add_option("--cost", os.cost, "sqeuclidean (default), euclidean, l1, lp:P");
  ot_sink->add_option("--iterations", os.iterations, "iteration limit (default 1000)");
  ot_sink->add_option("--tolerance", os.tolerance, "stop when the L1 marginal error is below this (default 1e-9)");
  ot_sink->add_flag("--eps-scaling", os.eps_scaling, "anneal eps from the cloud's diameter");
  ot_sink->add_flag("--divergence", os.divergence, "also compute the debiased Sinkhorn divergence");
  ot_sink->add_flag("--float32", os.float32, "single-precision kernels (faster, about 1e-6 relative)");
  ot_sink->add_flag("--no-prune", os.no_prune, "evaluate every pair (no block-sparse skipping of negligible ones)");
  ot_sink->add_option("--storage", os.storage,
                      "auto (default: a stored Gibbs kernel when n m <= 2^22), kernel, or online (memory O(n + m))");
  ot_sink->add_flag("--plan", os.plan, "write the n x m plan to --out instead of the potentials");
  ot_sink->add_option("--threads", os.threads, "worker threads (default: all cores; results do not depend on it)");
  ot_sink->add_option("--out", os.out, "potentials [f; g] as an (n + m) x 1 float64 NPY (or the plan with --plan)");
  auto* ot_bridge = ot->add_subcommand("bridge", "sample Schrodinger-bridge paths between two Gaussians");
  dmt::ot_bridge_request ob;
  long bridge_seed = 1;
  ot_bridge->add_option("--a", ob.a, "first Gaussian (JSON)")->required();
  ot_bridge->add_option("--b", ob.b, "second Gaussian (JSON)")->required();
  ot_bridge->add_option("--reg", ob.reg, "eps = 2 s^2; the reference process is s dW")->required();
  ot_bridge->add_option("--times", ob.times, "increasing times in [0, 1] (default 0,0.25,0.5,0.75,1)");
  ot_bridge->add_option("--paths", ob.paths, "number of paths (default 100)");
  ot_bridge->add_option("--seed", bridge_seed, "random seed (default 1)");
  ot_bridge->add_option("--out", ob.out, "paths x times x d float64 NPY");

  auto* ot_mix = ot->add_subcommand("mixture", "entropic OT between Gaussian mixtures or KDEs; prints JSON");
  dmt::ot_mixture_request om;
  long mix_seed = 1;
  ot_mix->add_option("--a", om.a, "mixture JSON {\"weights\", \"components\"} or {\"kde\": {\"points\", \"bandwidth\"}}")
      ->required();
  ot_mix->add_option("--b", om.b, "second mixture, same format")->required();
  ot_mix->add_option("--reg", om.reg, "eps")->required();
  ot_mix->add_option("--nodes", om.nodes, "Gauss-Hermite nodes per axis on each component (d <= 4)");
  ot_mix->add_option("--samples", om.samples, "or: draws per mixture (sample-based)");
  ot_mix->add_option("--seed", mix_seed, "random seed for --samples (default 1)");
  ot_mix->add_option("--iterations", om.iterations, "iteration limit (default 1000)");
  ot_mix->add_option("--tolerance", om.tolerance, "marginal-error stop (default 1e-9)");
  ot_mix->add_option("--threads", om.threads, "worker threads (default: all cores)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return fail(e.what());
  }

  try {
    if (targets->parsed()) print_components(dmt::component_kind::target, json);
    if (samplers->parsed()) print_components(dmt::component_kind::sampler, json);
    if (modes->parsed()) {
      dmt::params p;
      for (const auto& kv : modes_params) dmt::set_param_from_text(p, kv, "target");
      const auto t = dmt::make_target(modes_target, p);
      const auto m = t->mode_locations();
      if (m.empty()) throw dmt::input_error("target '" + modes_target + "' has no recorded modes");
      std::cout << std::setprecision(17);
      for (std::size_t i = 0; i < m.size(); ++i) std::cout << m[i] << ((i + 1) % t->dim() == 0 ? "\n" : ",");
    }
    if (ot_gauss->parsed()) std::cout << std::setprecision(17) << dmt::run_ot_gaussian(og).dump(2) << "\n";
    if (ot_sink->parsed()) std::cout << dmt::run_ot_sinkhorn(os).dump(2) << "\n";
    if (ot_bridge->parsed()) {
      if (bridge_seed < 0) throw dmt::input_error("seed must be non-negative");
      ob.seed = static_cast<std::uint64_t>(bridge_seed);
      std::cout << dmt::run_ot_bridge(ob).dump(2) << "\n";
    }
    if (ot_mix->parsed()) {
      if (mix_seed < 0) throw dmt::input_error("seed must be non-negative");
      om.seed = static_cast<std::uint64_t>(mix_seed);
      std::cout << dmt::run_ot_mixture(om).dump(2) << "\n";
    }
    if (train->parsed()) {
      dmt::train_request r = dmt::read_train_config(train_config);
      if (train_iterations != -1) {
        if (train_iterations < 0) throw dmt::input_error("--iterations must be non-negative");
        r.settings.iterations = train_iterations;
        r.config["iterations"] = train_iterations;
      }
      if (train_threads != -1) {
        if (train_threads < 0) throw dmt::input_error("thread count must be non-negative");
        r.threads = train_threads;
      }
      if (!train_device.empty()) r.device = train_device;
      r.out_dir = train_out;
      r.resume = resume;
      dmt::run_train(r);
    }
    if (eval->parsed()) {
      if (eval_seed < 0) throw dmt::input_error("seed must be non-negative");
      if (eval_samples < 2 || eval_samples > 1000000) throw dmt::input_error("--samples must be between 2 and 1000000");
      if (eval_steps < 0 || eval_steps >= 65536) throw dmt::input_error("--steps must be between 1 and 65535");
      std::cout << dmt::run_eval(eval_model, static_cast<int>(eval_samples), static_cast<int>(eval_steps),
                                 static_cast<std::uint64_t>(eval_seed), eval_threads)
                       .dump(2)
                << "\n";
    }
    if (sample->parsed() && !model.empty()) {
      if (!target_name.empty() || !sampler_name.empty() || !config.empty() || !init.empty())
        throw dmt::input_error("--model samples a trained model; it takes no --target, --sampler, --config or --init");
      if (seed < -1) throw dmt::input_error("seed must be non-negative");
      if (steps == 0 || steps < -1 || steps >= 65536) throw dmt::input_error("--steps must be between 1 and 65535");
      dmt::run_model_sample(model, particles == -1 ? 10000 : particles, steps == -1 ? 0 : static_cast<int>(steps),
                            seed == -1 ? 1 : static_cast<std::uint64_t>(seed), threads == -1 ? 0 : threads, out);
    } else if (sample->parsed()) {
      dmt::sample_request r;
      if (!config.empty()) r = dmt::read_sample_config(config);
      if (!target_name.empty()) r.target["name"] = target_name;
      if (!sampler_name.empty()) r.sampler["name"] = sampler_name;
      for (const auto& kv : target_params) {
        dmt::params p;
        dmt::set_param_from_text(p, kv, "target");
        r.target.update(dmt::params_to_json(p));
      }
      for (const auto& kv : sampler_params) {
        dmt::params p;
        dmt::set_param_from_text(p, kv, "sampler");
        r.sampler.update(dmt::params_to_json(p));
      }
      if (step_size != -1) r.sampler["step_size"] = step_size;
      if (particles != -1) r.particles = particles;
      if (steps != -1) r.steps = steps;
      if (seed != -1) {
        if (seed < 0) throw dmt::input_error("seed must be non-negative");
        r.seed = static_cast<std::uint64_t>(seed);
      }
      if (threads != -1) r.threads = threads;
      if (reference != -1) r.reference_samples = reference;
      if (repeats_opt->count() > 0) r.repeats = repeats;
      if (!out.empty()) r.out = out;
      if (!metrics.empty()) r.metrics = metrics;
      if (!init.empty()) r.init = init;
      if (!weights.empty()) r.weights = weights;
      if (!device.empty()) r.device = device;
      if (!r.target.contains("name")) throw dmt::input_error("no target given (use --target or a config file)");
      if (!r.sampler.contains("name")) throw dmt::input_error("no sampler given (use --sampler or a config file)");
      const auto m = dmt::run_sample(r);
      if (r.metrics.empty()) std::cout << m.dump(2) << "\n";
    }
  } catch (const dmt::input_error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what());
  }
  return 0;
}
