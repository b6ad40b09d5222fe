// JALA, Jarzynski-adjusted Langevin (arXiv 2505.18427; ALGORITHMS.md 3): unadjusted Langevin
// particles on the geometric path pi_b from N(0, diag(s^2)) to the target (s one scale for every
// coordinate, or one per coordinate), U_k = -log pi_{b_k}, each step
//   X_{k+1} = X_k - h grad U_k(X_k) + sqrt(2h) xi,
// with log-weights
//   A_{k+1} = A_k - U_{k+1}(X_{k+1}) + U_k(X_k) - |X_k - X_{k+1} + h grad U_{k+1}(X_{k+1})|^2 / (4h)
//                                              + |X_{k+1} - X_k + h grad U_k(X_k)|^2 / (4h),
// which make the weighted particles exact for every step size (Jarzynski's equality on path space):
// exp(log Z) is unbiased for Z. When the ESS falls below threshold x N the particles are resampled
// (systematic) and the weights reset; log Z accumulates the log mean weight at each reset and at
// the end. Temperatures b_k = k / levels (linear) or given; after b = 1 the steps continue at the
// target (the weights then correct ULA's bias). Deterministic for a seed, independent of threads.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dmt/samplers/particle_sampler.hpp"
#include "dmt/samplers/tempered_target.hpp"  // check_schedule

namespace dmt {

struct jala_settings {
  double step_size{};
  long levels{};                // linear schedule: b_k = k / levels
  std::vector<double> betas;        // or given temperatures (increasing, in (0, 1], last 1)
  double resample_threshold{};  // in (0, 1]
  std::vector<double> reference_scale{};  // s: one entry (every coordinate) or one per coordinate
};

jala_settings parse_jala(const params& p);

class jala_sampler : public particle_sampler {
 public:
  jala_sampler(const target& t, jala_settings settings, std::size_t particles, std::uint64_t seed,
               const executor& exec = serial_executor());
  void run(long steps, const executor& exec = serial_executor(), const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>&, const executor&) override;
  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override;
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return settings_.step_size; }
  const std::vector<double>* log_weights() const override { return &log_w_norm_; }
  std::optional<double> log_z() const override;
  double ess() const override;
  const std::vector<double>& ess_history() const override { return ess_history_; }
  long energy_evaluations() const override { return evaluations_; }
  double beta() const { return beta_; }
  std::optional<double> path_beta() const override { return beta_; }
  long resamplings() const { return resamplings_; }
  std::optional<long> resampling_count() const override { return resamplings_; }

 private:
  double beta_at(long k) const;
  void evaluate_base(const executor& exec);  // log R and its gradient at the current particles, into lp_ / grad_
  void combine_path(std::size_t i);           // particle i's lp_ / grad_: log R -> log pi_b (-U) and its gradient
  // body(begin, end) for the particles in chunks across the executor's threads
  void for_chunks(const executor& exec, const std::function<void(std::size_t, std::size_t)>& body) const;
  void normalise();
  void resample();

  const target& target_;
  jala_settings settings_;
  std::vector<double> inv_var_;  // 1 / s_j^2 per coordinate
  double ref_log_norm_;          // -1/2 sum_j log(2 pi s_j^2)
  double beta_ = 0.0;
  std::size_t n_;
  int d_;
  std::uint64_t seed_;
  long step_ = 0;
  std::vector<float> x_, lp_, grad_;  // lp_: log pi_b (= -U) at x_, grad_ its gradient
  std::vector<float> x_old_, lp_old_;         // the previous step's x_ and lp_ (run's buffers)
  std::vector<double> log_a_, log_w_norm_, ess_history_;
  double log_z_resampled_ = 0.0;  // the log mean weights at past resets
  long evaluations_ = 0, resamplings_ = 0;
  mutable std::vector<float> log_r_;
};

}  // namespace dmt
