#include "dmt/native/sample_command.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <limits>
#include <memory>
#include <thread>

#include "dmt/config/json_params.hpp"
#include "dmt/config/sampling_setup.hpp"
#include "dmt/metrics/chain_ess.hpp"
#include "dmt/metrics/split_rhat.hpp"
#include "dmt/metrics/weight_diagnostics.hpp"
#include "dmt/metrics/energy_distance.hpp"
#include "dmt/metrics/mmd.hpp"
#include "dmt/metrics/exact_comparison_warnings.hpp"
#include "dmt/metrics/mode_coverage.hpp"
#include "dmt/metrics/moments.hpp"
#include "dmt/metrics/sliced_wasserstein.hpp"
#include "dmt/native/atomic_file.hpp"
#include "dmt/native/device_sampler.hpp"
#include "dmt/native/npy.hpp"
#include "dmt/native/progress_bar.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/native/trained_model.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/samplers/smc.hpp"

namespace dmt {
namespace {

nlohmann::json as_component(const nlohmann::json& j, const std::string& what) {
  if (j.is_string()) return nlohmann::json{{"name", j}};
  if (!j.is_object()) throw input_error(what + " must be a name or an object with a \"name\"");
  return j;
}

template <class T>
T config_number(const nlohmann::json& c, const char* key, T fallback) {
  if (!c.contains(key)) return fallback;
  const auto& v = c[key];
  if (!v.is_number()) throw input_error(std::string("config key '") + key + "' must be a number");
  if constexpr (std::is_integral_v<T>) {
    const double d = v.get<double>();
    if (d != std::floor(d)) throw input_error(std::string("config key '") + key + "' must be an integer");
    // in range before the cast (found by tests/fuzz: 1e41 cast to long was undefined behaviour)
    if (!(d >= -1e15 && d <= 1e15) ||
        d < static_cast<double>(std::numeric_limits<T>::min()) || d > static_cast<double>(std::numeric_limits<T>::max()))
      throw input_error(std::string("config key '") + key + "' is out of range");
    return static_cast<T>(d);
  } else {
    return v.get<T>();
  }
}

}  // namespace

sample_request read_sample_config(const std::string& path) {
  return sample_config_from_text(read_text_file(path, "config"), path);
}

sample_request sample_config_from_text(const std::string& text, const std::string& path) {
  nlohmann::json c;
  try {
    c = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number past double
    throw input_error("malformed JSON in '" + path + "': " + e.what());
  }
  if (!c.is_object()) throw input_error("config '" + path + "' must hold a JSON object");
  static const char* known[] = {"target", "sampler", "particles", "steps",   "seed",   "threads", "reference_samples",
                                "out",    "metrics", "init",      "weights", "device", "repeats"};
  for (auto it = c.begin(); it != c.end(); ++it)
    if (std::find_if(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }) ==
        std::end(known))
      throw input_error("unknown config key '" + it.key() + "' in '" + path + "'");
  sample_request r;
  if (c.contains("target")) r.target = as_component(c["target"], "config key 'target'");
  if (c.contains("sampler")) r.sampler = as_component(c["sampler"], "config key 'sampler'");
  r.particles = config_number<long>(c, "particles", r.particles);
  r.steps = config_number<long>(c, "steps", r.steps);
  const long seed = config_number<long>(c, "seed", 1);
  if (seed < 0) throw input_error("seed must be non-negative");
  r.seed = static_cast<std::uint64_t>(seed);
  r.threads = config_number<int>(c, "threads", r.threads);
  r.reference_samples = config_number<long>(c, "reference_samples", r.reference_samples);
  r.repeats = config_number<long>(c, "repeats", r.repeats);
  for (const char* k : {"out", "metrics", "init", "weights", "device"})
    if (c.contains(k)) {
      if (!c[k].is_string()) throw input_error(std::string("config key '") + k + "' must be a string");
      const std::string key = k;
      (key == "out"       ? r.out
       : key == "metrics" ? r.metrics
       : key == "init"    ? r.init
       : key == "device"  ? r.device
                          : r.weights) = c[k].get<std::string>();
    }
  return r;
}

