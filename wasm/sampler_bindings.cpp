// dmt.Sampler: a registry sampler as a step-wise object (init, step, zero-copy particles, stats).
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "dmt/metrics/chain_ess.hpp"
#include "dmt/native/json_params.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"
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
            it.key() != "init")
          throw input_error("unknown sampler config key '" + it.key() + "' (target, sampler, particles, seed, init)");
      if (!c.contains("target")) throw input_error("sampler config names no target");
      const nlohmann::json tj = component(c["target"], "target");
      const nlohmann::json sj = c.contains("sampler") ? component(c["sampler"], "sampler") : nlohmann::json{{"name", "mala"}};
      const long particles = c.contains("particles") ? integer(config["particles"], "particles", 1, 10000000) : 1000;
      const long seed = c.contains("seed") ? integer(config["seed"], "seed", 0, 2147483647) : 1;
      auto t = make_target(tj["name"].get<std::string>(), params_from_json(tj, "target", {"name"}));
      params sp = params_from_json(sj, "sampler", {"name"});
      // a live view traces a few chains only (the trace grows by one row per step)
      if (!sp.has("trace_particles")) sp.set("trace_particles", 16.0);
      const sampler_settings settings = parse_sampler(sj["name"].get<std::string>(), sp);
      auto s = std::make_unique<sampler>(*t, settings, static_cast<std::size_t>(particles), static_cast<std::uint64_t>(seed));
      if (c.contains("init")) {
        const auto x0 = floats(config["init"], static_cast<std::size_t>(t->dim()), "init");
        if (x0.size() != static_cast<std::size_t>(particles) * t->dim())
          throw input_error("init has length " + std::to_string(x0.size()) + ", expected particles x dim = " +
                            std::to_string(particles * t->dim()));
        s->set_particles(x0);
      }
      // commit only when everything above succeeded
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
  val log_densities() const {
    return guarded([&] { return float32_view(live().log_densities().data(), live().log_densities().size()); });
  }

  val stats() const {
    return guarded([&] {
      const sampler& s = live();
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
      double mean = 0.0;
      for (float v : s.log_densities()) mean += v;
      j["meanLogDensity"] = mean / static_cast<double>(s.size());
      // MCMC samplers have no importance weights or log Z estimate; the weighted samplers fill these
      j["ess"] = nullptr;
      j["logZ"] = nullptr;
      j["logNormaliser"] = target_->log_normaliser() ? nlohmann::json(*target_->log_normaliser()) : nlohmann::json(nullptr);
      return from_json(j);
    });
  }

  int dim() const { return target_ ? target_->dim() : 0; }
  int size() const { return sampler_ ? static_cast<int>(sampler_->size()) : 0; }

 private:
  const sampler& live() const {
    if (!sampler_) throw input_error("sampler not initialised: call init(config) first");
    return *sampler_;
  }
  sampler& live() {
    if (!sampler_) throw input_error("sampler not initialised: call init(config) first");
    return *sampler_;
  }
  std::unique_ptr<target> target_;
  std::unique_ptr<sampler> sampler_;
  nlohmann::json target_json_;
  std::string sampler_name_;
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
      .function("stats", &js_sampler::stats);
}
