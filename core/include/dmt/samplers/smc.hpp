// Sequential Monte Carlo / annealed importance sampling on the geometric path from a Gaussian
// reference N(0, s^2 I) to the target (ALGORITHMS.md 3). Each step moves to the next temperature
// b: the particles' log-weights gain (b' - b)(log R - log pi_0), log Z gains the log of the
// weighted mean of those increments (so exp(log Z) is unbiased for Z), the particles are
// resampled (systematic) when the ESS falls below threshold x N, and then take `moves` MALA or
// ULA steps invariant for (or approximating) pi_b'. The schedule is adaptive (the next b is found
// by bisection so that the conditional ESS of the increments stays at ess_target x N), linear in
// `levels` steps, or given. After b = 1, steps are MCMC moves on the target with fixed weights.
// `move = slice`: each move is a sweep of coordinatewise slice sampling (slice_step.hpp) on pi_b,
// its interval widths w_j the particles' weighted standard deviations times slice_width: exact for
// pi_b at any scale (MALA's single step size cannot enter a funnel's neck).
// Deterministic for a seed and independent of the thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dmt/rng/stream.hpp"
#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/tempered_target.hpp"

namespace dmt {

constexpr std::uint32_t kSmcInitPurpose = 0x5C0001u;

// Particle i of SMC's initial draw from the reference N(0, scale^2 I) (CPU and CUDA).
DMT_HD inline void smc_initial_particle(philox_key key, std::uint32_t i, int dim, double scale, float* x) {
  philox_stream rng(key, i, kSmcInitPurpose);
  for (int j = 0; j < dim; ++j) x[j] = static_cast<float>(scale * rng.normal());
}

struct smc_settings {
  std::string move{};        // mala | ula | slice
  double slice_width{};         // slice: w_j = slice_width x the weighted sd of coordinate j
  int slice_max_steps{};         // slice: stepping-out limit m per coordinate
  double step_size{};           // initial step; MALA adapts it toward target_accept between levels
  double target_accept{};
  bool adapt_step{};
  int moves{};                    // MCMC steps per temperature
  double resample_threshold{};  // resample when ESS < threshold x N; in (0, 1]
  std::string schedule{};  // adaptive | linear | given
  long levels{};                // linear: temperatures after b = 0
  double ess_target{};          // adaptive: conditional ESS kept at this fraction of N
  std::vector<double> betas;        // given: increasing, in (0, 1], ending at 1
  double reference_scale{};     // s
  bool simd{};                 // false: the moves run the scalar reference path
  // SIMD path: keep grad log R of every particle between levels (one evaluation per move), or
  // evaluate it again at the start of each level's moves (one more evaluation per level, but half the
  // memory traffic: faster for targets that are cheap to evaluate, e.g. manywell's 1e5 x 32)
  bool keep_gradients{};
};

smc_settings parse_smc(const params& p);  // input_error for bad values

class smc_sampler : public particle_sampler {
 public:
  smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed,
              const executor& exec = serial_executor());

