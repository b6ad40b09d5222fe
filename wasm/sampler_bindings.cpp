// dmt.Sampler: a registry sampler as a step-wise object (init, step, zero-copy particles, stats).
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "dmt/metrics/chain_ess.hpp"
#include "dmt/metrics/exact_comparison_warnings.hpp"
#include "dmt/metrics/split_rhat.hpp"
#include "dmt/metrics/mode_coverage.hpp"
#include "dmt/metrics/weight_diagnostics.hpp"
#include "dmt/config/sampling_setup.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

// A name or {"name": ..., parameters...}.
nlohmann::json component(const nlohmann::json& c, const std::string& what) {
  nlohmann::json o = c.is_string() ? nlohmann::json{{"name", c}} : c;
  if (!o.is_object() || !o.contains("name") || !o["name"].is_string())
    throw input_error("sampler config: '" + what + "' must be a name or an object with a \"name\"");
  return o;
}

constexpr std::size_t kEssWindow = 2000;  // stats(): chain ESS over the last steps traced

class js_sampler {
 public:
  void init(const val& config) {
    guarded([&] {
      const nlohmann::json c = to_json(config, "sampler config");
      if (!c.is_object()) throw input_error("sampler config must be an object");
      for (auto it = c.begin(); it != c.end(); ++it)
        if (it.key() != "target" && it.key() != "sampler" && it.key() != "particles" && it.key() != "seed" &&
            it.key() != "init" && it.key() != "steps")
          throw input_error("unknown sampler config key '" + it.key() +
                            "' (target, sampler, particles, seed, steps, init)");
      if (!c.contains("target")) throw input_error("sampler config names no target");
      const nlohmann::json tj = component(c["target"], "target");
      const nlohmann::json sj = c.contains("sampler") ? component(c["sampler"], "sampler") : nlohmann::json{{"name", "mala"}};
      const long particles = c.contains("particles") ? integer(config["particles"], "particles", 1, 10000000) : 1000;
      const long seed = c.contains("seed") ? integer(config["seed"], "seed", 0, 2147483647) : 1;
      // "steps": the planned run length, for the run-dependent defaults (MALA's adapt_steps: half of
      // it, as `dmt sample`); without it the run is open-ended (the registry's defaults say how)
      run_context run;
      if (c.contains("steps")) run.steps = integer(config["steps"], "steps", 0, 100000000);
      else run.open_ended = true;
      sampling_setup setup = setup_sampling(tj, sj, run);
      auto s = setup.make(static_cast<std::size_t>(particles), static_cast<std::uint64_t>(seed));
      auto t = std::move(setup.target);
      if (c.contains("init")) {
        const auto x0 = floats(config["init"], static_cast<std::size_t>(t->dim()), "init");
        if (x0.size() != static_cast<std::size_t>(particles) * t->dim())
          throw input_error("init has length " + std::to_string(x0.size()) + ", expected particles x dim = " +
                            std::to_string(particles * t->dim()));
        s->set_particles(x0);
      }
      // the modes as many exact samples cover: what stats() compares the particles with
      double exact_coverage = NAN;
      std::vector<double> modes = t->mode_locations();
      if (!modes.empty() && t->has_exact_sampler()) {
        std::vector<float> ref(static_cast<std::size_t>(particles) * t->dim());
        t->sample_exact(static_cast<std::uint64_t>(seed) + 1, static_cast<std::size_t>(particles), ref.data());
        exact_coverage =
            mode_coverage(ref.data(), static_cast<std::size_t>(particles), t->dim(), modes, t->mode_radius());
      }
      // commit only when everything above succeeded
      exact_coverage_ = exact_coverage;
      modes_ = std::move(modes);
      sampler_.reset();
      target_ = std::move(t);
      sampler_ = std::move(s);
      target_json_ = tj;
      sampler_name_ = sj["name"].get<std::string>();
    });
  }

  void step(const val& k) {
    guarded([&] {
      const long steps = integer(k, "step count", 0, 100000000);
      live().run(steps);
    });
  }

  val particles() const {
    return guarded([&] { return float32_view(live().particles().data(), live().particles().size()); });
  }
  // normalised importance weights W_i (weighted samplers), a copy; null otherwise
  val weights() const {
    return guarded([&] {
      const auto* lw = live().log_weights();
      if (!lw) return val::null();
      std::vector<float> w(lw->size());
      for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(std::exp((*lw)[i]));
      return float32_array(w.data(), w.size());
    });
  }
  val log_densities() const {
    return guarded([&] { return float32_view(live().log_densities().data(), live().log_densities().size()); });
  }

