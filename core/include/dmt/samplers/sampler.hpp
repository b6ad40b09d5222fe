// Batched Langevin-family samplers (ULA, MALA, underdamped BAOAB, SK-ROCK) as step-wise objects.
// N particles advance independently; each particle's noise is keyed by (seed, particle, step), so
// results do not depend on the executor's thread count. After the adaptation phase, steps run
// tile by tile (lanes<float_batch> particles kept in registers/L1 for a whole sweep of steps).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/params.hpp"
#include "dmt/registry.hpp"
#include "dmt/samplers/langevin_steps.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/targets/target.hpp"

namespace dmt {

// The defaults of every field are the registry's (`dmt samplers`, DMT_REGISTER_COMPONENTS in
// sampler.cpp): parse_sampler(kind, {}) gives them; a value-initialised struct is not a usable setting.
struct sampler_settings {
  std::string kind;           // ula | mala | underdamped | skrock
  double step_size{};         // h (initial value when adapting)
  long adapt_steps{};         // MALA: steps adapting h toward target_accept (then frozen)
  double target_accept{};     // MALA
  double friction{};          // underdamped: gamma
  int stages{};               // SK-ROCK: s
  double damping{};           // SK-ROCK: eta
  std::string init;           // normal | exact | zeros
  double init_scale{};        // standard deviation of the normal initialisation
  bool simd{};                // false: the scalar reference path
  long trace_particles{};     // particles whose x_0 is recorded every step (chain ESS)
};

// Reads sampler `kind` (ula, mala, underdamped, skrock) and its parameters, the registry's defaults
// for those not given (run: what run-dependent defaults such as MALA's adapt_steps depend on);
// throws input_error for unknown names or parameters, or bad values.
sampler_settings parse_sampler(const std::string& kind, const params& p, const run_context& run = {});
skrock_coefficients make_skrock_coefficients(int stages, double damping);

// Shared with the CUDA backend, so that both start from the same state and adapt alike:
// the particles a sampler starts from (n x dim, keyed by seed as settings.init says), the
// underdamped sampler's initial velocities (N(0, I)), and one MALA adaptation step of h after a
// step with mean acceptance `acceptance`.
std::vector<float> initial_particles(const target& t, const sampler_settings& s, std::size_t n, std::uint64_t seed);
std::vector<float> initial_velocities(std::size_t n, int dim, std::uint64_t seed);
double adapt_step_size(double h, double acceptance, double target_accept);

// Raised when a chain produces NaN or Inf; names the first (step, particle).
struct nonfinite_error : input_error {
  nonfinite_error(long step, long particle)
      : input_error("non-finite value in particle " + std::to_string(particle) + " at step " + std::to_string(step) +
                    " (step size too large?)"),
        step(step),
        particle(particle) {}
  long step, particle;
};

class sampler : public particle_sampler {
 public:
  // Particles start as init says ("normal": N(0, init_scale^2 I); "exact": the target's exact
  // sampler; "zeros"), keyed by seed.
  sampler(const target& t, sampler_settings settings, std::size_t particles, std::uint64_t seed,
          const executor& exec = serial_executor());
  // Starts from the given particles (n x dim; settings.init is not used): one target evaluation.
  sampler(const target& t, sampler_settings settings, const std::vector<float>& x, std::uint64_t seed,
          const executor& exec = serial_executor());

  // Starts from the given particles with the target's log R and gradient there (n and n x dim):
  // no evaluation (SMC hands over the state it already evaluated).
  sampler(const target& t, sampler_settings settings, std::vector<float> x, std::vector<float> log_r,
          std::vector<float> grad, std::uint64_t seed);
  // Moves the particles out (the sampler must not be run afterwards).
  std::vector<float> take_particles() { return std::move(x_); }

  // Replaces the particles (n x dim) and re-evaluates the target there.
  void set_particles(const std::vector<float>& x, const executor& exec = serial_executor()) override;

  // Advances every particle by `steps` steps. progress(done) is called between sweeps.
  // Throws nonfinite_error if a chain leaves the finite numbers.
  void run(long steps, const executor& exec = serial_executor(), const std::function<void(long)>& progress = {}) override;

  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override { return log_r_; }
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return h_; }
  const sampler_settings& settings() const { return settings_; }
  // Mean acceptance over all particles and the steps after adaptation (1 for ULA/underdamped/SK-ROCK).
  double acceptance_rate() const override;
  // x_0 of the first trace_count() particles, one row per step after adaptation.
  const std::vector<float>& trace() const override { return trace_; }
  std::size_t trace_count() const override { return trace_m_; }
  // one evaluation per particle at the start and per step (SK-ROCK: one per stage)
  long energy_evaluations() const override {
    return static_cast<long>(n_) * (1 + step_ * (method_ == method::skrock ? settings_.stages : 1));
  }

 private:
  enum class method { ula, mala, underdamped, skrock };
  sampler(const target& t, sampler_settings settings, std::size_t particles, std::uint64_t seed, int);  // no particles yet
  // Runs `steps` steps on tiles [tile_begin, tile_end); trace rows start at trace_row0 when
  // tracing (after adaptation). Reports accepted proposals and the first non-finite (step, particle).
  template <class T>
  void sweep(std::size_t tile_begin, std::size_t tile_end, long steps, bool tracing, std::size_t trace_row0,
             double* accepted_sum, long* bad_step, long* bad_particle);
  void run_phase(long steps, bool adapting, const executor& exec);

  const target& target_;
  sampler_settings settings_;
  method method_;
  std::size_t n_;
  int d_;
  philox_key key_;
  double h_;
  long step_ = 0;
  skrock_coefficients skrock_{};
  std::vector<float> x_, v_, grad_, log_r_;
  std::vector<float> trace_;
  std::size_t trace_m_;
  double accepted_ = 0.0;  // accepted proposals after adaptation
  double proposals_ = 0.0;
};

}  // namespace dmt
