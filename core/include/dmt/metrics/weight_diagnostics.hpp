// Diagnostics of a weighted estimate (the SMC family's log Z and weighted particles), and the
// warnings that say when it should not be trusted. Each threshold, with its source:
//   Pareto k-hat of the final weights above min(1 - 1/log10 N, 0.7): the weights' tail is too heavy for
//     the estimate to converge at a usable rate (Vehtari et al. 2024, PSIS, section 3; metrics/pareto_k.hpp).
//   ESS below max(N/100, 5) at some step (before that step's resampling): one step's incremental weights
//     left fewer than 1 % of the particles effective, so everything after descends from a handful and the
//     log Z increments of that step rest on them. Adaptive SMC keeps each step's ESS near N/2 (Del Moral,
//     Doucet & Jasra 2012); a drop fifty times below that is a step too long for the path, not noise.
//   any non-finite log-weight (NaN or +inf): the estimate is undefined.
// Reported without a warning: the fraction of steps that resampled (adaptive tempering resamples at every
// step by design) and the largest normalised weight.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dmt {

struct weight_diagnostics {
  std::size_t particles = 0;
  double min_ess = 0.0;              // over the steps' ESS (before resampling) and the final weights
  long min_ess_step = -1;            // 1-based step of the minimum; 0: the final weights
  std::optional<double> resampled_fraction{};  // resampling events / steps (samplers that resample)
  double max_weight = 0.0;           // largest normalised final weight
  std::size_t non_finite = 0;        // final log-weights that are NaN or +inf
  std::optional<double> pareto_k{};  // of the final weights (empty: not fittable, e.g. all equal)
  double pareto_k_threshold = 0.7;
  std::vector<std::string> warnings{};  // one line each, naming the diagnostic that failed
};

// log_weights: the final normalised log-weights; ess_history: ESS after each step before resampling.
weight_diagnostics diagnose_weights(const std::vector<double>& log_weights, const std::vector<double>& ess_history,
                                    std::optional<long> resamplings, long steps);

}  // namespace dmt
