// The importance-weight passes of the CUDA SMC on the device, in double, with fixed tilings so that
// every result is the same from run to run (no atomics, no look-back scans): reweighting by an
// increment of the tempering exponent with its log-sum-exp (log Z), the ESS, the conditional ESS
// of the adaptive schedule, and systematic-resampling ancestors from a deterministic inclusive scan.
// The formulas are core's (samplers/smc.cpp); only the order of the sums differs.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dmt/cuda/device_buffer.cuh"

namespace dmt::cuda {

class weight_kernels {
 public:
  explicit weight_kernels(std::size_t n);
  // v_i = log R_i - log pi_0,i; a_i = log W_i + delta v_i (-inf where not finite); returns
  // log sum_i exp(a_i) and sets log W_i = a_i - that (unless it is not finite: then log W is kept).
  double reweight(const float* log_r, const double* log_ref, double delta, double* log_w);
  // 1 / sum_i exp(2 log W_i) (log W normalised).
  double ess(const double* log_w);
  // max_i (log R_i - log pi_0,i), ignoring NaN (the conditional ESS's shift is delta times it).
  double max_log_ratio(const float* log_r, const double* log_ref);
  // (sum W w)^2 / sum W w^2 with w_i = exp(delta v_i - delta max_v).
  double conditional_ess(const float* log_r, const double* log_ref, const double* log_w, double delta, double max_v);
  // ancestors[k] = the first i with W_1 + ... + W_i >= u0 + k / n (n - 1 when none).
  void systematic_ancestors(const double* log_w, double u0, std::uint32_t* ancestors);

 private:
  std::size_t n_;
  device_buffer<double> a_, partial_, result_, cumulative_, tiles_;
};

}  // namespace dmt::cuda