namespace {

// The output files, opened before the work so that an unwritable path fails at once; renamed into
// place only after everything succeeded (commit).
struct sample_outputs {
  sample_outputs(const sample_request& r, const std::string& sampler_name, bool weighted) {
    if (!r.out.empty()) samples = std::make_unique<atomic_file>(r.out);
    std::string weights_path = r.weights;
    if (weights_path.empty() && !r.out.empty() && weighted)
      weights_path =
          (r.out.size() > 4 && r.out.compare(r.out.size() - 4, 4, ".npy") == 0 ? r.out.substr(0, r.out.size() - 4)
                                                                               : r.out) +
          "_weights.npy";
    if (!weights_path.empty() && !weighted)
      throw input_error("sampler '" + sampler_name + "' has no weights to write (--weights)");
    if (!weights_path.empty()) weights = std::make_unique<atomic_file>(weights_path);
    if (!r.metrics.empty()) metrics = std::make_unique<atomic_file>(r.metrics);
  }
  void write(const particle_sampler& s, int d, const nlohmann::ordered_json& m) {
    const std::size_t n = s.size();
    if (samples) samples->write(npy_bytes(s.particles().data(), n, static_cast<std::size_t>(d)));
    if (weights) {  // normalised weights W_i (float32, n x 1) of the particles written to --out
      std::vector<float> w(n);
      for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>(std::exp((*s.log_weights())[i]));
      weights->write(npy_bytes(w.data(), n, 1));
    }
    if (metrics) metrics->write(m.dump(2) + "\n");
    for (auto* f : {samples.get(), weights.get(), metrics.get()})
      if (f) f->commit();
  }
  std::unique_ptr<atomic_file> samples, weights, metrics;
};

// --init: particles x dim finite numbers.
std::vector<float> initial_particles_from(const sample_request& r, int dim) {
  const npy_array a = read_npy(r.init);
  if (a.rows != static_cast<std::size_t>(r.particles) || a.cols != static_cast<std::size_t>(dim))
    throw input_error("initial particles in '" + r.init + "' have shape (" + std::to_string(a.rows) + ", " +
                      std::to_string(a.cols) + "), expected (" + std::to_string(r.particles) + ", " +
                      std::to_string(dim) + ")");
  for (float v : a.data)
    if (!std::isfinite(v)) throw input_error("initial particles in '" + r.init + "' contain NaN or Inf");
  return a.data;
}

// --repeats: independent runs with the next seeds; samples, weights and the other metrics are the
// first run's. The standard error is that of the mean of log Z over the runs.
void add_repeat_metrics(nlohmann::ordered_json& m, const sample_request& r, const sampling_setup& setup,
                        const particle_sampler& first, const thread_pool& pool) {
  std::vector<double> log_zs = {first.log_z() ? *first.log_z() : std::nan("")};
  std::vector<std::uint64_t> seeds = {r.seed};
  long evaluations = first.energy_evaluations();
  for (long k = 1; k < r.repeats; ++k) {
    const std::uint64_t seed_k = r.seed + static_cast<std::uint64_t>(k);
    const auto sk = make_sampler_on(r.device, setup, static_cast<std::size_t>(r.particles), seed_k, pool);
    progress_bar bar(r.steps, setup.sampler_name + " on " + setup.target_name + ", repeat " + std::to_string(k + 1) +
                                  " of " + std::to_string(r.repeats));
    sk->run(r.steps, pool, [&](long done) { bar.update(done); });
    bar.finish();
    log_zs.push_back(sk->log_z() ? *sk->log_z() : std::nan(""));
    seeds.push_back(seed_k);
    evaluations += sk->energy_evaluations();
  }
  double mean = 0.0, var = 0.0;
  for (double v : log_zs) mean += v / double(log_zs.size());
  for (double v : log_zs) var += (v - mean) * (v - mean) / double(log_zs.size() - 1);
  m["repeats"] = r.repeats;
  m["repeat_seeds"] = seeds;
  m["log_z_repeats"] = log_zs;
  m["log_z_mean"] = std::isfinite(mean) ? nlohmann::json(mean) : nlohmann::json(nullptr);
  m["log_z_standard_error"] =
      std::isfinite(var) ? nlohmann::json(std::sqrt(var / double(log_zs.size()))) : nlohmann::json(nullptr);
  const target& t = *setup.target;
  if (std::isfinite(mean) && t.log_normaliser()) m["log_z_mean_error"] = mean - *t.log_normaliser();
  m["energy_evaluations_all_repeats"] = evaluations;
}

// A systematic resample of weighted particles (n x d): the equally weighted set the metrics against
// exact samples see.
std::vector<float> systematic_resample(const particle_sampler& s, int d) {
  const std::size_t n = s.size();
  const std::vector<double>& lw = *s.log_weights();
  std::vector<float> out(n * d);
  double cum = 0.0;
  std::size_t i = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double u = (k + 0.5) / double(n);
    while (i + 1 < n && cum + std::exp(lw[i]) < u) cum += std::exp(lw[i++]);
    std::copy(s.particles().begin() + i * d, s.particles().begin() + (i + 1) * d, out.begin() + k * d);
  }
  return out;
}

