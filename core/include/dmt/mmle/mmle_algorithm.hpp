// An estimation algorithm for maximum marginal likelihood (docs/mmle.md): PGD, PQN, PMGD, IPLA,
// SOUL, JALA-EM, each in its own file under core/src/mmle/algorithms/, registered as kind
// "algorithm". The fit driver (mmle/fit.hpp) owns the particle cloud and calls step() once per
// iteration.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"

namespace dmt {

class latent_model;

// The state every algorithm updates: theta and N particles with log p_theta(x_i, y) and both
// gradients evaluated at (theta, x_i).
struct particle_cloud {
  std::size_t n = 0;
  int latent_dim = 0, theta_dim = 0;
  std::vector<double> theta;                             // theta_dim
  std::vector<double> x, log_joint, grad_x, grad_theta;  // n x latent_dim, n, n x latent_dim, n x theta_dim
  bool with_log_joint = true;  // false: log_joint is not computed (algorithms that need only gradients)
};

struct fit_context {
  const latent_model& model;
  double step_size;    // h
  std::uint64_t seed;  // noise keyed by (seed, particle, step, purpose)
  const executor& exec;
  long step = 0;       // k: step() advances k -> k + 1
};

class mmle_algorithm {
 public:
  virtual ~mmle_algorithm() = default;
  virtual std::string name() const = 0;
  // After the cloud holds (theta_0, X_0) evaluated; `log_q` is log q(X_0^i) of a normalised start
  // law (JALA-EM's initial weights), empty when the particles start at a point.
  virtual void start(particle_cloud& cloud, const fit_context& ctx, const std::vector<double>& log_q);
  // Iteration k -> k + 1; on return the cloud holds (theta_{k+1}, X_{k+1}) evaluated.
  virtual void step(particle_cloud& cloud, const fit_context& ctx) = 0;
  // The particles' normalised weights (weighted algorithms), else null.
  virtual const std::vector<double>* weights() const { return nullptr; }
  // Whether step() reads log p_theta(x_i, y) (JALA-EM's weights); else only gradients are computed.
  virtual bool needs_log_joint() const { return false; }
  // A running estimate of log p_theta_k(y) (JALA-EM), else none.
  virtual std::optional<double> log_marginal_estimate() const { return std::nullopt; }
  virtual double ess() const { return 0.0; }
  virtual long resamplings() const { return 0; }
};

// Shared moves (core/src/mmle/particle_moves.cpp). Particles are processed in fixed chunks, so
// the numbers do not depend on the executor's thread count.
void evaluate_cloud(const latent_model& model, particle_cloud& cloud, const executor& exec);
// x_i <- x_i + h grad_x l(theta, x_i) + sqrt(2h) xi_i with the cloud's current gradients; noise
// keyed by (seed, particle index + particle_offset, step, purpose).
void langevin_move(particle_cloud& cloud, const fit_context& ctx, std::uint32_t step, std::uint32_t particle_offset = 0);
// (1/N) sum_i grad_theta l(theta, x_i), or sum_i w_i grad_theta l with normalised weights.
std::vector<double> mean_theta_gradient(const particle_cloud& cloud, const std::vector<double>* weights = nullptr);
// A standard normal keyed by (seed, index, step, purpose): theta noise (IPLA).
double keyed_normal(std::uint64_t seed, std::uint32_t index, std::uint32_t step, std::uint32_t purpose);
// Throws input_error naming step and particle when a log density, gradient or theta is not finite.
void check_cloud_finite(const particle_cloud& cloud, long step, const std::string& algorithm);

// Noise purposes (the fourth Philox counter word), distinct from the samplers'.
constexpr std::uint32_t kMmleParticleNoise = 0x4d4d4c31;  // "MML1"
constexpr std::uint32_t kMmleThetaNoise = 0x4d4d4c32;
constexpr std::uint32_t kMmleResample = 0x4d4d4c33;
constexpr std::uint32_t kMmleInitial = 0x4d4d4c34;

}  // namespace dmt
