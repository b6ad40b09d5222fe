// A maximum-marginal-likelihood run as JSON (docs/mmle.md): the model, one or more algorithms, the
// run settings (defaults: the model's reference experiment) and repeats. Shared by `dmt fit` /
// `dmt select` and the WebAssembly module's fit(); device-free (core + nlohmann-json).
//   {"model": {"name": "blr_wisconsin", ...parameters}, "algorithm": "pgd" | {"name": ..., ...}
//    | "algorithms": [...], "particles": 100, "steps": 400, "step_size": 0.01, "burn_in": 200,
//    "seed": 1, "warm_start": 0, "repeats": 1, "threads": 0, "out": "run/"}
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/mmle/fit.hpp"

namespace dmt {

struct fit_request {
  nlohmann::json model = nlohmann::json::object();  // {"name": ..., parameters...}
  std::vector<nlohmann::json> algorithms;           // each {"name": ..., parameters...}
  std::optional<long> particles, steps, burn_in;    // absent: the model's defaults for the algorithm
  std::optional<double> step_size;
  std::uint64_t seed = 1;
  long warm_start = 0;  // steps of single-particle PMGD before the run (fit_settings::warm_start; one shared by the repeats)
  long repeats = 1;  // independent runs, seeds seed .. seed + repeats - 1
  int threads = 0;   // 0: all hardware threads (native)
  std::string out;   // dmt fit: the output directory
};

// From a JSON object (a config file's content); unknown keys and wrong types are input_errors.
fit_request fit_request_from_json(const nlohmann::json& j);

struct fit_outcome {
  std::string algorithm;
  params algorithm_params;  // resolved
  fit_settings settings;    // completed (per repeat, seed = settings.seed + r)
  std::vector<fit_result> runs;
  double wall_time_s = 0.0;  // all repeats
};

struct fit_run {
  std::unique_ptr<latent_model> model;
  std::vector<fit_outcome> outcomes;  // one per algorithm, in request order
};

// The request's model and algorithms built and every setting completed (the model's defaults) and
// checked, before anything runs.
struct fit_plan {
  std::unique_ptr<latent_model> model;
  std::vector<std::unique_ptr<mmle_algorithm>> algorithms;
  std::vector<fit_outcome> outcomes;  // names, resolved parameters and settings; no runs yet
};
fit_plan plan_fit(const fit_request& request);

// progress(algorithm index, repeat, steps done, steps of the run)
fit_run run_fit(const fit_request& request, const executor& exec,
                const std::function<void(std::size_t, long, long, long)>& progress = {});

// metrics: model (name, parameters, exact theta_MLE / log p(y) where known), per algorithm its
// settings, theta (final, averaged after burn-in), log Z, test scores, wall time, repeats' spread,
// and warnings naming any diagnostic that failed.
nlohmann::ordered_json fit_metrics_json(const latent_model& model, const std::vector<fit_outcome>& outcomes,
                                        const fit_request& request);
inline nlohmann::ordered_json fit_metrics_json(const fit_run& run, const fit_request& request) {
  return fit_metrics_json(*run.model, run.outcomes, request);
}

// The diagnostics behind the warnings, per run: theta still drifting after burn-in (the means of
// the two halves of theta_burn_in..theta_K differ by more than one standard deviation of that
// path), JALA-EM's final ESS below 10 % of N (log Z unreliable).
std::vector<std::string> fit_warnings(const fit_result& r, const fit_settings& s, const latent_model& m);

}  // namespace dmt