  void run(long steps, const executor& exec = serial_executor(), const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>&, const executor&) override;
  // (on the SIMD path the particles live in tiles: rows are gathered from them when asked for)
  const std::vector<float>& particles() const override;
  const std::vector<float>& log_densities() const override { return log_r_; }
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return h_; }
  double acceptance_rate() const override;
  const std::vector<double>* log_weights() const override { return &log_w_; }
  std::optional<double> log_z() const override { return log_z_; }
  double ess() const override;
  const std::vector<double>& ess_history() const override { return ess_history_; }
  long energy_evaluations() const override { return evaluations_; }

  double beta() const { return beta_; }
  std::optional<double> path_beta() const override { return beta_; }
  const std::vector<double>& betas() const { return beta_history_; }
  long resamplings() const { return resamplings_; }
  std::optional<long> resampling_count() const override { return resamplings_; }

 protected:
  struct deferred {
    bool host_particles = true;  // false: a backend draws the initial particles (smc_initial_particle) itself
  };
  // Sets everything up but the particles' evaluation, which a backend's constructor then runs
  // (evaluate_base() is virtual).
  smc_sampler(const target& t, smc_settings settings, std::size_t particles, std::uint64_t seed, deferred);
  // The particle-array operations, which the CUDA SMC replaces (its particles stay on the GPU):
  // log R and the reference's log density at every particle, into log_r_ and log_ref_;
  virtual void evaluate_base(const executor& exec);
  // row k <- row ancestors[k] (log_r_ and log_ref_ are permuted by the caller);
  virtual void gather(const std::vector<std::uint32_t>& ancestors);
  // settings_.moves Langevin steps (kind settings_.move, step h_) on tempered_ from the current
  // particles, noise keyed by `seed`; returns the acceptance rate (MALA);
  virtual double langevin_moves(std::uint64_t seed, const executor& exec);
  // move = slice: settings_.moves slice sweeps (CPU only); counts its evaluations
  void slice_moves(std::uint64_t seed, const executor& exec);
  virtual bool particles_finite() const;

  // The CPU's SIMD path (settings.simd, host particles; smc_tiles.cpp) keeps the particles and
  // grad log R across levels in tiles of W = lanes<float_batch> particles, coordinate-major inside a
  // tile (x_tiles_[(t d + j) W + l], the lanes past n repeating the last particle), and fuses each
  // level's move: the tempered log density and gradient formed from the stored log R, the MALA / ULA
  // steps, and log R, its gradient and log pi_0 kept for the next reweighting (one target evaluation
  // per move; no evaluation of its own per level). Same arithmetic, noise and results as the row-major
  // path through `sampler` that it replaces.
  void tiled_evaluate_base(const executor& exec);
  void tiled_gather(const std::vector<std::uint32_t>& ancestors);
  double tiled_moves(std::uint64_t seed, const executor& exec);
  bool tiled_finite() const;
  void tiles_from_rows();
  void rows_from_tiles() const;

  // The weight logic; the CUDA SMC runs it on the device (its weights stay there).
  virtual double next_beta() const;
  // The adaptive schedule's bisection: the largest step delta whose conditional ESS cess(delta)
  // stays >= ess_target (60 halvings; at least a tiny step).
  double adaptive_beta(const std::function<double(double)>& cess) const;
  virtual void reweight(double b);
  virtual void resample();
  void move(const executor& exec);
  // After reweighting to b with log-sum-exp lse: log Z, beta and the temperature history
  // (input_error when lse is not finite: every weight is zero).
  void record_level(double b, double lse);
  // Systematic resampling's offset u0 in [0, 1/n), keyed by (seed, level).
  double resample_offset() const;

  const target& target_;
  smc_settings settings_;
  tempered_target tempered_;
  std::size_t n_;
  int d_;
  std::uint64_t seed_;
  double h_;
  long step_ = 0;
  double beta_ = 0.0;
  double log_z_ = 0.0;
  mutable std::vector<float> x_;  // rows (tiled: a cache filled by particles())
  std::vector<float> log_r_;
  bool tiled_ = false;
  mutable bool rows_stale_ = false;
  std::vector<float> x_tiles_, grad_tiles_, x_spare_, grad_spare_;  // spares: resampling's targets
  std::vector<std::uint32_t> ancestors_;
  std::vector<float> log_r_spare_;
  std::vector<double> log_ref_spare_;
  std::vector<float> grad_;  // grad log R at x_ (CPU: filled with log_r_, handed to the moves)
  std::vector<double> log_ref_, log_w_, ess_history_, beta_history_;
  double ess_ = -1.0;  // CPU: 1 / sum W_i^2 of log_w_ as reweight / resample left it (< 0: not known)
  long evaluations_ = 0, resamplings_ = 0;
  double accepted_ = 0.0, proposals_ = 0.0;
};

}  // namespace dmt
