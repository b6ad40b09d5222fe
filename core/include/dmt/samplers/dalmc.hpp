// DALMC: annealed Langevin on a diffusion path (arXiv 2502.09306; ALGORITHMS.md 3). The path
//   mu_t = Law(sqrt(lambda_t) X + sqrt(1 - lambda_t) Z),  X ~ pi,  Z ~ N(0, I) or product Student-t(df),
// runs from almost pure noise (lambda = lambda_min) to the target (lambda = 1) over `levels` levels of
// `steps_per_level` Langevin steps X <- X + h s(X) + sqrt(2h) xi, s an estimate of grad log mu_t:
//   exact     Gaussian noise on a Gaussian or Gaussian-mixture target: mu_t is again one (means
//             sqrt(lambda) m, covariances lambda S + (1 - lambda) I);
//   tweedie   (RDMC form) Y_i = (x - sqrt(1 - lambda) Z_i) / sqrt(lambda), Z_i ~ noise, weights
//             w_i ~ R(Y_i) (self-normalised): s = sum_i w_i grad_u log p_noise(u) at u = sqrt(1 - lambda) Z_i;
//   dem       (target-score form) the same samples and weights, s = lambda^(-1/2) sum_i w_i grad log R(Y_i);
// with K = inner_samples per particle and step. `auto` is exact where it exists, else tweedie.
// After the last level the steps are ULA on the target. Particles start from the noise law. Every
// random number is keyed by (seed, particle, step): deterministic, independent of the threads.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/rng/philox.hpp"
#include "dmt/samplers/lazy_log_densities.hpp"
#include "dmt/samplers/particle_sampler.hpp"

namespace dmt {

struct dalmc_settings {
  std::string noise{};  // gaussian | student_t
  double df{};                 // Student-t degrees of freedom
  std::string schedule{};  // linear | cosine
  long levels{};
  long steps_per_level{};
  double lambda_min{};  // lambda at the first level's start (t = 0)
  double step_size{};
  std::string score{};  // auto | exact | tweedie | dem
  long inner_samples{};     // K of the Monte-Carlo scores
};

dalmc_settings parse_dalmc(const params& p);
// The diffusion path's registry parameters (noise, df, schedule, levels, steps_per_level, lambda_min,
// step_size), shared with multalmc.
std::vector<param_spec> dalmc_path_parameters();
// lambda at t in [0, 1]: linear lambda_min + (1 - lambda_min) t, or cosine
// lambda_min + (1 - lambda_min) sin^2(pi t / 2).
double dalmc_lambda(const dalmc_settings& s, double t);

// grad log mu_t for one target and settings (score "auto" resolved at construction; input_error when
// "exact" is asked for where it does not exist).
class diffusion_score {
 public:
  diffusion_score(const target& t, const dalmc_settings& s);
  const std::string& kind() const { return kind_; }
  // The score at the n points x (n x dim) into out; the Monte-Carlo kinds draw their K inner
  // samples keyed by (key, first_particle + i, step). lambda = 1: the target's gradient.
  void operator()(double lambda, const float* x, std::size_t n, philox_key key, std::uint32_t step,
                  std::uint32_t first_particle, float* out) const;
  // Target evaluations per point and call at lambda < 1 (K for Monte Carlo, 1 for exact).
  long evaluations_per_point() const { return kind_ == "exact" ? 1 : settings_.inner_samples; }

 private:
  void exact(double lambda, const float* x, std::size_t n, float* out) const;
  void monte_carlo(double lambda, const float* x, std::size_t n, philox_key key, std::uint32_t step,
                   std::uint32_t first_particle, float* out) const;
  const target& target_;
  dalmc_settings settings_;
  std::string kind_;
  int dim_;
  // exact: a mixture of equal-weight components N(m_k, variance I), or one Gaussian N(mean, cov)
  std::vector<double> means_, mean_, cov_;
  double variance_ = 0.0;
};

class dalmc_sampler : public particle_sampler {
 public:
  dalmc_sampler(const target& t, dalmc_settings settings, std::size_t particles, std::uint64_t seed,
                const executor& exec = serial_executor());
  void run(long steps, const executor& exec = serial_executor(), const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>& x, const executor& exec = serial_executor()) override;
  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override;
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return settings_.step_size; }
  long energy_evaluations() const override { return evaluations_; }
  // lambda of the path at step index k (1 from the end of the last level on)
  double lambda_at(long k) const;
  const diffusion_score& score() const { return score_; }

 private:
  const target& target_;
  dalmc_settings settings_;
  diffusion_score score_;
  std::size_t n_;
  int d_;
  philox_key key_;
  long step_ = 0;
  long evaluations_ = 0;
  std::vector<float> x_;
  lazy_log_densities log_r_;
};

}  // namespace dmt