  val stats() const {
    return guarded([&] {
      const particle_sampler& s = live();
      nlohmann::json j;
      j["sampler"] = sampler_name_;
      j["target"] = target_json_["name"];
      j["steps"] = s.steps_done();
      j["particles"] = s.size();
      j["dim"] = target_->dim();
      j["stepSize"] = s.step_size();
      const double acc = s.acceptance_rate();
      j["acceptance"] = std::isfinite(acc) ? nlohmann::json(acc) : nlohmann::json(nullptr);
      const std::size_t m = s.trace_count();
      const std::size_t rows = m ? s.trace().size() / m : 0;
      const std::size_t w = std::min(rows, kEssWindow);
      j["chainEss"] = w >= 4 ? nlohmann::json(chain_ess(s.trace().data() + (rows - w) * m, w, m)) : nlohmann::json(nullptr);
      j["chainEssWindow"] = w;
      j["chains"] = m;
      // rank-normalised split R-hat of x0 (metrics/split_rhat.hpp) over the second half of the trace,
      // at most its last kEssWindow steps (dmt sample's: the second half), and its warning
      const std::size_t rw = std::min(rows / 2, kEssWindow);
      const double rhat = m >= 1 && rw >= 4 ? split_rhat(s.trace().data() + (rows - rw) * m, rw, m)
                                            : std::numeric_limits<double>::quiet_NaN();
      j["rhat"] = std::isfinite(rhat) ? nlohmann::json(rhat) : nlohmann::json(nullptr);
      double mean = 0.0;
      for (float v : s.log_densities()) mean += v;
      j["meanLogDensity"] = mean / static_cast<double>(s.size());
      // importance weights and log Z: the weighted samplers (smc); null for the MCMC ones
      j["ess"] = s.log_weights() ? nlohmann::json(s.ess()) : nlohmann::json(nullptr);
      j["logZ"] = s.log_z() ? nlohmann::json(*s.log_z()) : nlohmann::json(nullptr);
      // the weight diagnostics of `dmt sample` (metrics/weight_diagnostics.hpp) and their warnings
      j["warnings"] = nlohmann::json::array();
      if (s.log_weights()) {
        const auto d = diagnose_weights(*s.log_weights(), s.ess_history(), s.resampling_count(), s.steps_done());
        j["minEss"] = d.min_ess;
        j["paretoK"] = d.pareto_k && std::isfinite(*d.pareto_k) ? nlohmann::json(*d.pareto_k) : nlohmann::json(nullptr);
        j["warnings"] = d.warnings;
      }
      // unweighted samplers: the target's modes the particles cover, against as many exact samples
      // (`dmt sample`'s warning, metrics/exact_comparison_warnings.hpp), so that the page says so when
      // the particles miss modes (weighted samplers have their weight diagnostics and log Z instead)
      if (std::isfinite(exact_coverage_) && !s.log_weights()) {
        exact_comparison cmp;
        cmp.coverage = mode_coverage(s.particles().data(), s.size(), target_->dim(), modes_, target_->mode_radius());
        cmp.coverage_exact = exact_coverage_;
        cmp.modes = modes_.size() / static_cast<std::size_t>(target_->dim());
        j["modeCoverage"] = *cmp.coverage;
        j["modeCoverageExact"] = exact_coverage_;
        for (const auto& warning : exact_comparison_warnings(cmp)) j["warnings"].push_back(warning);
      }
      const std::string rhat_warning = split_rhat_warning(
          rhat, "the last " + std::to_string(rw) + " steps of the " + std::to_string(m) + " traced chains");
      if (!rhat_warning.empty()) j["warnings"].push_back(rhat_warning);
      if (s.path_beta()) j["beta"] = *s.path_beta();
      j["energyEvaluations"] = s.energy_evaluations();
      j["logNormaliser"] = target_->log_normaliser() ? nlohmann::json(*target_->log_normaliser()) : nlohmann::json(nullptr);
      return from_json(j);
    });
  }

  int dim() const { return target_ ? target_->dim() : 0; }
  int size() const { return sampler_ ? static_cast<int>(sampler_->size()) : 0; }

 private:
  const particle_sampler& live() const {
    if (!sampler_) throw input_error("sampler not initialised: call init(config) first");
    return *sampler_;
  }
  particle_sampler& live() {
    if (!sampler_) throw input_error("sampler not initialised: call init(config) first");
    return *sampler_;
  }
  std::unique_ptr<target> target_;
  std::unique_ptr<particle_sampler> sampler_;
  nlohmann::json target_json_;
  std::string sampler_name_;
  double exact_coverage_ = NAN;  // of as many exact samples as particles; NaN: the target has no modes listed
  std::vector<double> modes_;    // the target's mode locations (modes x dim), listed once at init
};

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_sampler) {
  using namespace dmt::js;
  emscripten::class_<js_sampler>("Sampler")
      .constructor<>()
      .property("dim", &js_sampler::dim)
      .property("size", &js_sampler::size)
      .function("init", &js_sampler::init)
      .function("step", &js_sampler::step)
      .function("particles", &js_sampler::particles)
      .function("logDensities", &js_sampler::log_densities)
      .function("weights", &js_sampler::weights)
      .function("stats", &js_sampler::stats);
}
