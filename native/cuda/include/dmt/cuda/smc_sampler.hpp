// SMC / AIS with the particles on the GPU: dmt::smc_sampler's algorithm and host-side weight logic
// (temperatures, reweighting, log Z, ESS, systematic ancestors: O(N) on the host, unchanged), with
// the particle-array work on the device: the target and reference evaluations, the row gather of
// resampling, and the MALA / ULA moves (langevin_sweep.cuh on the tempered kernel). Per level
// N floats of log R and N doubles of log pi_0 come to the host, and N ancestor indices go back
// when resampling. A CPU run with simd = false and a CUDA run with one seed agree to rounding.
// Plain C++ header.
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

 protected:
  void evaluate_base(const executor& exec) override;
  void gather(const std::vector<std::uint32_t>& ancestors) override;
  double langevin_moves(std::uint64_t seed, const executor& exec) override;
  bool particles_finite() const override;

 private:
  struct device_state;
  std::unique_ptr<device_state> dev_;
  mutable std::vector<float> host_x_;
  mutable bool stale_ = true;
};

}  // namespace dmt::cuda
