// Warnings on a sample of a target whose answers are known (the registry's benchmark targets: exact
// log Z, exact samples): `dmt sample` compares the run's estimate with them so that a run whose
// settings (the defaults included) give a wrong answer says so instead of returning it silently.
//   |log Z - log Z_exact| above 0.5 nat (Z off by more than 40 %, e^0.5 - 1 = 0.65 or 1 - e^-0.5 = 0.39):
//     the weighted estimate is biased at these settings (too few temperatures or MCMC moves, too large
//     a step) or too noisy for one run to be trusted;
//   fewer of the target's modes covered than by as many exact samples (each mode holding at least 10 %
//     of its equal share, metrics/mode_coverage.hpp): the sampler missed modes;
//   the squared distance between the sample's mean and the exact samples' above 9 times its
//     expectation under exact sampling, tr Cov (1/n + 1/n_ref): in one dimension the 3-standard-error
//     rule; the sample is biased or not converged. For samplers of independent particles only (a
//     resample of weighted particles shares ancestors: `dmt sample` leaves the test out for them).
//   the sliced W2 distance to the exact samples above 3 times that between two exact samples of the same
//     size (and above 0.05): the sample's law differs from the target's by more than sampling noise
//     explains (a heuristic factor: sliced W2 between exact samples varies by tens of percent from seed
//     to seed, most on heavy-tailed targets).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dmt {

constexpr double kLogZErrorWarning = 0.5;  // nats
constexpr double kMeanErrorWarning = 9.0;  // squared mean error / its sampling noise
constexpr double kSlicedW2Warning = 3.0;   // sliced W2 / that between two exact samples

struct exact_comparison {
  std::optional<double> log_z, log_z_exact;
  std::optional<double> coverage, coverage_exact;  // fractions of `modes`
  std::size_t modes = 0;
  std::optional<double> mean_sq_error, mean_sq_noise;
  std::optional<double> sliced_w2, sliced_w2_exact;
};

std::vector<std::string> exact_comparison_warnings(const exact_comparison& c);

}  // namespace dmt
