#include "dmt/samplers/posterior_chains.hpp"

#include <cmath>
#include <stdexcept>

#include "dmt/params.hpp"
#include "dmt/rng/stream.hpp"
#include "dmt/samplers/sampler.hpp"

namespace dmt {
namespace {
constexpr std::uint32_t kFastPurpose = 0x3B000000u;  // + chain index (< 2^20)
}  // namespace

posterior_chain_settings parse_posterior_chains(const params& p, const std::string& who) {
  posterior_chain_settings s;
  s.chains = p.integer("fast_chains");
  if (s.chains < 1 || s.chains > 4096) throw input_error(who + ": fast_chains must be between 1 and 4096");
  s.steps = p.integer("fast_steps");
  if (s.steps < 1 || s.steps > 100000) throw input_error(who + ": fast_steps must be between 1 and 1e5");
  s.step_size = p.number("fast_step_size");
  if (!(s.step_size > 0) || !std::isfinite(s.step_size)) throw input_error(who + ": fast_step_size must be positive");
  s.integrator = p.string("fast");
  if (s.integrator != "exponential" && s.integrator != "skrock")
    throw input_error(who + ": fast must be exponential or skrock (got '" + s.integrator + "')");
  s.stages = static_cast<int>(p.integer("fast_stages"));
  if (s.stages < 1 || s.stages > skrock_coefficients::max_stages)
    throw input_error(who + ": fast_stages must be between 1 and 64");
  s.damping = p.number("fast_damping");
  if (!(s.damping >= 0) || !std::isfinite(s.damping)) throw input_error(who + ": fast_damping must be non-negative");
  s.init = p.string("chain_init");
  if (s.init != "centre" && s.init != "particle")
    throw input_error(who + ": chain_init must be centre or particle (got '" + s.init + "')");
  return s;
}

std::vector<param_spec> posterior_chain_parameters(const std::string& centre_start) {
  const posterior_chain_settings d;  // the fast chains' defaults (also used directly by tests)
  return {
      integer_param("fast_chains", d.chains, "M, fast chains per particle"),
      integer_param("fast_steps", d.steps, "fast steps per slow step"),
      number_param("fast_step_size", d.step_size, "fast step size (fast time)"),
      string_param("fast", d.integrator, "fast integrator: exponential (Euler, the Gaussian factor exact) or skrock")
          .one_of({"exponential", "skrock"}),
      integer_param("fast_stages", d.stages, "skrock: stages s (s gradient evaluations per fast step)"),
      number_param("fast_damping", d.damping, "skrock: damping eta"),
      string_param("chain_init", d.init, "fast chains start at " + centre_start + " (centre) or at x (particle)")
          .one_of({"centre", "particle"})};
}

posterior_chains::posterior_chains(const target& t, posterior_chain_settings s, std::size_t particles, philox_key key)
    : target_(t),
      s_(std::move(s)),
      n_(particles),
      chains_(static_cast<std::size_t>(s_.chains)),
      d_(static_cast<std::size_t>(t.dim())),
      key_(key) {
  // before the allocation: the sampler owning the chains checks the count only after constructing them
  if (n_ > 0xFFFFFFF0u) throw input_error("particle count must be below 2^32");
  y_.resize(n_ * chains_ * d_);
  if (s_.student && s_.integrator != "skrock")
    throw input_error("posterior chains: Student-t noise needs the skrock integrator");
}

void posterior_chains::reset(const float* centre, const float* x) {
  if (s_.init == "particle") centre = x;
  for (std::size_t i = 0; i < n_; ++i)
    for (std::size_t c = 0; c < chains_; ++c)
      for (std::size_t j = 0; j < d_; ++j) y_[(i * chains_ + c) * d_ + j] = centre[i * d_ + j];
}

void posterior_chains::advance(std::size_t begin, std::size_t end, const float* centre, double a, double s2,
                               std::uint32_t counter, long steps, const float* scale) {
  if (scale && s_.student) throw std::logic_error("posterior_chains: a noise scale with Student-t p");
  if (s_.integrator == "skrock")
    skrock(begin, end, centre, a, s2, counter, steps, scale);
  else
    exponential(begin, end, centre, a * a / s2, counter, steps, scale);
}

void posterior_chains::exponential(std::size_t begin, std::size_t end, const float* centre, double kappa,
                                   std::uint32_t counter, long steps, const float* scale) {
  const std::size_t m = chains_, rows = (end - begin) * m;
  const double del = s_.step_size;
  struct coefficients {
    double decay, drift_gain, noise;
  };
  const auto make = [del](double k) {  // (1 - e^{-k d}) / k -> d as k -> 0
    return coefficients{std::exp(-k * del), -std::expm1(-k * del) / k, std::sqrt(-std::expm1(-2 * k * del) / k)};
  };
  const coefficients common = make(kappa);
  std::vector<coefficients> own;  // per particle coordinate when scaled
  if (scale) {
    own.resize((end - begin) * d_);
    for (std::size_t e = 0; e < own.size(); ++e) own[e] = make(kappa / double(scale[begin * d_ + e]));
  }
  std::vector<float> lr(rows), g(rows * d_);
  float* y = y_.data() + begin * m * d_;
  for (long f = 0; f < steps; ++f) {
    target_.evaluate(y, rows, lr.data(), g.data());
    for (std::size_t i = begin; i < end; ++i)
      for (std::size_t c = 0; c < m; ++c) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kFastPurpose + static_cast<std::uint32_t>(c),
                          counter + static_cast<std::uint32_t>(f));
        const std::size_t r = (i - begin) * m + c;
        for (std::size_t j = 0; j < d_; ++j) {
          const coefficients& k = scale ? own[(i - begin) * d_ + j] : common;
          const double cj = centre[i * d_ + j];
          const double yj = y[r * d_ + j];
          y[r * d_ + j] =
              static_cast<float>(cj + k.decay * (yj - cj) + k.drift_gain * g[r * d_ + j] + k.noise * rng.normal());
        }
      }
  }
}

