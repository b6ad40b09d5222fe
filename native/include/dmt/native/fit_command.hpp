// `dmt fit` and `dmt select`: maximum marginal likelihood by interacting particles (docs/mmle.md).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dmt/config/fit_request.hpp"

namespace dmt {

// Reads a fit config file (fit_request_from_json).
fit_request read_fit_config(const std::string& path);
// Runs every algorithm of the request (with a progress bar), then writes into request.out:
// theta_<alg>.csv / .npy (theta_0..theta_K, and log Z_k for JALA-EM), particles_<alg>.npy (the
// final cloud, float64), metrics.json and report.svg; nothing is written when anything fails.
// Returns the metrics.
nlohmann::ordered_json run_fit_command(const fit_request& request);

// One candidate of `dmt select`: a model name and its own parameters.
struct select_candidate {
  std::string label;  // as given ("linear_gaussian:order=3")
  nlohmann::json model;
};
// "name" or "name:key=value:key=value"
select_candidate parse_candidate(const std::string& text);
// Ranks the candidates by JALA-EM's final log Z (mean over repeats); prints the table to stdout
// and returns it as JSON (written to out_json if given).
nlohmann::ordered_json run_select_command(const std::vector<select_candidate>& candidates, const fit_request& base,
                                          const std::string& out_json);

// The report: theta_k per algorithm (one panel per theta coordinate) and log Z_k where estimated.
std::string fit_report_svg(const fit_run& run);

}  // namespace dmt
