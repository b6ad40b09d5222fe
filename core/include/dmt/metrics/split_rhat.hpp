// Rank-normalised split R-hat of a scalar traced over MCMC chains (Vehtari, Gelman, Simpson, Carpenter
// and Buerkner 2021, "Rank-normalization, folding, and localization: an improved R-hat", Bayesian
// Analysis 16(2), section 4.3): each chain split in two halves; all draws replaced by the normal scores
// Phi^-1((r - 3/8) / (S + 1/4)) of their ranks r among the S draws (ties: average rank); R-hat =
// sqrt(var+ / W) of those (bulk) and of the same for |x - median| (folded, the tails); the larger of
// the two. trace is steps x chains, row-major (row = one step); the caller drops the warm-up.
//
// kRhatWarning = 1.05. The paper recommends 1.01 before a chain's draws are averaged; dmt's sample is the
// chains' final states, which needs the chains to have forgotten where they started, not to have run
// long enough for 1.01: chains at stationarity give R-hat of about sqrt(1 + 1/ESS) with ESS per split
// chain, 1.03 for ULA's defaults on the Gaussian (ESS 3500 over 128 split chains), whose final states
// are exact to sampling noise. Chains stuck in different modes or still drifting give 1.16 (gmm25) to
// 2.5 (blr) with MALA's defaults. (BDA3, section 11.4, used 1.1.)
#pragma once
#include <cstddef>
#include <string>

namespace dmt {

constexpr double kRhatWarning = 1.05;

// NaN when there are fewer than 4 steps or 2 chains' worth of halves cannot be formed (steps < 4).
double split_rhat(const float* trace, std::size_t steps, std::size_t chains);

// The standard normal quantile Phi^-1(p), p in (0, 1) (Acklam's rational approximation refined by one
// Halley step on erfc: relative error below 1e-15).
double normal_quantile(double p);

// The warning `dmt sample` and the JS Sampler raise for an R-hat above kRhatWarning: "split R-hat of
// x0 over <over> is ...: the chains have not mixed; ..."; empty when rhat <= kRhatWarning or NaN (a
// trace too short to say).
std::string split_rhat_warning(double rhat, const std::string& over);

}  // namespace dmt
