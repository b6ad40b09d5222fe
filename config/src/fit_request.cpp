#include "dmt/config/fit_request.hpp"

#include <chrono>
#include <cmath>

#include "dmt/config/json_params.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

nlohmann::json component_of(const nlohmann::json& v, const std::string& where) {
  if (v.is_string()) return nlohmann::json{{"name", v.get<std::string>()}};
  if (!v.is_object() || !v.contains("name") || !v["name"].is_string())
    throw input_error(where + " must be a name or an object with a \"name\"");
  return v;
}

template <class T>
T number_of(const nlohmann::json& j, const char* key) {
  const auto& v = j[key];
  if (!v.is_number()) throw input_error(std::string("fit config: '") + key + "' must be a number");
  const double d = v.get<double>();
  if constexpr (std::is_integral_v<T>) {
    if (d != std::floor(d) || std::abs(d) > 9e15) throw input_error(std::string("fit config: '") + key + "' must be an integer");
  }
  return static_cast<T>(d);
}

std::pair<std::string, params> split(const nlohmann::json& component, const char* where) {
  return {component["name"].get<std::string>(), params_from_json(component, where, {"name"})};
}

double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  double m = 0.0, s = 0.0;
  for (double x : v) m += x / double(v.size());
  for (double x : v) s += (x - m) * (x - m) / double(v.size() - 1);
  return std::sqrt(s);
}

nlohmann::ordered_json spread(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m += x / double(v.size());
  return {{"mean", m}, {"sd", stddev(v)}, {"values", v}};
}

// The population variance of theta_k (coordinate j) over k = burn_in..K: ParEM's "stationary variance".
double path_variance(const fit_result& r, const fit_settings& s, int j) {
  double m = 0.0, v = 0.0;
  const double n = double(s.steps - s.burn_in + 1);
  for (long k = s.burn_in; k <= s.steps; ++k) m += r.theta_path[k * r.theta_dim + j] / n;
  for (long k = s.burn_in; k <= s.steps; ++k) {
    const double e = r.theta_path[k * r.theta_dim + j] - m;
    v += e * e / n;
  }
  return v;
}

}  // namespace

fit_request fit_request_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw input_error("fit config must be a JSON object");
  static const std::vector<std::string> known = {"model", "algorithm", "algorithms", "particles", "steps", "step_size",
                                                 "burn_in", "seed", "warm_start", "repeats", "threads", "out"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      throw input_error("fit config: unknown key '" + it.key() + "'");
  fit_request r;
  if (j.contains("model")) r.model = component_of(j["model"], "fit config 'model'");
  if (j.contains("algorithm") && j.contains("algorithms"))
    throw input_error("fit config: give 'algorithm' or 'algorithms', not both");
  if (j.contains("algorithm")) r.algorithms.push_back(component_of(j["algorithm"], "fit config 'algorithm'"));
  if (j.contains("algorithms")) {
    if (!j["algorithms"].is_array()) throw input_error("fit config: 'algorithms' must be a list");
    for (const auto& a : j["algorithms"]) r.algorithms.push_back(component_of(a, "fit config 'algorithms' entry"));
  }
  if (j.contains("particles")) r.particles = number_of<long>(j, "particles");
  if (j.contains("steps")) r.steps = number_of<long>(j, "steps");
  if (j.contains("burn_in")) r.burn_in = number_of<long>(j, "burn_in");
  if (j.contains("step_size")) r.step_size = number_of<double>(j, "step_size");
  if (j.contains("seed")) {
    const long s = number_of<long>(j, "seed");
    if (s < 0) throw input_error("fit config: 'seed' must be non-negative");
    r.seed = static_cast<std::uint64_t>(s);
  }
  if (j.contains("repeats")) r.repeats = number_of<long>(j, "repeats");
  if (j.contains("warm_start")) r.warm_start = number_of<long>(j, "warm_start");
  if (j.contains("threads")) r.threads = number_of<int>(j, "threads");
  if (j.contains("out")) {
    if (!j["out"].is_string()) throw input_error("fit config: 'out' must be a string");
    r.out = j["out"].get<std::string>();
  }
  return r;
}

