// Maximum marginal likelihood from JS (docs/mmle.md): mmle() lists the models and algorithms,
// fit(config) runs a whole fit request and returns the metrics `dmt fit` writes, and dmt.Fitter
// advances one model + algorithm a few steps at a time (the demo's Fit panel). Configs use the
// CLI's JSON keys (model, algorithm | algorithms, particles, steps, step_size, burn_in, seed,
// warm_start, repeats).
#include <emscripten/bind.h>

#include <memory>

#include "dmt/config/component_json.hpp"
#include "dmt/config/fit_request.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

fit_request request_of(const val& config) {
  nlohmann::json c = to_json(config, "fit config");
  if (c.is_object() && (c.contains("out") || c.contains("threads")))
    throw input_error("fit config: 'out' and 'threads' are for the command line");
  return fit_request_from_json(c);
}

val mmle_list() {
  return from_json(nlohmann::ordered_json{{"models", components_json(component_kind::model)},
                                          {"algorithms", components_json(component_kind::algorithm)}});
}

val fit_all(const val& config) {
  return guarded([&] {
    const fit_request rq = request_of(config);
    const fit_run run = run_fit(rq, serial_executor());
    nlohmann::ordered_json m = fit_metrics_json(run, rq);
    for (std::size_t a = 0; a < run.outcomes.size(); ++a) {
      const fit_result& r = run.outcomes[a].runs.front();
      m["algorithms"][a]["theta_path"] = r.theta_path;
      if (!r.log_z_path.empty()) m["algorithms"][a]["log_z_path"] = r.log_z_path;
    }
    return from_json(m);
  });
}

class js_fitter {
 public:
  void init(const val& config) {
    guarded([&] {
      fit_request rq = request_of(config);
      if (rq.algorithms.size() != 1) throw input_error("a Fitter runs one algorithm (give 'algorithm')");
      if (rq.repeats != 1) throw input_error("a Fitter runs once ('repeats' is for fit())");
      fit_plan plan = plan_fit(rq);
      auto session = std::make_unique<fit_session>(*plan.model, *plan.algorithms.front(), plan.outcomes.front().settings);
      // commit only when everything above succeeded
      session_.reset();
      plan_ = std::move(plan);
      request_ = rq;
      session_ = std::move(session);
    });
  }
  int step(const val& k) {
    return guarded([&] { return static_cast<int>(live().advance(integer(k, "step count", 0, 100000000))); });
  }
  val theta_path() const { return guarded([&] { return float64_array(live().theta_path().data(), live().theta_path().size()); }); }
  val log_z_path() const {
    return guarded([&] {
      const auto& z = live().log_z_path();
      return z.empty() ? val::null() : float64_array(z.data(), z.size());
    });
  }
  val particles() const { return guarded([&] { return float64_array(live().cloud().x.data(), live().cloud().x.size()); }); }
  val stats() const {
    return guarded([&] {
      const fit_session& s = live();
      const latent_model& m = *plan_.model;
      const fit_result r = s.result();
      nlohmann::json j;
      j["model"] = m.name();
      j["algorithm"] = plan_.outcomes.front().algorithm;
      j["step"] = s.step();
      j["steps"] = plan_.outcomes.front().settings.steps;
      j["done"] = s.done();
      j["thetaNames"] = m.theta_names();
      j["theta"] = s.cloud().theta;
      j["thetaMean"] = r.theta_mean;
      j["latentDim"] = m.latent_dim();
      j["particles"] = s.cloud().n;
      const auto lz = r.log_z();
      j["logZ"] = lz ? nlohmann::json(*lz) : nlohmann::json(nullptr);
      j["ess"] = r.ess_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.ess_path.back());
      if (auto mle = m.theta_mle()) j["thetaMleExact"] = *mle;
      if (r.predictions)
        j["test"] = {{"rows", r.predictions->test_rows},
                     {"lppd", r.predictions->lppd},
                     {"errorPooled", r.predictions->error_pooled},
                     {"errorPerParticle", r.predictions->error_per_particle}};
      else
        j["test"] = nullptr;
      return from_json(j);
    });
  }
  // The metrics `dmt fit` writes for this run (so far).
  val result() const {
    return guarded([&] {
      fit_outcome o = plan_.outcomes.front();
      o.runs.push_back(live().result());
      return from_json(fit_metrics_json(*plan_.model, {o}, request_));
    });
  }

 private:
  const fit_session& live() const {
    if (!session_) throw input_error("fitter not initialised: call init(config) first");
    return *session_;
  }
  fit_session& live() {
    if (!session_) throw input_error("fitter not initialised: call init(config) first");
    return *session_;
  }
  fit_plan plan_;
  fit_request request_;
  std::unique_ptr<fit_session> session_;
};

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_fit) {
  using namespace dmt::js;
  emscripten::function("mmle", &mmle_list);
  emscripten::function("fit", &fit_all);
  emscripten::class_<js_fitter>("Fitter")
      .constructor<>()
      .function("init", &js_fitter::init)
      .function("step", &js_fitter::step)
      .function("thetaPath", &js_fitter::theta_path)
      .function("logZPath", &js_fitter::log_z_path)
      .function("particles", &js_fitter::particles)
      .function("stats", &js_fitter::stats)
      .function("result", &js_fitter::result);
}
