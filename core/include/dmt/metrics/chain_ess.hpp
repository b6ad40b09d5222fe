// Effective sample size of a scalar traced over MCMC chains: Stan's multi-chain estimator
// (Gelman et al., BDA3 section 11.5; Vehtari et al. 2021 without rank normalisation) with Geyer's
// initial positive and monotone sequence. trace is steps x chains, row-major (row = one step).
#pragma once
#include <cstddef>

namespace dmt {
double chain_ess(const float* trace, std::size_t steps, std::size_t chains);
}