fit_plan plan_fit(const fit_request& rq) {
  if (!rq.model.contains("name")) throw input_error("no model given (use --model or a config file)");
  if (rq.algorithms.empty()) throw input_error("no algorithm given (use --algorithm or a config file)");
  if (rq.repeats < 1 || rq.repeats > 100000) throw input_error("repeats must be between 1 and 100000");
  fit_plan plan;
  const auto [model_name, model_params] = split(rq.model, "model");
  plan.model = make_latent_model(model_name, model_params);
  for (const auto& a : rq.algorithms) {
    const auto [name, given] = split(a, "algorithm");
    plan.algorithms.push_back(make_mmle_algorithm(name, given));
    fit_outcome o;
    o.algorithm = name;
    o.algorithm_params = resolve_params(component_kind::algorithm, name, given);
    fit_settings s;
    if (rq.particles && *rq.particles < 1) throw input_error("fit: particles must be in [1, 1e8]");
    s.particles = rq.particles ? static_cast<std::size_t>(*rq.particles) : 0;
    s.steps = rq.steps.value_or(0);
    s.step_size = rq.step_size.value_or(0.0);
    s.burn_in = rq.burn_in.value_or(0);
    s.seed = rq.seed;
    if (rq.warm_start < 0) throw input_error("fit: warm-start must be non-negative");
    s.warm_start = rq.warm_start;
    o.settings = complete_fit_settings(*plan.model, name, s, rq.particles.has_value(), rq.steps.has_value(),
                                       rq.step_size.has_value(), rq.burn_in.has_value());
    plan.outcomes.push_back(std::move(o));
  }
  return plan;
}