// Sample metrics against exact samples of the target (seed + 1).
// `cmp` gains the mode coverages and the mean's squared error with its sampling noise under exact
// sampling of n independent particles.
nlohmann::ordered_json vs_exact_metrics(const float* x, std::size_t n, const target& t, const sample_request& r,
                                        exact_comparison& cmp) {
  const int d = t.dim();
  const std::size_t n_ref = std::min<std::size_t>(n, static_cast<std::size_t>(r.reference_samples));
  std::vector<float> ref(n_ref * d);
  const std::uint64_t ref_seed = r.seed + 1;
  t.sample_exact(ref_seed, n_ref, ref.data());
  const std::size_t n_kernel = std::min<std::size_t>(n_ref, 2000);
  const double bw = median_bandwidth(x, n_kernel, ref.data(), n_kernel, d);
  nlohmann::ordered_json e;
  e["reference_samples"] = n_ref;
  e["reference_seed"] = ref_seed;
  const double mean_err = mean_error(x, n, ref.data(), n_ref, d);
  e["mean_error"] = mean_err;
  e["covariance_error"] = covariance_error(x, n, ref.data(), n_ref, d);
  e["sliced_w2"] = sliced_wasserstein(x, ref.data(), n_ref, d, 128, r.seed);
  // the same distance between two exact samples of this size: the noise level the warning compares with
  {
    std::vector<float> ref2(n_ref * d);
    t.sample_exact(r.seed + 2, n_ref, ref2.data());
    cmp.sliced_w2 = e["sliced_w2"].get<double>();
    cmp.sliced_w2_exact = sliced_wasserstein(ref2.data(), ref.data(), n_ref, d, 128, r.seed);
    e["sliced_w2_exact_vs_exact"] = *cmp.sliced_w2_exact;
  }
  e["mmd2_rbf"] = mmd2_rbf(x, n_kernel, ref.data(), n_kernel, d, bw);
  e["mmd_bandwidth"] = bw;
  e["mmd_points"] = n_kernel;
  e["energy_distance"] = energy_distance(x, n_kernel, ref.data(), n_kernel, d);
  const auto modes = t.mode_locations();
  if (!modes.empty()) {
    cmp.coverage = mode_coverage(x, n, d, modes, t.mode_radius());
    cmp.coverage_exact = mode_coverage(ref.data(), n_ref, d, modes, t.mode_radius());
    cmp.modes = modes.size() / static_cast<std::size_t>(d);  // mode_locations: modes x dim, flattened
    e["mode_coverage"] = *cmp.coverage;
    e["mode_coverage_exact"] = *cmp.coverage_exact;
  }
  // the mean's sampling noise: tr(Cov) (1/n + 1/n_ref), tr(Cov) from the exact samples' variances
  const std::vector<double> mr = sample_mean(ref.data(), n_ref, d);
  double trace = 0.0;
  for (std::size_t i = 0; i < n_ref; ++i)
    for (int k = 0; k < d; ++k) {
      const double c = ref[i * d + k] - mr[k];
      trace += c * c;
    }
  trace /= double(n_ref - 1);
  const double sq = mean_err * mean_err;
  cmp.mean_sq_error = sq;
  cmp.mean_sq_noise = trace * (1.0 / double(n) + 1.0 / double(n_ref));
  e["mean_error_noise_ratio"] = *cmp.mean_sq_noise > 0 ? nlohmann::json(sq / *cmp.mean_sq_noise) : nlohmann::json(nullptr);
  return e;
}

