// Effective sample size of importance weights given as log-weights:
// ESS = (sum w)^2 / sum w^2, in [1, n] (Kong 1992). Non-finite log-weights count as weight 0.
#pragma once
#include <vector>

namespace dmt {
double importance_ess(const std::vector<double>& log_weights);
}
