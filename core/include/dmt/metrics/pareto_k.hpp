// The Pareto k-hat of importance weights (Vehtari, Simpson, Gelman, Yao & Gabry 2024, "Pareto smoothed
// importance sampling", JMLR 25(72)): a generalised Pareto distribution fitted to the largest
// M = ceil(min(S / 5, 3 sqrt(S))) of S weights, by the profile-likelihood estimate of Zhang & Stephens
// (2009) with the weakly informative prior of the paper (k pulled towards 1/2 as by 10 observations).
// k-hat estimates the tail index: the weights have finite variance for k < 1/2, and the paper calls an
// estimate unreliable above min(1 - 1/log10(S), 0.7). The same steps as R's loo 2.5.1 (psis with
// r_eff = 1: gpdfit, lx, adjust_k_wip), whose output the tests compare against.
#pragma once
#include <optional>
#include <vector>

namespace dmt {

// k-hat of the weights exp(log_weights) (any common shift; -inf entries are weight 0 and left out).
// Empty when it cannot be fitted: fewer than 5 tail points (S < 25 finite weights) or a tail whose
// log-values are all equal to 1e-12 (after resampling every weight is, up to rounding). +inf when the
// fit breaks down (loo: Inf).
std::optional<double> pareto_k_hat(const std::vector<double>& log_weights);

// The threshold above which k-hat says the estimate is unreliable, for S weights: min(1 - 1/log10 S, 0.7).
double pareto_k_threshold(std::size_t s);

}  // namespace dmt
