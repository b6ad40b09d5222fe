// ULA, MALA, underdamped (BAOAB) and SK-ROCK on the device: the CPU `dmt::sampler` with the same
// settings, seed, initial particles, Philox noise, step functions (core's langevin_steps.hpp),
// MALA adaptation and non-finite detection, one thread per particle. A CPU run with simd = false
// and a CUDA run with one seed draw the same noise and agree to rounding (tests/cuda/).
// Plain C++ header: the CLI includes it without nvcc.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/sampler.hpp"

namespace dmt::cuda {

class langevin_sampler : public particle_sampler {
 public:
  // Particles start as on the CPU (settings.init, keyed by seed). Throws cuda_error without a
  // device or for a target with no CUDA kernel.
  langevin_sampler(const target& t, sampler_settings settings, std::size_t particles, std::uint64_t seed);
  ~langevin_sampler() override;

  void run(long steps, const executor& exec = serial_executor(),
           const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>& x, const executor& exec = serial_executor()) override;
  // Copied from the device when first read after a run.
  const std::vector<float>& particles() const override;
  const std::vector<float>& log_densities() const override;
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return h_; }
  double acceptance_rate() const override;
  const std::vector<float>& trace() const override { return trace_; }
  std::size_t trace_count() const override { return trace_m_; }
  long energy_evaluations() const override {
    return static_cast<long>(n_) * (1 + step_ * (settings_.kind == "skrock" ? settings_.stages : 1));
  }
  // Waits for the device (benchmarks time run() + synchronize()).
  void synchronize() const;

 private:
  void phase(long steps, bool adapting);
  struct device_state;
  std::unique_ptr<device_state> dev_;
  sampler_settings settings_;
  std::size_t n_;
  int d_;
  std::uint64_t seed_;
  double h_;
  long step_ = 0;
  std::size_t trace_m_;
  std::vector<float> trace_;
  double accepted_ = 0.0, proposals_ = 0.0;
  mutable std::vector<float> x_, log_r_;
  mutable bool x_stale_ = true, log_r_stale_ = true;
};

// The CUDA counterpart of dmt::make_particle_sampler: the Langevin family and smc; other names
// are refused with a one-line error listing what runs on CUDA.
std::unique_ptr<particle_sampler> make_particle_sampler(const std::string& name, const params& p, const target& t,
                                                        std::size_t particles, std::uint64_t seed);

}  // namespace dmt::cuda