// The run's settings and the sampler's own statistics.
nlohmann::ordered_json run_metrics(const sample_request& r, const sampling_setup& setup, const particle_sampler& s,
                                   int threads, double wall) {
  const target& t = *setup.target;
  nlohmann::ordered_json m;
  m["target"] = setup.target_json();
  m["sampler"] = setup.sampler_json();
  m["particles"] = r.particles;
  m["steps"] = r.steps;
  m["seed"] = r.seed;
  m["threads"] = threads;
  m["device"] = r.device;
  m["dim"] = t.dim();
  m["wall_time_s"] = wall;
  m["particle_steps_per_s"] = wall > 0 ? double(r.particles) * r.steps / wall : 0.0;
  m["final_step_size"] = s.step_size();
  const double acc = s.acceptance_rate();
  m["acceptance_rate"] = std::isfinite(acc) ? nlohmann::json(acc) : nlohmann::json(nullptr);
  const std::size_t trace_rows = s.trace().size() / std::max<std::size_t>(s.trace_count(), 1);
  m["chain_ess_x0"] = trace_rows >= 4 && s.trace_count() > 0
                          ? nlohmann::json(chain_ess(s.trace().data(), trace_rows, s.trace_count()))
                          : nlohmann::json(nullptr);
  m["chain_ess_chains"] = s.trace_count();
  // rank-normalised split R-hat of x0 over the traced chains' second half (the first half is warm-up:
  // MALA adapts for the first steps / 2 by default); metrics/split_rhat.hpp
  std::optional<double> rhat;
  if (trace_rows >= 8 && s.trace_count() > 0) {
    const std::size_t warm = trace_rows / 2;
    const double v = split_rhat(s.trace().data() + warm * s.trace_count(), trace_rows - warm, s.trace_count());
    if (!std::isnan(v)) rhat = v;
  }
  m["rhat_x0"] = rhat ? nlohmann::json(*rhat) : nlohmann::json(nullptr);
  if (t.log_normaliser()) m["log_normaliser"] = *t.log_normaliser();
  m["energy_evaluations"] = s.energy_evaluations();
  if (s.log_weights()) {
    m["log_z"] = s.log_z() ? nlohmann::json(*s.log_z()) : nlohmann::json(nullptr);
    if (s.log_z() && t.log_normaliser()) m["log_z_error"] = *s.log_z() - *t.log_normaliser();
    m["ess"] = s.ess();
    m["ess_history"] = s.ess_history();
    if (const auto* smc = dynamic_cast<const smc_sampler*>(&s)) m["temperatures"] = smc->betas().size() - 1;
    if (s.path_beta()) m["final_beta"] = *s.path_beta();
    if (s.resampling_count()) m["resamplings"] = *s.resampling_count();
    const weight_diagnostics d = diagnose_weights(*s.log_weights(), s.ess_history(), s.resampling_count(), r.steps);
    nlohmann::ordered_json j;
    j["min_ess"] = d.min_ess;
    j["min_ess_fraction"] = d.particles ? d.min_ess / double(d.particles) : 0.0;
    j["min_ess_step"] = d.min_ess_step;
    j["resampled_fraction"] = d.resampled_fraction ? nlohmann::json(*d.resampled_fraction) : nlohmann::json(nullptr);
    j["max_weight"] = d.max_weight;
    j["non_finite_weights"] = d.non_finite;
    j["pareto_k"] = d.pareto_k ? nlohmann::json(*d.pareto_k) : nlohmann::json(nullptr);
    j["pareto_k_threshold"] = d.pareto_k_threshold;
    m["weight_diagnostics"] = j;
    m["warnings"] = d.warnings;
  } else {
    m["warnings"] = nlohmann::json::array();
  }
  if (rhat) {
    const std::string w =
        split_rhat_warning(*rhat, "the second half of the " + std::to_string(s.trace_count()) + " traced chains");
    if (!w.empty()) m["warnings"].push_back(w);
  }
  return m;
}

}  // namespace

