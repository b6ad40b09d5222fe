// `dmt fit` (maximum marginal likelihood by interacting particles), `dmt select` (rank models by
// JALA-EM's log Z) and `dmt models` (the registry's models and algorithms).
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli_command.hpp"
#include "dmt/config/component_json.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/native/fit_command.hpp"
#include "dmt/registry.hpp"

namespace dmt::cli {
namespace {

struct options {
  std::string config, model, algorithm = "", out;
  std::vector<std::string> model_params, algorithm_params;
  long particles = -1, steps = -1, burn_in = -1, seed = -1, repeats = -1, warm_start = -1;
  int threads = -1;
  double step_size = -1;
  bool strict = false;
  CLI::Option* step_size_option = nullptr;
};

void add_run_options(CLI::App* s, options& o) {
  s->add_option("--model-param", o.model_params, "model parameter key=value (repeatable)");
  s->add_flag("--strict", o.strict,
              "exit with status 3 when a result carries a warning (theta drift, JALA-EM's ESS; the outputs are "
              "still written)");
  s->add_option("--algorithm-param", o.algorithm_params, "algorithm parameter key=value (repeatable)");
  s->add_option("--particles", o.particles, "N, particles (default: the model's reference experiment)");
  s->add_option("--steps", o.steps, "K, iterations (default: the model's)");
  o.step_size_option = s->add_option("--step-size", o.step_size, "h (default: the model's, per algorithm)");
  s->add_option("--burn-in", o.burn_in, "theta's average and the predictions pool steps burn-in..K");
  s->add_option("--seed", o.seed, "seed (default 1); repeats use seed, seed + 1, ...");
  s->add_option("--warm-start", o.warm_start, "steps of single-particle PMGD first; every particle and theta start "
                                             "where it ended (ParEM's warm start; default 0)");
  s->add_option("--repeats", o.repeats, "independent runs; metrics report their mean and sd");
  s->add_option("--threads", o.threads, "threads (default: all; the numbers do not depend on it)");
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// The config file's settings with the flags over them.
fit_request request_of(const options& o) {
  fit_request r;
  if (!o.config.empty()) r = read_fit_config(o.config);
  if (!o.model.empty()) r.model = nlohmann::json{{"name", o.model}};
  for (const auto& kv : o.model_params) {
    params p;
    set_param_from_text(p, kv, "model");
    r.model.update(params_to_json(p));
  }
  if (!o.algorithm.empty()) {
    r.algorithms.clear();
    for (const auto& name : split_commas(o.algorithm)) r.algorithms.push_back(nlohmann::json{{"name", name}});
  }
  for (const auto& kv : o.algorithm_params) {
    params p;
    set_param_from_text(p, kv, "algorithm");
    for (auto& a : r.algorithms) a.update(params_to_json(p));
  }
  if (o.particles != -1) {
    if (o.particles < 1) throw input_error("--particles must be at least 1");
    r.particles = o.particles;
  }
  if (o.steps != -1) r.steps = o.steps;
  if (o.burn_in != -1) r.burn_in = o.burn_in;
  if (o.step_size_option && o.step_size_option->count() > 0) r.step_size = o.step_size;
  if (o.seed != -1) {
    if (o.seed < 0) throw input_error("seed must be non-negative");
    r.seed = static_cast<std::uint64_t>(o.seed);
  }
  if (o.repeats != -1) r.repeats = o.repeats;
  if (o.warm_start != -1) {
    if (o.warm_start < 0) throw input_error("--warm-start must be non-negative");
    r.warm_start = o.warm_start;
  }
  if (o.threads != -1) r.threads = o.threads;
  if (!o.out.empty()) r.out = o.out;
  return r;
}

}  // namespace

void add_fit_commands(CLI::App& app, std::vector<command>& out) {
  auto o = std::make_shared<options>();
  auto* fit = app.add_subcommand("fit", "maximum marginal likelihood: learn theta of a latent-variable model by "
                                        "interacting particles; write theta_k, particles, metrics, report.svg");
  fit->add_option("--config", o->config, "JSON file with the same settings (flags override it)");
  fit->add_option("--model", o->model, "model name (see `dmt models`)");
  fit->add_option("--algorithm", o->algorithm, "algorithm, or several separated by commas (pgd,pqn,pmgd)");
  fit->add_option("--out", o->out, "output directory");
  add_run_options(fit, *o);
  out.push_back({fit, [o] {
                   const auto m = run_fit_command(request_of(*o));
                   std::size_t n = 0;
                   for (const auto& a : m["algorithms"]) {
                     report_warnings(a["warnings"].get<std::vector<std::string>>(), a["name"].get<std::string>(), false);
                     n += a["warnings"].size();
                   }
                   enforce_strict(n, o->strict);
                 }});

  auto so = std::make_shared<options>();
  auto models = std::make_shared<std::string>();
  auto select_out = std::make_shared<std::string>();
  auto* sel = app.add_subcommand("select", "rank candidate models by JALA-EM's log marginal-likelihood estimate");
  sel->add_option("--models", *models, "candidates separated by commas, each name[:key=value...] "
                                       "(linear_gaussian,linear_student_t)")
      ->required();
  sel->add_option("--algorithm", so->algorithm, "a weighted algorithm (default jala_em)");
  sel->add_option("--out", *select_out, "write the table as JSON here");
  add_run_options(sel, *so);
  out.push_back({sel, [so, models, select_out] {
                   options o = *so;
                   if (o.algorithm.empty()) o.algorithm = "jala_em";
                   o.model = "unused";
                   fit_request base = request_of(o);
                   base.model = nlohmann::json::object();
                   for (const auto& kv : o.model_params) {
                     params p;
                     set_param_from_text(p, kv, "model");
                     base.model.update(params_to_json(p));
                   }
                   std::vector<select_candidate> candidates;
                   for (const auto& c : split_commas(*models)) candidates.push_back(parse_candidate(c));
                   const auto rows = run_select_command(candidates, base, *select_out);
                   std::size_t n = 0;
                   for (const auto& r : rows) {
                     report_warnings(r["warnings"].get<std::vector<std::string>>(), r["model"].get<std::string>(), false);
                     n += r["warnings"].size();
                   }
                   enforce_strict(n, o.strict);
                 }});

  auto json = std::make_shared<bool>(false);
  auto* list = app.add_subcommand("models", "list the latent-variable models and MMLE algorithms with their parameters");
  list->add_flag("--json", *json, "machine-readable output");
  out.push_back({list, [json] {
                   if (*json) {
                     nlohmann::ordered_json j{{"models", components_json(component_kind::model)},
                                              {"algorithms", components_json(component_kind::algorithm)}};
                     std::cout << j.dump(2) << "\n";
                     return;
                   }
                   std::cout << "models:\n";
                   print_component_list(component_kind::model);
                   std::cout << "\nalgorithms:\n";
                   print_component_list(component_kind::algorithm);
                 }});
}

}  // namespace dmt::cli