fit_run run_fit(const fit_request& rq, const executor& exec,
                const std::function<void(std::size_t, long, long, long)>& progress) {
  fit_plan plan = plan_fit(rq);
  fit_run run;
  run.model = std::move(plan.model);
  run.outcomes = std::move(plan.outcomes);
  auto& algorithms = plan.algorithms;
  for (std::size_t a = 0; a < run.outcomes.size(); ++a) {
    fit_outcome& o = run.outcomes[a];
    const auto start = std::chrono::steady_clock::now();
    for (long r = 0; r < rq.repeats; ++r) {
      fit_settings s = o.settings;
      s.seed = o.settings.seed + static_cast<std::uint64_t>(r);
      s.warm_start_seed = o.settings.seed;  // one warm start shared by the repeats
      // a fresh algorithm per repeat (its state: weights, Adam moments)
      auto alg = r == 0 ? std::move(algorithms[a])
                        : make_mmle_algorithm(o.algorithm, params_from_json(rq.algorithms[a], "algorithm", {"name"}));
      o.runs.push_back(fit(*run.model, *alg, s, exec, [&](long k) {
        if (progress) progress(a, r, k, s.steps);
      }));
    }
    o.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return run;
}

std::vector<std::string> fit_warnings(const fit_result& r, const fit_settings& s, const latent_model& m) {
  std::vector<std::string> w;
  const long first = s.burn_in, count = s.steps - s.burn_in + 1;
  if (count >= 10) {
    for (int j = 0; j < r.theta_dim; ++j) {
      std::vector<double> path;
      for (long k = first; k <= s.steps; ++k) path.push_back(r.theta_path[k * r.theta_dim + j]);
      const std::size_t half = path.size() / 2;
      double m1 = 0.0, m2 = 0.0;
      for (std::size_t i = 0; i < half; ++i) m1 += path[i] / double(half);
      for (std::size_t i = path.size() - half; i < path.size(); ++i) m2 += path[i] / double(half);
      const double sd = stddev(path);
      if (std::abs(m2 - m1) > sd && std::abs(m2 - m1) > 1e-12 * std::max(1.0, std::abs(m2)))
        w.push_back("theta '" + m.theta_names()[j] + "' still drifting after burn-in (halves' means differ by " +
                    std::to_string(std::abs(m2 - m1)) + " > their path's sd " + std::to_string(sd) +
                    "): increase steps or burn-in");
    }
  } else {
    w.push_back("fewer than 10 steps after burn-in: theta's stationarity is not checked");
  }
  if (!r.ess_path.empty() && r.ess_path.back() < 0.1 * double(s.particles))
    w.push_back("ESS fell to " + std::to_string(r.ess_path.back()) + " of " + std::to_string(s.particles) +
                " particles: log Z may be unreliable (use more particles or resampling)");
  return w;
}

nlohmann::ordered_json fit_metrics_json(const latent_model& m, const std::vector<fit_outcome>& outcomes,
                                        const fit_request& rq) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json model{{"name", m.name()}};
  model["parameters"] = params_to_json(m.resolved());
  model["theta_names"] = m.theta_names();
  if (auto mle = m.theta_mle()) {
    model["theta_mle_exact"] = *mle;
    if (auto lz = m.log_marginal(mle->data())) model["log_marginal_at_mle_exact"] = *lz;
  }
  j["model"] = model;
  j["repeats"] = rq.repeats;
  j["algorithms"] = nlohmann::ordered_json::array();
  for (const fit_outcome& o : outcomes) {
    nlohmann::ordered_json a{{"name", o.algorithm}};
    a["parameters"] = params_to_json(o.algorithm_params);
    a["settings"] = {{"particles", o.settings.particles}, {"steps", o.settings.steps},
                     {"step_size", o.settings.step_size}, {"burn_in", o.settings.burn_in}, {"seed", o.settings.seed},
                     {"warm_start", o.settings.warm_start}};
    const fit_result& r = o.runs.front();
    std::vector<double> theta_final(r.theta_path.end() - r.theta_dim, r.theta_path.end());
    a["theta_final"] = theta_final;
    a["theta_mean_after_burn_in"] = r.theta_mean;
    std::vector<double> path_var;
    for (int t = 0; t < r.theta_dim; ++t) path_var.push_back(path_variance(r, o.settings, t));
    a["theta_variance_after_burn_in"] = path_var;
    if (auto lz = m.log_marginal(r.theta_mean.data())) a["log_marginal_exact_at_theta_mean"] = *lz;
    if (auto lz = r.log_z()) {
      a["log_z"] = *lz;
      if (auto exact = m.log_marginal(theta_final.data())) a["log_marginal_exact_at_theta_final"] = *exact;
      a["ess_final"] = r.ess_path.back();
      a["resamplings"] = r.resamplings;
    }
    if (r.predictions) {
      a["test"] = {{"rows", r.predictions->test_rows},
                   {"lppd", r.predictions->lppd},
                   {"error_pooled_predictive", r.predictions->error_pooled},
                   {"error_per_particle", r.predictions->error_per_particle}};
    }
    a["wall_time_s"] = o.wall_time_s;
    nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
    for (const auto& w : fit_warnings(r, o.settings, m)) warnings.push_back(w);
    a["warnings"] = warnings;
    if (o.runs.size() > 1) {
      nlohmann::ordered_json rep;
      for (int t = 0; t < r.theta_dim; ++t) {
        std::vector<double> v;
        for (const auto& x : o.runs) v.push_back(x.theta_mean[t]);
        rep["theta_mean_after_burn_in"][m.theta_names()[t]] = spread(v);
        std::vector<double> pv;
        for (const auto& x : o.runs) pv.push_back(path_variance(x, o.settings, t));
        rep["theta_variance_after_burn_in"][m.theta_names()[t]] = spread(pv);
      }
      std::vector<double> lz, lppd, err, errp;
      for (const auto& x : o.runs) {
        if (auto z = x.log_z()) lz.push_back(*z);
        if (x.predictions) {
          lppd.push_back(x.predictions->lppd);
          err.push_back(x.predictions->error_pooled);
          errp.push_back(x.predictions->error_per_particle);
        }
      }
      if (!lz.empty()) rep["log_z"] = spread(lz);
      if (!lppd.empty()) {
        rep["test_lppd"] = spread(lppd);
        rep["test_error_pooled_predictive"] = spread(err);
        rep["test_error_per_particle"] = spread(errp);
      }
      a["repeats"] = rep;
    }
    j["algorithms"].push_back(a);
  }
  return j;
}

}  // namespace dmt
