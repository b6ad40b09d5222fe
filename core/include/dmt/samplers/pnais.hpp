// Proximal Newton adaptive importance sampler (arXiv 2412.16558; ALGORITHMS.md 3) for targets
// pi proportional to exp(-f - g), f smooth and g convex and proximable (composite_target: the L1
// penalty of lasso_regression, the box of box_gaussian); any other target is treated as g = 0 with
// f = -log R and its Hessian from central differences of the gradient.
// J Gaussian proposals q_j = N(mu_j, S_j). Each step (iteration t):
//   1. H_j = the Hessian of f at mu_j with its eigenvalues replaced by their absolute values,
//      floored at min_curvature (positive definite; saddle-free Newton), S_j = cov_scale H_j^-1;
//   2. K = N / J draws from each q_j (Philox keyed by (seed, particle, t));
//   3. deterministic-mixture weights w = R(x) / ((1/J) sum_i q_i(x)) (exp(-inf) = 0 outside g's
//      domain);
//   4. each mean moves by a scaled proximal Newton step
//      mu_j <- prox^{H_j}_{gamma g}(mu_j - gamma H_j^-1 grad f(mu_j)).
// Every iteration's mean weight is unbiased for Z; log Z pools the weights of the iterations from
// `burn_in` on (the last iteration's alone while no later one has run), so exp(log Z) stays
// unbiased; so does the pooled self-normalised mean (pooled_mean). The particles are
// the last iteration's draws with their normalised weights (self-normalised expectations).
// Means start at init_scale x standard normal draws (keyed by the seed). Deterministic for a seed,
// independent of the thread count.
#pragma once
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "dmt/samplers/particle_sampler.hpp"

namespace dmt {

class composite_target;

struct pnais_settings {
  long proposals{};     // J
  double gamma{};      // proximal Newton step, in (0, 1]
  double cov_scale{};  // S_j = cov_scale H_j^-1
  double min_curvature{};
  double init_scale{};
  long burn_in{};  // iterations left out of the pooled log Z
};

pnais_settings parse_pnais(const params& p);

class pnais_sampler : public particle_sampler {
 public:
  pnais_sampler(const target& t, pnais_settings settings, std::size_t particles, std::uint64_t seed,
                const executor& exec = serial_executor());
  void run(long steps, const executor& exec = serial_executor(),
           const std::function<void(long)>& progress = {}) override;
  void set_particles(const std::vector<float>&, const executor&) override;
  const std::vector<float>& particles() const override { return x_; }
  const std::vector<float>& log_densities() const override { return log_r_; }
  std::size_t size() const override { return n_; }
  long steps_done() const override { return step_; }
  double step_size() const override { return settings_.gamma; }
  double acceptance_rate() const override { return std::nan(""); }
  const std::vector<double>* log_weights() const override { return &log_w_norm_; }
  std::optional<double> log_z() const override;
  double ess() const override;
  const std::vector<double>& ess_history() const override { return ess_history_; }
  long energy_evaluations() const override { return evaluations_; }
  const std::vector<Eigen::VectorXd>& means() const { return mu_; }
  // The self-normalised estimate of E_pi[x] from the pooled iterations' weights.
  Eigen::VectorXd pooled_mean() const;

 private:
  double f_and_grad(const Eigen::VectorXd& x, Eigen::VectorXd* grad) const;  // f and grad f
  Eigen::MatrixXd hessian(const Eigen::VectorXd& x) const;
  void iterate(const executor& exec);

  const target& target_;
  const composite_target* composite_;  // null: g = 0
  pnais_settings settings_;
  std::size_t n_, per_;
  int d_;
  std::uint64_t seed_;
  long step_ = 0;
  std::vector<Eigen::VectorXd> mu_;
  std::vector<float> x_, log_r_;
  std::vector<double> log_w_norm_, ess_history_, last_log_w_;
  double pooled_log_sum_ = -std::numeric_limits<double>::infinity(), last_log_mean_ = 0.0;
  double pooled_count_ = 0.0;
  Eigen::VectorXd pooled_mean_, last_mean_;  // self-normalised means: pooled iterations, last one
  long evaluations_ = 0;
};

}  // namespace dmt