nlohmann::ordered_json run_sample(const sample_request& r) {
  if (r.particles <= 0) throw input_error("particle count must be positive (got " + std::to_string(r.particles) + ")");
  if (r.steps < 0) throw input_error("step count must be non-negative (got " + std::to_string(r.steps) + ")");
  if (r.threads < 0) throw input_error("thread count must be non-negative");
  if (r.reference_samples < 2) throw input_error("reference_samples must be at least 2");
  if (r.target.contains("name") && r.target["name"].is_string())
    require_cuda_target(r.device, r.target["name"].get<std::string>());
  check_device(r.device);
  if (r.repeats < 1 || r.repeats > 100000)
    throw input_error("repeats must be between 1 and 100000 (got " + std::to_string(r.repeats) + ")");
  // the registry resolves every parameter once; run-dependent defaults (MALA's adapt_steps: half
  // the steps) are computed there from the run length
  sampling_setup setup = setup_sampling(r.target, r.sampler, run_context{r.steps, false});
  const std::string& sampler_name = setup.sampler_name;
  const target& t = *setup.target;
  const bool weighted = setup.sampler_spec->caps.weighted;
  if (weighted && !r.init.empty())
    throw input_error(
        sampler_name +
        (sampler_name == "pnais" ? " draws its particles from its proposals" : " starts from its Gaussian reference") +
        "; it takes no --init");
  if (r.repeats > 1 && !weighted)
    throw input_error("--repeats estimates log Z's standard error; sampler '" + sampler_name + "' has no log Z (" +
                      names_with(component_kind::sampler, &capabilities::weighted) + " have)");
  const int threads = r.threads > 0 ? r.threads : std::max(1u, std::thread::hardware_concurrency());
  thread_pool pool(threads);
  const auto t0 = std::chrono::steady_clock::now();
  // built (and its parameters validated) before any output is opened
  auto sp = make_sampler_on(r.device, setup, static_cast<std::size_t>(r.particles), r.seed, pool);
  sample_outputs outputs(r, sampler_name, weighted);
  // Defaults that leave the finite numbers restart once with the sampler's on_divergence settings
  // (registry), each where the caller left the default; a setting the caller gave is never changed.
  nlohmann::ordered_json restart;
  for (;;) {
    try {
      if (!r.init.empty()) sp->set_particles(initial_particles_from(r, t.dim()), pool);
      progress_bar bar(r.steps, sampler_name + " on " + setup.target_name);
      sp->run(r.steps, pool, [&](long done) { bar.update(done); });
      bar.finish();
      break;
    } catch (const nonfinite_error& e) {
      if (!restart.is_null())
        throw input_error(std::string(e.what()) + ", also after restarting with " + restart["with"].dump());
      params changed;
      for (const auto& [key, value] : setup.sampler_spec->on_divergence)
        if (!setup.sampler_params.given(key)) {
          setup.sampler_params.set_default(key, value);
          changed.set(key, value);
        }
      if (changed.values().empty()) throw;
      const nlohmann::json with = params_to_json(changed);
      restart["after"] = e.what();
      restart["with"] = with;
      std::fprintf(stderr, "dmt: note: %s: the defaults diverged (%s); restarted with %s\n", sampler_name.c_str(),
                   e.what(), with.dump().c_str());
      sp = make_sampler_on(r.device, setup, static_cast<std::size_t>(r.particles), r.seed, pool);
    }
  }
  particle_sampler& s = *sp;
  const auto seconds_since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  nlohmann::ordered_json m = run_metrics(r, setup, s, threads, seconds_since_start());
  if (!restart.is_null()) m["restarted"] = restart;
  const float* x = s.particles().data();
  std::vector<float> resampled;
  if (s.log_weights()) {
    if (r.repeats > 1) {
      add_repeat_metrics(m, r, setup, s, pool);
      m["wall_time_all_repeats_s"] = seconds_since_start();
    }
    resampled = systematic_resample(s, t.dim());
    x = resampled.data();
    m["vs_exact_uses"] = "a systematic resample of the weighted particles";
  }
  // the answers a benchmark target knows, against the run's (metrics/exact_comparison_warnings.hpp)
  exact_comparison cmp;
  if (s.log_weights() && s.log_z() && t.log_normaliser()) {
    cmp.log_z = *s.log_z();
    cmp.log_z_exact = *t.log_normaliser();
  }
  if (t.has_exact_sampler() && s.size() >= 2) m["vs_exact"] = vs_exact_metrics(x, s.size(), t, r, cmp);
  // the mean test assumes independent particles: not a resample of weighted ones, which share ancestors
  if (s.log_weights()) cmp.mean_sq_error.reset();
  for (const std::string& w : exact_comparison_warnings(cmp)) m["warnings"].push_back(w);
  outputs.write(s, t.dim(), m);
  return m;
}