// SK-ROCK steps on the drift G(y) = grad log pi(y) + grad_y log p(a (c - y) / sqrt(s2)), all rows of
// the block at once per stage: Q = sqrt(2 d) xi; K_0 = y; K_1 = y + mu_1 d G(y + nu_1 Q) + k_1 Q;
// K_j = mu_j d G(K_{j-1}) + nu_j K_{j-1} + (1 - nu_j) K_{j-2}; y <- K_s (as langevin_steps.hpp's skrock_step).
void posterior_chains::skrock(std::size_t begin, std::size_t end, const float* centre, double a, double s2,
                              std::uint32_t counter, long steps, const float* scale) {
  const std::size_t m = chains_, rows = (end - begin) * m, dd = d_;
  const double kappa = a * a / s2, del = s_.step_size, df = s_.df;
  const skrock_coefficients c = make_skrock_coefficients(s_.stages, s_.damping);
  std::vector<float> lr(rows), g(rows * dd), q(rows * dd), prev(rows * dd), stage(rows * dd), cen(rows * dd);
  std::vector<double> kap(scale ? rows * dd : 0);  // per-element precision when scaled
  float* y = y_.data() + begin * m * dd;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < dd; ++j) {
      cen[r * dd + j] = centre[(begin + r / m) * dd + j];
      if (scale) kap[r * dd + j] = kappa / double(scale[(begin + r / m) * dd + j]);
    }
  const auto drift = [&](const float* at) {  // g <- G(at)
    target_.evaluate(at, rows, lr.data(), g.data());
    if (s_.student) {  // + a (df + 1) v / (df s2 + v^2), v = a (c - y)
      for (std::size_t e = 0; e < rows * dd; ++e) {
        const double v = a * (cen[e] - double(at[e]));
        g[e] = static_cast<float>(g[e] + a * (df + 1.0) * v / (df * s2 + v * v));
      }
    } else {
      for (std::size_t e = 0; e < rows * dd; ++e)
        g[e] = static_cast<float>(g[e] - (scale ? kap[e] : kappa) * (double(at[e]) - cen[e]));
    }
  };
  const double sq = std::sqrt(2.0 * del);
  for (long f = 0; f < steps; ++f) {
    for (std::size_t i = begin; i < end; ++i)
      for (std::size_t ch = 0; ch < m; ++ch) {
        philox_stream rng(key_, static_cast<std::uint32_t>(i), kFastPurpose + static_cast<std::uint32_t>(ch),
                          counter + static_cast<std::uint32_t>(f));
        const std::size_t r = (i - begin) * m + ch;
        for (std::size_t j = 0; j < dd; ++j) q[r * dd + j] = static_cast<float>(sq * rng.normal());
      }
    for (std::size_t e = 0; e < rows * dd; ++e) {
      prev[e] = y[e];
      stage[e] = y[e] + c.nu1 * q[e];
    }
    drift(stage.data());
    for (std::size_t e = 0; e < rows * dd; ++e)
      y[e] = static_cast<float>(y[e] + double(c.mu1) * del * g[e] + c.k1 * q[e]);
    for (int st = 2; st <= c.stages; ++st) {
      drift(y);
      const double mu_h = double(c.mu[st]) * del, nu = c.nu[st];
      for (std::size_t e = 0; e < rows * dd; ++e) {
        const double next = mu_h * g[e] + nu * y[e] + (1.0 - nu) * prev[e];
        prev[e] = y[e];
        y[e] = static_cast<float>(next);
      }
    }
  }
}

}  // namespace dmt
