// The moves every MMLE algorithm shares: evaluating the cloud, the Langevin step, averaging.
#include <cmath>
#include <string>

#include "dmt/mmle/langevin_update.hpp"
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {
namespace {

// Fixed chunks: a model may batch a chunk (a GEMM for logistic regression), and the chunking,
// hence every rounding, is the same for any number of threads.
constexpr std::size_t kChunk = 32;

std::size_t chunks(std::size_t n) { return (n + kChunk - 1) / kChunk; }

}  // namespace

void mmle_algorithm::start(particle_cloud&, const fit_context&, const std::vector<double>&) {}

void evaluate_cloud(const latent_model& model, particle_cloud& c, const executor& exec) {
  c.log_joint.assign(c.n, 0.0);
  c.grad_x.resize(c.n * c.latent_dim);
  c.grad_theta.resize(c.n * c.theta_dim);
  exec.parallel_for(chunks(c.n), [&](std::size_t b) {
    const std::size_t begin = b * kChunk, count = std::min(kChunk, c.n - begin);
    model.evaluate(c.theta.data(), c.x.data() + begin * c.latent_dim, count,
                   c.with_log_joint ? c.log_joint.data() + begin : nullptr,
                   c.grad_x.data() + begin * c.latent_dim, c.grad_theta.data() + begin * c.theta_dim);
  });
}

void langevin_move(particle_cloud& c, const fit_context& ctx, std::uint32_t step, std::uint32_t particle_offset) {
  const philox_key key = make_philox_key(ctx.seed);
  const int d = c.latent_dim;
  ctx.exec.parallel_for(chunks(c.n), [&](std::size_t b) {
    std::vector<double> z(d);
    const std::size_t end = std::min(c.n, (b + 1) * kChunk);
    for (std::size_t i = b * kChunk; i < end; ++i) {
      philox_stream rng(key, static_cast<std::uint32_t>(i) + particle_offset, kMmleParticleNoise, step);
      for (int j = 0; j < d; ++j) z[j] = rng.normal();
      ula_update(c.x.data() + i * d, c.grad_x.data() + i * d, z.data(), d, ctx.step_size);
    }
  });
}

std::vector<double> mean_theta_gradient(const particle_cloud& c, const std::vector<double>* weights) {
  std::vector<double> g(c.theta_dim, 0.0);
  for (std::size_t i = 0; i < c.n; ++i) {
    const double w = weights ? (*weights)[i] : 1.0 / double(c.n);
    for (int j = 0; j < c.theta_dim; ++j) g[j] += w * c.grad_theta[i * c.theta_dim + j];
  }
  return g;
}

double keyed_normal(std::uint64_t seed, std::uint32_t index, std::uint32_t step, std::uint32_t purpose) {
  philox_stream rng(make_philox_key(seed), index, purpose, step);
  return rng.normal();
}

void check_cloud_finite(const particle_cloud& c, long step, const std::string& algorithm) {
  for (std::size_t i = 0; i < c.n; ++i) {
    bool ok = std::isfinite(c.log_joint[i]);
    for (int j = 0; ok && j < c.latent_dim; ++j) ok = std::isfinite(c.x[i * c.latent_dim + j]) &&
                                                     std::isfinite(c.grad_x[i * c.latent_dim + j]);
    for (int j = 0; ok && j < c.theta_dim; ++j) ok = std::isfinite(c.grad_theta[i * c.theta_dim + j]);
    if (!ok)
      throw input_error(algorithm + ": particle " + std::to_string(i) + " diverged at step " + std::to_string(step) +
                        " (non-finite log density or gradient; reduce --step-size)");
  }
  for (int j = 0; j < c.theta_dim; ++j)
    if (!std::isfinite(c.theta[j]))
      throw input_error(algorithm + ": theta[" + std::to_string(j) + "] is not finite at step " + std::to_string(step) +
                        " (diverged: reduce --step-size)");
}

}  // namespace dmt
