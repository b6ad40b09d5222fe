// One step of each Langevin-family sampler for the lanes<T> particles starting at
// `first_particle`, in structure-of-arrays form (x[j] = coordinate j of every lane). Written once
// for the CPU (float and xsimd batches), CUDA and wasm. `eval(x, grad)` returns log R(x) and
// writes grad log R(x). Noise comes from rng/normal.hpp keyed by (seed, particle, step, purpose):
// purpose 0 is the step's Gaussian vector, purpose 1 the accept/reject uniform.
#pragma once
#include <cmath>
#include <cstdint>

#include "dmt/hd.hpp"
#include "dmt/rng/normal.hpp"

namespace dmt {

DMT_HD inline rng_site step_site(philox_key key, std::uint32_t step, std::uint32_t purpose) {
  return {key, step, purpose};
}

// ULA (unadjusted Langevin): x <- x + h grad log R(x) + sqrt(2h) xi.
template <class T, class Eval>
DMT_HD void ula_step(const Eval& eval, int dim, float h, philox_key key, std::uint32_t step,
                     std::uint32_t first_particle, T* x, T* grad, T& log_r, T* noise) {
  normal_vector<T>(step_site(key, step, 0), first_particle, dim, noise);
  const float s = std::sqrt(2.0f * h);
  for (int j = 0; j < dim; ++j) x[j] = fma(T(h), grad[j], fma(T(s), noise[j], x[j]));
  log_r = eval(x, grad);
}

// MALA: the ULA proposal y, accepted with probability
// min(1, R(y) q(x|y) / (R(x) q(y|x))), log q(b|a) = -|b - a - h grad log R(a)|^2 / (4h).
// Returns 1 in accepting lanes and 0 elsewhere; a non-finite proposal is always rejected.
template <class T, class Eval>
DMT_HD T mala_step(const Eval& eval, int dim, float h, philox_key key, std::uint32_t step, std::uint32_t first_particle,
                   T* x, T* grad, T& log_r, T* noise, T* proposal, T* proposal_grad) {
  using std::log;
  normal_vector<T>(step_site(key, step, 0), first_particle, dim, noise);
  const float s = std::sqrt(2.0f * h);
  T forward(0.0f);  // |y - x - h g(x)|^2 / (4h) = |noise|^2 / 2
  for (int j = 0; j < dim; ++j) {
    proposal[j] = fma(T(h), grad[j], fma(T(s), noise[j], x[j]));
    forward = fma(noise[j], noise[j], forward);
  }
  const T proposal_log_r = eval(proposal, proposal_grad);
  T backward(0.0f);
  for (int j = 0; j < dim; ++j) {
    const T r = fma(T(-h), proposal_grad[j], x[j] - proposal[j]);
    backward = fma(r, r, backward);
  }
  const T log_alpha = proposal_log_r - log_r - backward * T(0.25f / h) + T(0.5f) * forward;
  const T u = uniform_scalar<T>(step_site(key, step, 1), first_particle);
  const auto accept = log(u) < log_alpha;  // false for NaN
  for (int j = 0; j < dim; ++j) {
    x[j] = select(accept, proposal[j], x[j]);
    grad[j] = select(accept, proposal_grad[j], grad[j]);
  }
  log_r = select(accept, proposal_log_r, log_r);
  return select(accept, T(1.0f), T(0.0f));
}

// Underdamped Langevin, unit mass, BAOAB splitting (Leimkuhler & Matthews 2013):
// B: v += h/2 g; A: x += h/2 v; O: v = c v + sqrt(1 - c^2) xi, c = exp(-friction h);
// A: x += h/2 v; B: v += h/2 g(x). For Gaussian targets its x-marginal is exact.
template <class T, class Eval>
DMT_HD void baoab_step(const Eval& eval, int dim, float h, float friction, philox_key key, std::uint32_t step,
                       std::uint32_t first_particle, T* x, T* v, T* grad, T& log_r, T* noise) {
  using std::exp;
  using std::sqrt;
  normal_vector<T>(step_site(key, step, 0), first_particle, dim, noise);
  const float c = std::exp(-friction * h), s = std::sqrt(1.0f - c * c), half = 0.5f * h;
  for (int j = 0; j < dim; ++j) {
    T vj = v[j] + T(half) * grad[j];
    T xj = x[j] + T(half) * vj;
    vj = T(c) * vj + T(s) * noise[j];
    x[j] = xj + T(half) * vj;
    v[j] = vj;
  }
  log_r = eval(x, grad);
  for (int j = 0; j < dim; ++j) v[j] = v[j] + T(half) * grad[j];
}

// SK-ROCK coefficients (Abdulle, Almuslimani, Vilmart 2018), computed on the host in double.
struct skrock_coefficients {
  static constexpr int max_stages = 64;
  int stages;
  float mu1, nu1, k1;
  float mu[max_stages + 1], nu[max_stages + 1];  // for j = 2..stages
};

// One SK-ROCK step: Q = sqrt(2h) xi; K_0 = X; K_1 = X + mu_1 h g(X + nu_1 Q) + k_1 Q;
// K_j = mu_j h g(K_{j-1}) + nu_j K_{j-1} + (1 - nu_j) K_{j-2}; X <- K_s (g = grad log R).
// Buffers: noise, previous, scratch_grad (dim each). x holds K_{j-1} during the recursion.
template <class T, class Eval>
DMT_HD void skrock_step(const Eval& eval, int dim, float h, const skrock_coefficients& c, philox_key key,
                        std::uint32_t step, std::uint32_t first_particle, T* x, T* grad, T& log_r, T* noise,
                        T* previous, T* scratch_grad) {
  normal_vector<T>(step_site(key, step, 0), first_particle, dim, noise);
  const float s = std::sqrt(2.0f * h);
  for (int j = 0; j < dim; ++j) {
    noise[j] = T(s) * noise[j];
    previous[j] = x[j];  // K_0
    scratch_grad[j] = x[j] + T(c.nu1) * noise[j];
  }
  eval(scratch_grad, grad);  // grad at X + nu_1 Q (scratch_grad is overwritten next)
  for (int j = 0; j < dim; ++j) x[j] = x[j] + T(c.mu1 * h) * grad[j] + T(c.k1) * noise[j];  // K_1
  for (int stage = 2; stage <= c.stages; ++stage) {
    eval(x, scratch_grad);
    const float mu_h = c.mu[stage] * h, nu = c.nu[stage];
    for (int j = 0; j < dim; ++j) {
      const T next = T(mu_h) * scratch_grad[j] + T(nu) * x[j] + T(1.0f - nu) * previous[j];
      previous[j] = x[j];
      x[j] = next;
    }
  }
  log_r = eval(x, grad);
}

}  // namespace dmt
