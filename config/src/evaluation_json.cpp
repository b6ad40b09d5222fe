#include "dmt/config/evaluation_json.hpp"

#include <cmath>
#include <map>

#include "dmt/diffusion/evaluation_warnings.hpp"

namespace dmt {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::ordered_json evaluation_json(const evaluation& ev) {
  nlohmann::ordered_json j;
  j["samples"] = ev.samples;
  j["steps"] = ev.steps;
  j["log_z_learned"] = number_or_null(ev.log_z_learned);
  j["elbo"] = number_or_null(ev.elbo);
  j["log_z_rw"] = number_or_null(ev.log_z_rw);
  j["log_z_true"] = number_or_null(ev.log_z_true);
  j["delta_log_z"] = number_or_null(ev.delta_log_z);
  j["delta_log_z_rw"] = number_or_null(ev.delta_log_z_rw);
  j["eubo"] = number_or_null(ev.eubo);
  j["ess_fraction"] = number_or_null(ev.ess_fraction);
  j["w2"] = number_or_null(ev.w2);
  j["w2_points"] = ev.w2_points;
  j["mmd2_rbf"] = number_or_null(ev.mmd);
  j["mode_coverage"] = number_or_null(ev.mode_coverage);
  j["warnings"] = evaluation_warnings(ev);
  return j;
}

nlohmann::ordered_json camel_case_evaluation(const nlohmann::ordered_json& snake) {
  // the JS API's names (wasm/dmt.d.ts); keys it does not document are left out
  static const std::map<std::string, std::string> names = {{"samples", "samples"},
                                                           {"steps", "steps"},
                                                           {"log_z_learned", "logZLearned"},
                                                           {"elbo", "elbo"},
                                                           {"log_z_rw", "logZRW"},
                                                           {"log_z_true", "logZTrue"},
                                                           {"delta_log_z", "deltaLogZ"},
                                                           {"delta_log_z_rw", "deltaLogZRW"},
                                                           {"eubo", "eubo"},
                                                           {"ess_fraction", "essFraction"},
                                                           {"w2", "w2"},
                                                           {"mmd2_rbf", "mmd2"},
                                                           {"mode_coverage", "modeCoverage"},
                                                           {"warnings", "warnings"}};
  nlohmann::ordered_json out;
  for (const auto& [k, v] : snake.items()) {
    const auto it = names.find(k);
    if (it != names.end()) out[it->second] = v;
  }
  return out;
}

}  // namespace dmt
