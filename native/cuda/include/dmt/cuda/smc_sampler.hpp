// SMC / AIS with everything per particle on the GPU: dmt::smc_sampler's algorithm with the
// target and reference evaluations, the weight passes (reweighting and log Z, ESS, the adaptive
// schedule's conditional-ESS bisection, systematic ancestors: weight_kernels.cuh, double,
// deterministic), the row gathers of resampling and the MALA / ULA moves (langevin_sweep.cuh on the
// tempered kernel) on the device. Per level only a few scalars (log-sum-exp, ESS, acceptance) come
// to the host; weights and log R are downloaded when asked for. A CPU run with simd = false and a
// CUDA run with one seed agree to rounding (the sums are ordered differently). Plain C++ header.
#pragma once
#include <memory>

#include "dmt/samplers/smc.hpp"

namespace dmt::cuda {

class smc_sampler : public dmt::smc_sampler {
 public:
  // Throws cuda_error without a device or for a target with no CUDA kernel.
  smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed);
  ~smc_sampler() override;
  const std::vector<float>& particles() const override;
  const std::vector<float>& log_densities() const override;
  const std::vector<double>* log_weights() const override;
  double ess() const override;

 protected:
  void evaluate_base(const executor& exec) override;
  void gather(const std::vector<std::uint32_t>& ancestors) override;
  double langevin_moves(std::uint64_t seed, const executor& exec) override;
  bool particles_finite() const override;
  double next_beta() const override;
  void reweight(double b) override;
  void resample() override;

 private:
  struct device_state;
  std::unique_ptr<device_state> dev_;
  mutable std::vector<float> host_x_, host_log_r_;
  mutable std::vector<double> host_log_w_;
  mutable bool stale_ = true, log_r_stale_ = true, log_w_stale_ = true;
};

}  // namespace dmt::cuda