void run_model_sample(const std::string& model_path, long particles, int steps, std::uint64_t seed, int threads,
                      const std::string& out) {
  if (particles <= 0) throw input_error("particle count must be positive (got " + std::to_string(particles) + ")");
  if (particles > 2000000000L) throw input_error("at most 2e9 particles");
  const trained_model m = load_trained_model(model_path);
  const int T = steps > 0 ? steps : m.training_steps();
  if (T >= 65536) throw input_error("at most 65535 steps");
  std::unique_ptr<atomic_file> file;
  if (!out.empty()) file = std::make_unique<atomic_file>(out);
  thread_pool pool(thread_count(threads));
  const int d = m.config.dim;
  const auto grid = make_time_grid(time_grid_spec{grid_kind::uniform, T, {}}, make_philox_key(seed), 0);
  std::vector<float> x(static_cast<std::size_t>(particles) * d);
  const reward<float> reward = target_reward(*m.tgt, pool);
  constexpr long kChunk = 16384;  // particles per pass (memory); the noise is keyed by the particle index
  trajectory_batch<float> traj;
  progress_bar bar(particles, "sample model");
  for (long p0 = 0; p0 < particles; p0 += kChunk) {
    const int nb = static_cast<int>(std::min(kChunk, particles - p0));
    simulate_forward(*m.model, grid, nb, trajectory_rng{make_philox_key(seed), 0, 3, static_cast<std::uint32_t>(p0)},
                     reward, false, traj, 0.0, pool);
    std::copy(traj.state(T), traj.state(T) + static_cast<std::ptrdiff_t>(nb) * d, x.begin() + p0 * d);
    bar.update(p0 + nb);
  }
  bar.finish();
  for (float v : x)
    if (!std::isfinite(v)) throw input_error("the model produced non-finite samples");
  if (file) {
    file->write(npy_bytes(x.data(), static_cast<std::size_t>(particles), static_cast<std::size_t>(d)));
    file->commit();
  }
}

}  // namespace dmt
