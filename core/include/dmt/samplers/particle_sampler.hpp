// What `dmt sample`, the wasm Sampler and the tests see of any sampler in the registry: N particles
// advanced step by step, with optional importance weights and a log Z estimate (the SMC family).
// make_particle_sampler builds one by name from its parameters.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/params.hpp"
#include "dmt/registry.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

class particle_sampler {
 public:
  virtual ~particle_sampler() = default;
  // Advances by `steps` steps (a sampler's unit: one Langevin step, one SMC temperature, ...).
  virtual void run(long steps, const executor& exec = serial_executor(),
                   const std::function<void(long)>& progress = {}) = 0;
  virtual const std::vector<float>& particles() const = 0;
  virtual const std::vector<float>& log_densities() const = 0;  // log R at the particles
  virtual long steps_done() const = 0;
  // Target evaluations (log R with its gradient) so far, all particles counted.
  virtual long energy_evaluations() const = 0;

  // What a sampler overrides only where it has it:
  // Replaces the particles (n x dim); samplers that start from their own reference refuse (the default).
  virtual void set_particles(const std::vector<float>& x, const executor& exec = serial_executor());
  virtual std::size_t size() const { return log_densities().size(); }
  // The step size in use (NaN where the sampler has none).
  virtual double step_size() const;
  // Mean acceptance of the Metropolis-adjusted moves (1 for samplers without an accept step).
  virtual double acceptance_rate() const { return 1.0; }
  // x_0 of trace_count() particles, one row per traced step (chain ESS); empty by default.
  virtual const std::vector<float>& trace() const;
  virtual std::size_t trace_count() const { return 0; }

  // Weighted samplers: normalised log-weights (log W_i, logsumexp = 0), else null.
  virtual const std::vector<double>* log_weights() const { return nullptr; }
  // The running estimate of log Z (weighted samplers), else empty.
  virtual std::optional<double> log_z() const { return std::nullopt; }
  // ESS of the current weights, 1/sum W_i^2 (N for unweighted samplers).
  virtual double ess() const { return static_cast<double>(size()); }
  // ESS after each step (weighted samplers), before any resampling of that step.
  virtual const std::vector<double>& ess_history() const;
  // The inverse temperature reached (samplers along a tempered path: smc, jala), else empty.
  virtual std::optional<double> path_beta() const { return std::nullopt; }
  // Resampling events so far (samplers that resample), else empty.
  virtual std::optional<long> resampling_count() const { return std::nullopt; }
};

// A registry factory for a sampler class built from the settings its parser reads out of resolved
// parameters: sampler_factory_of<smc_sampler>(smc_from_resolved).
template <class Sampler, class Settings>
sampler_factory sampler_factory_of(Settings (*from_resolved)(const params&)) {
  return [from_resolved](const params& p, const target& t, std::size_t n, std::uint64_t seed,
                         const executor& exec) -> std::unique_ptr<particle_sampler> {
    return std::make_unique<Sampler>(t, from_resolved(p), n, seed, exec);
  };
}

// input_error when the sampler needs a log density finite everywhere (caps.full_support) and the
// target's is -inf outside a set (target::bounded_support).
void check_support(const component_spec& sampler_spec, const target& t);

// Builds the named sampler from the registry: its parameters resolved (the registry's defaults
// for those not given; run: what run-dependent defaults depend on) and validated once.
std::unique_ptr<particle_sampler> make_particle_sampler(const std::string& name, const params& p, const target& t,
                                                        std::size_t particles, std::uint64_t seed,
                                                        const executor& exec = serial_executor(),
                                                        const run_context& run = {});

}  // namespace dmt
